"""Public pages of charity requests: the application, its receipt, and the applicant's tracking
pages (status and history, missing documents, messages, the decision, withdrawal).

The access code never rests on the server: the receipt page reads it from its own sealed
cookie (pkop_portal.receipts); the session keeps only which requests this browser may follow,
after a right number + code (or its own submission).
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from charity import enums, selectors
from charity.forms import (
    MAX_MEMBERS,
    AddDocumentsForm,
    ApplicationForms,
    LostCodeForm,
    MessageForm,
    TrackForm,
    WithdrawForm,
    file_limits_help,
    more_member_rows,
)
from charity.models import CharityRequest
from charity.services import submission, workflow
from pkop_portal import access_codes
from pkop_portal.consent import consent_given
from pkop_portal.forms import new_form_key
from pkop_portal.ratelimits import form_limit, over_limit, wait_text
from pkop_portal.receipts import ReceiptPage, receipt_cookie_get, receipt_cookie_set
from pkop_portal.tracking import (
    lost_code_page,
    track_finish,
    track_login,
    tracked_id,
    tracked_remember,
)
from pkop_portal.views import rate_limited

SESSION_TRACKED = "charity.tracked"
RECEIPT = ReceiptPage("charity.receipt", "charity:receipt", "pkop_charity_receipt")
# Rates: submissions CHARITY_SUBMIT_RATE (only requests actually made count), new access codes
# CHARITY_CODE_RESEND_RATE; tracking, documents, messages and withdrawal those of the appeal
# forms (APPEALS_*_RATE), each counted in a bucket of its own.
SUBMIT_GROUP = "charity.apply"


def _submit_limit_error(seconds: int) -> ValidationError:
    return ValidationError(
        gettext(
            "You have sent as many requests for assistance as one connection may send for now. "
            "Please try again in %(wait)s. What you typed is kept below; choose the files "
            "again before sending."
        )
        % {"wait": wait_text(seconds)},
        code="rate_limited",
    )


# --- the application ------------------------------------------------------------------------


def _render_apply(
    request, application: ApplicationForms, *, status: int = 200, rate_limited: bool = False
):
    members = application.members
    return render(
        request,
        "charity/apply.html",
        {
            "form": application.form,
            "members": members,
            "can_add_rows": members.total_form_count() < MAX_MEMBERS,
            "files_lost": request.method == "POST" and bool(request.FILES),
            "file_limits": file_limits_help(),
            "rate_limited": rate_limited,
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def apply(request):
    if request.method == "POST" and "more_members" in request.POST:
        # More household rows without JavaScript: the page again, with what was typed.
        initial, rows, shown = more_member_rows(request.POST)
        application = ApplicationForms(initial=initial, member_rows=rows, shown=shown)
        return _render_apply(request, application)
    if request.method == "POST":
        # Only requests made count against the rate; forms with errors against a generous one.
        limit = form_limit(
            request,
            group=SUBMIT_GROUP,
            rate=settings.CHARITY_SUBMIT_RATE,
            rejected_rate=settings.CHARITY_SUBMIT_REJECTED_RATE,
        )
        application = ApplicationForms(request.POST, request.FILES)
        if wait := limit.rejected_wait():
            # Too many forms with errors: nothing is checked, what was typed is shown again.
            limit.refuse(application.form, wait)
            return _render_apply(request, application, status=429, rate_limited=True)
        if application.is_valid():
            data = application.form.cleaned_data
            wait = limit.accepted_wait()
            # A resent form (double click, reload) still gets the receipt of what it created.
            if wait and submission.request_get_submitted(form_key=data["form_key"]) is None:
                # The page again with everything typed (files excepted), saying how long to wait.
                application.form.add_error(None, _submit_limit_error(wait))
                return _render_apply(request, application, status=429, rate_limited=True)
            try:
                result = submission.request_submit(
                    data=application.request_input(language=translation.get_language()),
                    consent=consent_given(request, text=data["consent"]),
                    form_key=data["form_key"],
                )
            except ValidationError as exc:
                application.form.add_error(None, exc)
            else:
                if result.created:
                    limit.accepted()
                tracked_remember(request, session_key=SESSION_TRACKED, record_id=result.request.pk)
                response = redirect("charity:receipt")
                if result.access_code:
                    # A resent form gets the same code again (derived from its form key).
                    receipt_cookie_set(
                        response,
                        page=RECEIPT,
                        payload={"request": result.request.pk, "code": result.access_code},
                    )
                return response
        limit.rejected()
        return _render_apply(request, application, status=400)
    return _render_apply(request, ApplicationForms(initial={"form_key": new_form_key()}))


@never_cache
def receipt(request):
    """The receipt: number, dates and the access code, for as long as this browser's receipt
    cookie lasts and the code is still the request's."""
    remembered = receipt_cookie_get(request, page=RECEIPT)
    charity_request = None
    if remembered and isinstance(remembered.get("request"), int):
        charity_request = (
            CharityRequest.objects.prefetch_related("missing_documents")
            .filter(pk=remembered["request"])
            .first()
        )
    code = str(remembered.get("code", "")) if remembered else ""
    if charity_request is None or not access_codes.check_access_code(
        number=charity_request.number, code=code, stored_hash=charity_request.access_code_hash
    ):
        return redirect("charity:track")
    return render(
        request,
        "charity/receipt.html",
        {
            "charity_request": charity_request,
            "code": access_codes.format_code(code),
            "track_url": request.build_absolute_uri(reverse("charity:track")),
        },
    )


# --- tracking -------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def track(request):
    initial = {"number": request.GET.get("number", "")[:16]}
    return track_login(
        request,
        form=TrackForm(request.POST or None, initial=initial),
        find=submission.request_get_for_applicant,
        group="charity.track",
        session_key=SESSION_TRACKED,
        detail_url="charity:detail",
        template="charity/track.html",
    )


@never_cache
@require_http_methods(["GET", "POST"])
def track_finished(request):
    """ "Finish and leave" (POST), then the page saying so (pkop_portal.tracking)."""
    return track_finish(request, finished_url="charity:track_finished")


@never_cache
@require_http_methods(["GET", "POST"])
def lost_code(request):
    """A new access code for an applicant who lost theirs: number + IIN, phone or e-mail on
    file. Whether anything matched is never told: every valid request gets the same redirect
    and the same page, and the new code goes only to the contact given in the request."""

    def reissue(*, number: str, contact: str) -> None:
        found = submission.request_find_by_contact(number=number, contact=contact)
        if found is not None:
            submission.request_code_reissue(request_id=found.pk)

    return lost_code_page(
        request,
        form_class=LostCodeForm,
        group="charity.lost_code",
        rate=settings.CHARITY_CODE_RESEND_RATE,
        reissue=reissue,
        url_name="charity:lost_code",
        template="charity/lost_code.html",
    )


def _login_url(number: str) -> str:
    return f"{reverse('charity:track')}?{urlencode({'number': number})}"


def _tracked_id(request, number: str) -> int | None:
    return tracked_id(
        request, session_key=SESSION_TRACKED, queryset=CharityRequest.objects, number=number
    )


def _decision_block(charity_request: CharityRequest) -> str:
    """The decision, rendered in the request's language (as it was decided and told)."""
    decision = submission.request_public_decision(request=charity_request)
    if decision is None:
        return ""
    with translation.override(charity_request.language):
        return render_to_string(
            "charity/_decision.html",
            {"charity_request": charity_request, "decision": decision},
        )


def _render_detail(request, request_id, *, documents_form=None, message_form=None, status=200):
    charity_request = submission.request_public_view(request_id=request_id)
    is_open = charity_request.status not in enums.FINAL_STATUSES
    missing = list(charity_request.missing_documents.all())
    return render(
        request,
        "charity/detail.html",
        {
            "charity_request": charity_request,
            "missing": missing,
            "is_open": is_open,
            "can_withdraw": selectors.request_can_withdraw(request=charity_request),
            "documents_form": documents_form or AddDocumentsForm(missing=missing),
            "message_form": message_form or MessageForm(),
            "decision_html": _decision_block(charity_request),
            "file_limits": file_limits_help(),
        },
        status=status,
    )


@never_cache
def detail(request, number: str):
    request_id = _tracked_id(request, number)
    if request_id is None:
        return redirect(_login_url(number))
    return _render_detail(request, request_id)


@require_POST
def add_documents(request, number: str):
    request_id = _tracked_id(request, number)
    if request_id is None:
        raise Http404
    if over_limit(request, group="charity.message", rate=settings.APPEALS_MESSAGE_RATE):
        return rate_limited(request)
    missing = CharityRequest.objects.get(pk=request_id).missing_documents.order_by("position")
    form = AddDocumentsForm(request.POST, request.FILES, missing=missing)
    if form.is_valid():
        try:
            submission.request_add_documents(
                request_id=request_id, files=form.documents(), text=form.cleaned_data["text"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, gettext("Thank you: your documents were received."))
            return redirect("charity:detail", number=number)
    return _render_detail(request, request_id, documents_form=form, status=400)


@require_POST
def message(request, number: str):
    request_id = _tracked_id(request, number)
    if request_id is None:
        raise Http404
    if over_limit(request, group="charity.message", rate=settings.APPEALS_MESSAGE_RATE):
        return rate_limited(request)
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            submission.request_applicant_message(
                request_id=request_id,
                text=form.cleaned_data["text"],
                files=form.cleaned_data["files"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, gettext("Your message was sent."))
            return redirect("charity:detail", number=number)
    return _render_detail(request, request_id, message_form=form, status=400)


@never_cache
@require_http_methods(["GET", "POST"])
def withdraw(request, number: str):
    """ "Are you sure?": the request is withdrawn only by the POST of this page's button; not
    once part of its aid was handed over (the button is not offered, and the service refuses)."""
    request_id = _tracked_id(request, number)
    if request_id is None:
        return redirect(_login_url(number))
    if request.method == "POST" and over_limit(
        request, group="charity.withdraw", rate=settings.APPEALS_MESSAGE_RATE
    ):
        return rate_limited(request)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.request_withdraw(
                request_id=request_id, reason=form.cleaned_data["reason"], by=None
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, gettext("Your request was withdrawn."))
            return redirect("charity:detail", number=number)
    charity_request = CharityRequest.objects.get(pk=request_id)
    can_withdraw = selectors.request_can_withdraw(request=charity_request)
    return render(
        request,
        "charity/withdraw.html",
        {
            "charity_request": charity_request,
            "form": form,
            "can_withdraw": can_withdraw,
            # Still in a withdrawable status, yet some aid was already handed over.
            "handed_over": not can_withdraw
            and charity_request.status in enums.WITHDRAWABLE_STATUSES,
        },
        status=400 if request.method == "POST" else 200,
    )
