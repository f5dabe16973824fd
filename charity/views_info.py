"""Public information pages of the charity app: how assistance works, the yearly report
without personal data, and the social projects with the Akimat of Shymkent."""

from dataclasses import replace

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from charity import enums, reports, selectors

# Who may ask: what each category means, in plain words.
CATEGORY_HINTS = {
    enums.Category.LARGE_FAMILY: _(
        "Families raising four or more children under 18, or older children in full-time study."
    ),
    enums.Category.LOW_INCOME: _(
        "Families whose income per member is below the poverty line, including those entitled "
        "to targeted social assistance."
    ),
    enums.Category.DISABILITY: _(
        "Families with a member who has a disability, including families raising a child with "
        "a disability."
    ),
    enums.Category.ORPHANS: _(
        "Orphans, children left without parental care and the families who bring them up "
        "under guardianship."
    ),
    enums.Category.PENSIONERS: _(
        "Old-age pensioners who live alone and have nobody to support them."
    ),
    enums.Category.LOST_HOUSING: _(
        "Families who lost their home in a fire, flood, earthquake or another emergency."
    ),
    enums.Category.SERIOUS_ILLNESS: _(
        "People who need costly treatment, medicine or rehabilitation because of a serious illness."
    ),
    enums.Category.OTHER: _(
        "Any other hard situation: describe it in the request and the committee will consider it."
    ),
}


@require_safe
def info(request):
    """Who can ask, the documents per category (from the staff-edited checklist), how the
    committee decides, how to follow a request, the current programmes and the reports."""
    # The checklist and programmes are kept in the process: copies get the page's hints.
    checklists = [
        replace(checklist, hint=CATEGORY_HINTS.get(checklist.category, ""))
        for checklist in selectors.checklist_list_public()
    ]
    return render(
        request,
        "charity/info.html",
        {
            "checklists": checklists,
            "districts": enums.District.labels,
            "programmes": selectors.programme_list_current(),
            "latest_year": reports.report_latest_year(),
        },
    )


@require_safe
def report(request, year: int):
    """The public report of `year` (404 before reports.FIRST_YEAR or after next year)."""
    today = timezone.localdate()
    if not reports.report_year_is_valid(year, today=today):
        raise Http404
    data = reports.report_for_year(year=year)
    return render(
        request,
        "charity/report.html",
        {
            "report": data,
            "min_cell": reports.MIN_CELL,
            "year_in_progress": year >= today.year,
            "today": today,
        },
    )


@require_safe
def social_projects(request):
    """Published social projects under the memorandum with the Akimat, with their photos."""
    return render(
        request,
        "charity/social_projects.html",
        {
            "projects": selectors.social_project_list_current(),
            "latest_year": reports.report_latest_year(),
        },
    )


@require_safe
def social_project_photo(request, pk: int):
    """A published project's photo, inline with the type detected on upload (the portal's
    media directory is not served publicly: it also holds applicants' documents)."""
    photo = reports.social_project_photo_public(photo_id=pk)
    if photo is None:
        raise Http404
    try:
        handle = photo.image.open("rb")
    except (OSError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, content_type=photo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, public=True, max_age=3600)
    return response
