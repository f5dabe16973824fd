"""Public pages of appeals: submit, receipt, track, a new access code, add information, rate.

The access code never rests on the server: the receipt page reads it from its own sealed
cookie (appeals.receipts), the session keeps only which appeals this browser may follow (and
a submission writes none: following starts from the receipt's link).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from appeals import receipts, selectors, services
from appeals.forms import AddInformationForm, AppealForm, LostCodeForm, RatingForm, TrackForm
from appeals.models import Appeal
from pkop_portal import access_codes
from pkop_portal.consent import consent_given
from pkop_portal.form_pages import FORM_KEY_PLACEHOLDER, form_page
from pkop_portal.ratelimits import form_limit, over_limit
from pkop_portal.tracking import (
    lost_code_page,
    track_finish,
    track_login,
    tracked_id,
    tracked_remember,
)
from pkop_portal.views import rate_limited

SESSION_TRACKED = "appeals.tracked"


@never_cache
@require_http_methods(["GET", "POST"])
def submit(request):
    if request.method == "POST":
        # Only appeals made count against the rate; forms with errors against a generous one.
        limit = form_limit(
            request,
            group="appeals.submit",
            rate=settings.APPEALS_SUBMIT_RATE,
            rejected_rate=settings.APPEALS_SUBMIT_REJECTED_RATE,
        )
        form = AppealForm(request.POST, request.FILES)
        if wait := limit.rejected_wait():
            return _render_submit(request, limit.refuse(form, wait), status=429)
        if form.is_valid():
            data = form.cleaned_data
            wait = limit.accepted_wait()
            # A resent form (double click, reload) still gets the receipt of what it created.
            if wait and services.appeal_get_submitted(form_key=data["form_key"]) is None:
                return _render_submit(request, limit.refuse(form, wait), status=429)
            try:
                result = services.appeal_submit(
                    data=services.appeal_input_from_form(data, language=translation.get_language()),
                    consent=consent_given(request, text=data["consent"]),
                    form_key=data["form_key"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if result.created:
                    limit.accepted()
                # No session is written here: the receipt's cookie is enough, and the browser
                # is let to follow the appeal only when the receipt's link is used (`receipt`).
                response = redirect("appeals:receipt")
                if result.access_code:
                    # A resent form gets the same code again (derived from its form key).
                    receipts.receipt_remember(
                        response, appeal_id=result.appeal.pk, code=result.access_code
                    )
                return response
        limit.rejected()
        return _render_submit(request, form, status=400)
    # The empty form is the same page for everyone in a language but for its CSRF token and
    # form key: rendered once, then served from the process (pkop_portal.form_pages).
    return form_page(
        request,
        name="appeals.submit",
        template="appeals/submit.html",
        context=lambda: {
            "form": AppealForm(initial={"form_key": FORM_KEY_PLACEHOLDER}),
            "files_lost": False,
        },
    )


def _render_submit(request, form, *, status: int):
    return render(
        request,
        "appeals/submit.html",
        {"form": form, "files_lost": bool(request.FILES)},
        status=status,
    )


@never_cache
def receipt(request):
    """The talon: number, date and time, due date and the access code, for as long as this
    browser's receipt cookie lasts (APPEALS_RECEIPT_SECONDS) and the code is still valid.
    With ?follow=1 (its "Follow the appeal" link) the session remembers the appeal and the
    browser goes on to its tracking page."""
    remembered = receipts.receipt_recall(request)
    appeal = (
        Appeal.objects.select_related("category", "registered_by")
        .filter(pk=remembered.appeal_id)
        .first()
        if remembered
        else None
    )
    if appeal is None or not access_codes.check_access_code(
        number=appeal.number, code=remembered.code, stored_hash=appeal.access_code_hash
    ):
        return redirect("appeals:track")
    if request.GET.get("follow") == "1":
        # "Follow the appeal": only now does this browser's session remember it, so a
        # submission itself writes no session.
        tracked_remember(request, session_key=SESSION_TRACKED, record_id=appeal.pk)
        return redirect("appeals:detail", number=appeal.number)
    code = access_codes.format_code(remembered.code)
    return render(request, "appeals/receipt.html", {"appeal": appeal, "code": code})


@never_cache
@require_http_methods(["GET", "POST"])
def track(request):
    return track_login(
        request,
        form=TrackForm(request.POST or None),
        find=selectors.appeal_get_for_applicant,
        group="appeals.track",
        session_key=SESSION_TRACKED,
        detail_url="appeals:detail",
        template="appeals/track.html",
    )


@never_cache
@require_http_methods(["GET", "POST"])
def track_finished(request):
    """ "Finish and leave" (POST): this browser forgets every appeal and request it follows;
    GET: the page saying so."""
    return track_finish(request, finished_url="appeals:track_finished")


@never_cache
@require_http_methods(["GET", "POST"])
def lost_code(request):
    """A new access code for a citizen who lost theirs: number + IIN, phone or e-mail on file.

    Whether anything matched is never told: every valid request gets the same redirect and the
    same page, and the new code goes only to the contact given in the appeal."""

    def reissue(*, number: str, contact: str) -> None:
        appeal = selectors.appeal_find_by_contact(number=number, contact=contact)
        if appeal is not None:
            services.appeal_code_reissue(appeal_id=appeal.pk)

    return lost_code_page(
        request,
        form_class=LostCodeForm,
        group="appeals.lost_code",
        rate=settings.APPEALS_CODE_RESEND_RATE,
        reissue=reissue,
        url_name="appeals:lost_code",
        template="appeals/lost_code.html",
    )


def _tracked_appeal(request, number: str) -> Appeal | None:
    appeal_id = tracked_id(
        request, session_key=SESSION_TRACKED, queryset=Appeal.objects, number=number
    )
    if appeal_id is None:
        return None
    return selectors.appeal_public_view(appeal_id=appeal_id)


@never_cache
def detail(request, number: str):
    appeal = _tracked_appeal(request, number)
    if appeal is None:
        return redirect(f"{reverse('appeals:track')}?number={number}")
    return _render_detail(request, appeal)


def _render_detail(request, appeal, message_form=None, rating_form=None, status=200):
    with translation.override(appeal.language):
        right_to_appeal = gettext(
            "You may appeal against this decision to the head of the company or a higher "
            "body, or to the court, as the law provides (Administrative Procedural and "
            "Process Code of the Republic of Kazakhstan)."
        )
    return render(
        request,
        "appeals/detail.html",
        {
            "appeal": appeal,
            "message_form": message_form or AddInformationForm(),
            "rating_form": rating_form or RatingForm(),
            "right_to_appeal": right_to_appeal,
        },
        status=status,
    )


@require_POST
def add_information(request, number: str):
    appeal = _tracked_appeal(request, number)
    if appeal is None:
        raise Http404
    if over_limit(request, group="appeals.message", rate=settings.APPEALS_MESSAGE_RATE):
        return rate_limited(request)
    form = AddInformationForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.appeal_add_information(
                appeal_id=appeal.pk,
                text=form.cleaned_data["text"],
                files=form.cleaned_data["files"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("appeals:detail", number=number)
    return _render_detail(request, appeal, message_form=form, status=400)


@require_POST
def rate(request, number: str):
    appeal = _tracked_appeal(request, number)
    if appeal is None:
        raise Http404
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            services.appeal_rate(
                appeal_id=appeal.pk,
                satisfied=form.cleaned_data["satisfied"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("appeals:detail", number=number)
    return _render_detail(request, appeal, rating_form=form, status=400)
