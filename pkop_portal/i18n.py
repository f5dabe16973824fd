"""Content stored in the four languages as <field>_kk, _ru, _en, _zh_hans columns."""

from django.utils import translation


def localized(obj, field: str, fallback: str = "ru") -> str:
    """`obj.<field>_<active language>`, or the fallback language's column when that is empty."""
    language = (translation.get_language() or "kk").replace("-", "_")
    return getattr(obj, f"{field}_{language}", "") or getattr(obj, f"{field}_{fallback}", "")
