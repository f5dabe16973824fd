"""Personal-data consent of the public forms: one text per purpose, the version agreed to."""

from pkop_portal.models import ConsentText


def consent_text_current(*, purpose: str) -> ConsentText | None:
    """The newest consent text of `purpose` (a ConsentText.Purpose value), or None."""
    return ConsentText.objects.filter(purpose=purpose).order_by("-valid_from", "-pk").first()
