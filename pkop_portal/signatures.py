"""Who signs an answer: the officer's full name and position, in the language of the case.

An answer goes to the citizen under a person's name, never under a login: `signer_line` refuses
an officer whose account has no full name (ValidationError code "no_signer_name"), so the step
that signs (e.g. appeals.workflow.appeal_answer) stops before anything is saved.
"""

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.utils.translation import gettext as _

# The position columns of StaffProfile, tried in this order after the case's own language.
POSITION_FALLBACK = ("ru", "en", "kk", "zh_hans")


def signer_position(user, language: str) -> str:
    """The position of `user` (StaffProfile) in `language` ("kk", "ru", "en", "zh-hans"),
    else in Russian, else in English, else in any language given; "" without a profile."""
    try:
        profile = user.staff_profile
    except (ObjectDoesNotExist, AttributeError):
        return ""
    wanted = (language or "").replace("-", "_").lower()
    for code in (wanted, *POSITION_FALLBACK):
        value = getattr(profile, f"position_{code}", "") or ""
        if value.strip():
            return value.strip()
    return ""


def signer_name(user) -> str:
    """The officer's full name as the account gives it ("" when it has none)."""
    return " ".join(user.get_full_name().split())


def signer_line(user, language: str) -> str:
    """ "Full name, position" of the officer `user` in `language` (the position falls back as
    `signer_position` says; without one, the full name alone).

    Raises ValidationError(code="no_signer_name") when the account has no first or last name:
    an answer is never signed with a username."""
    name = signer_name(user)
    if not name:
        raise ValidationError(
            _(
                "Your account has no full name, and an answer is signed with the officer's full "
                "name. Ask an administrator to enter your first and last name (and your "
                "position) in your user account, then answer again."
            ),
            code="no_signer_name",
        )
    position = signer_position(user, language)
    return f"{name}, {position}" if position else name
