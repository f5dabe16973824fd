"""The public statistics page: appeals and reception visits per month, anonymised."""

from django.http import Http404
from django.shortcuts import render
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from pkop_portal import public_statistics as selectors


@require_safe
def statistics(request):
    """The table of one year (`?year=`, default this year); 404 for a year not offered."""
    years = selectors.statistics_years()
    year = selectors.statistics_year_parse(raw=request.GET.get("year"), years=years)
    if year is None:
        raise Http404(_("There are no statistics for this year."))
    table = selectors.public_statistics(year=year)
    months = [{**m, "name": MONTHS[m["month"]]} for m in table["months"]]
    return render(
        request,
        "pages/statistics.html",
        {
            "year": year,
            "years": list(reversed(years)),
            "months": months,
            "categories": table["categories"],
        },
    )
