"""Partial masks for restricted personal data shown to staff (IIN, phone, e-mail, name, address)."""

import re

import phonenumbers


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


def mask_account(value: str) -> str:
    """'KZ86 125K ZT50 0410 0100' → '****0100': the last four characters of a bank account
    (IBAN) only, spaces ignored, so its length tells nothing either."""
    compact = "".join(value.split())
    if not compact:
        return ""
    return "****" + (compact[-4:] if len(compact) > 4 else "")


_EMAIL_IN_TEXT = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+")


def scrub_contacts(text: str) -> str:
    """Free text (an SMTP or SMS gateway error, a log line) with every e-mail address and
    phone number in it masked as in the staff lists.

    Phone numbers are found by libphonenumber's matcher at its loosest level: a long number
    that only looks like a phone is masked too, which costs a little diagnosis, never privacy.
    """
    text = _EMAIL_IN_TEXT.sub(lambda match: mask_email(match.group()), text)
    leniency = phonenumbers.Leniency.POSSIBLE
    matches = list(phonenumbers.PhoneNumberMatcher(text, "KZ", leniency=leniency))
    for match in reversed(matches):
        text = text[: match.start] + mask_phone(match.raw_string) + text[match.end :]
    return text


def mask_name(full_name: str) -> str:
    """'Айгерим Садыкова' → 'А. С.': initials only."""
    return " ".join(f"{part[0]}." for part in full_name.split())


def mask_address(address: str) -> str:
    """'Шымкент, ул. Байтурсынова, 1' → 'Шымкент, ***': the locality (first part) only."""
    if not address.strip():
        return ""
    first, separator, _rest = address.partition(",")
    return f"{first.strip()}, ***" if separator else "***"
