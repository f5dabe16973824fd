"""The period of a staff statistics page: a month, a quarter or a year, or from one date to
another, chosen in a GET form (`period`, `year`, `month`, `quarter`, `start`, `end`).

`PeriodForm` is the form; a page subclasses it to choose its default period (`DEFAULT`). Every
field is optional: what is missing is taken from today. Errors are translated and attached to
their fields.
"""

from datetime import date, timedelta

from django import forms
from django.utils.dates import MONTHS
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pkop_portal.forms import PortalForm

FIRST_YEAR, LAST_YEAR = 2000, 2100
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def month_end(year: int, month: int) -> date:
    """The last day of `month` of `year`."""
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def months_between(start: date, end: date) -> list[date]:
    """The first day of every month touching [start, end], in order."""
    months, current = [], start.replace(day=1)
    while current <= end:
        months.append(current)
        current = month_end(current.year, current.month) + timedelta(days=1)
    return months


class PeriodForm(PortalForm):
    """A month, a quarter or a year of `year`, or from `start` to `end` (dates, both
    included); `DEFAULT` (a subclass's choice) when no period is given."""

    MONTH, QUARTER, YEAR, CUSTOM = "month", "quarter", "year", "custom"
    DEFAULT = MONTH

    period = forms.ChoiceField(
        label=_("Period"),
        required=False,
        choices=(
            (MONTH, _("Month")),
            (QUARTER, _("Quarter")),
            (YEAR, _("Year")),
            (CUSTOM, _("Custom period")),
        ),
    )
    year = forms.IntegerField(
        label=_("Year"), required=False, min_value=FIRST_YEAR, max_value=LAST_YEAR
    )
    month = forms.TypedChoiceField(
        label=_("Month"), required=False, coerce=int, empty_value=None, choices=MONTHS.items()
    )
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[(q, str(q)) for q in range(1, 5)],
    )
    start = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    end = forms.DateField(label=_("To"), required=False, widget=DATE_INPUT)

    def __init__(self, data=None, *, today: date):
        self.today = today
        first = today.replace(day=1) if self.DEFAULT == self.MONTH else date(today.year, 1, 1)
        super().__init__(
            data,
            initial={
                "period": self.DEFAULT,
                "year": today.year,
                "month": today.month,
                "quarter": (today.month - 1) // 3 + 1,
                "start": first,
                "end": today,
            },
        )

    def clean(self):
        data = super().clean()
        if self.errors or data.get("period") != self.CUSTOM:
            return data
        start, end = data.get("start"), data.get("end")
        if start is None:
            self.add_error("start", gettext("Enter the first day of the period."))
        if end is None:
            self.add_error("end", gettext("Enter the last day of the period."))
        if start and end:
            for name, value in (("start", start), ("end", end)):
                if not FIRST_YEAR <= value.year <= LAST_YEAR:
                    self.add_error(
                        name,
                        gettext("Enter a date from %(first)s to %(last)s.")
                        % {"first": FIRST_YEAR, "last": LAST_YEAR},
                    )
            if end < start:
                self.add_error("end", gettext("The end is before the start."))
        return data

    def period_bounds(self) -> tuple[date, date]:
        """(first day, last day) of the chosen period; call only when unbound or valid."""
        data = self.cleaned_data if self.is_bound else {}
        period = data.get("period") or self.DEFAULT
        year = data.get("year") or self.today.year
        if period == self.CUSTOM:
            return data["start"], data["end"]
        if period == self.YEAR:
            return date(year, 1, 1), date(year, 12, 31)
        if period == self.QUARTER:
            quarter = data.get("quarter") or (self.today.month - 1) // 3 + 1
            return date(year, 3 * quarter - 2, 1), month_end(year, 3 * quarter)
        month = data.get("month") or self.today.month
        return date(year, month, 1), month_end(year, month)
