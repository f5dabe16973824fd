"""The deadline-extension rule (APPK Art. 76), shared by appeals and charity requests.

A Head may extend the answer deadline once it is clear more time is needed: with reasons, to a
later date, at most two months after registration, and only while the current due date has not
passed (on the due day itself it still may be). Who counts as a Head, the row lock and the
status check stay with each app's workflow step; the rule itself lives here once.
"""

from datetime import date

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from pkop_portal import workdays

EXTENSION_LIMIT = relativedelta(months=2)
# How workflows write dates into history rows (old_value/new_value of an extension); the
# appeals deadline rules read them back.
EVENT_DATE_FORMAT = "%d.%m.%Y"


def due_date_extension_check(
    *, due_date: date, registration_date: date, new_due: date, reason: str, too_late_message: str
) -> str:
    """Validate extending `due_date` to `new_due` for the given `reason`.

    Inputs: the current due date and registration date of the appeal or request, and the
    caller's translated message for a date past the limit (with a %(date)s placeholder, naming
    its own kind of case). Returns the reason, stripped. Raises ValidationError(code="overdue"
    | "no_reason" | "not_later" | "too_late"), checked in that order.
    """
    if workdays.local_now().date() > due_date:
        raise ValidationError(
            _("The answer was due on %(date)s; a deadline that has passed cannot be extended.")
            % {"date": f"{due_date:%d.%m.%Y}"},
            code="overdue",
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reasons for the extension."), code="no_reason")
    if new_due <= due_date:
        raise ValidationError(
            _("The new due date must be later than the current one (%(date)s).")
            % {"date": f"{due_date:%d.%m.%Y}"},
            code="not_later",
        )
    limit = registration_date + EXTENSION_LIMIT
    if new_due > limit:
        raise ValidationError(too_late_message % {"date": f"{limit:%d.%m.%Y}"}, code="too_late")
    return reason


def due_date_set(case, new_due: date) -> date:
    """Save `new_due` as the (locked) case's due date, stamp extended_at, and return the old
    due date. The case is any model with due_date, extended_at and updated_at."""
    old = case.due_date
    case.due_date = new_due
    case.extended_at = timezone.now()
    case.save(update_fields=["due_date", "extended_at", "updated_at"])
    return old
