"""Partial masks for restricted personal data shown in staff lists (IIN, phone, e-mail)."""


def mask_email(address: str) -> str:
    """'aigerim@example.kz' → 'a*****m@example.kz'."""
    local, _sep, domain = address.partition("@")
    short = len(local) <= 2
    hidden = local[:1] + "*" if short else local[0] + "*" * (len(local) - 2) + local[-1]
    return f"{hidden}@{domain}" if domain else hidden


def mask_phone(number: str) -> str:
    """'+77011234567' → '+7701*****67'."""
    if len(number) <= 6:
        return "*" * len(number)
    return number[:5] + "*" * (len(number) - 7) + number[-2:]


def mask_iin(value: str) -> str:
    """'870101300009' → '8701******09': birth-date prefix and check digits only."""
    return f"{value[:4]}{'*' * 6}{value[-2:]}" if value else ""
