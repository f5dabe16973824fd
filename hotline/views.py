"""Public pages of the hotline: the policy, the report form, the receipt and the follow-up page.

What these views never do, by design (Policy No. 00-02, the reporter's anonymity):
- store or log an IP address, a user agent or a cookie: the only cookie is Django's CSRF token;
  the consent is recorded without the IP (consent_given(keep_ip=False)); the rate limits count
  in the cache only, under a keyed HMAC of the client address that changes every UTC day, for
  the period of the limit (pkop_portal.ratelimits), never in a row or a log line; gunicorn's
  access log writes "-" for the address, user agent and referrer of hotline requests
  (pkop_portal.gunicorn_logging);
- touch the session: nothing is remembered between requests;
- put the receipt in a cookie or a URL: the receipt is shown on the response to the POST that
  created the report (no redirect, which would need the receipt in a cookie or the URL), and the
  follow-up page is reached only by POSTing the receipt; its forms carry it in a hidden field
  and check it again. Every response is Cache-Control: no-store (never_cache).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hotline import receipts
from hotline.forms import FollowUpForm, ReporterMessageForm, ReportForm, file_limits_help
from hotline.services import submission
from pkop_portal import refdata
from pkop_portal.consent import consent_given
from pkop_portal.forms import new_form_key
from pkop_portal.ratelimits import (
    form_limit,
    form_refused,
    limit_wait,
    over_limit,
    wait_text,
)
from pkop_portal.views import rate_limited

# Reports made count against HOTLINE_SUBMIT_RATE; forms sent back with errors against the
# generous HOTLINE_SUBMIT_REJECTED_RATE, checked before any validation (scripted floods).
SUBMIT_GROUP = "hotline.report"
FOLLOW_UP_GROUP = "hotline.follow_up"
MESSAGE_GROUP = "hotline.message"
ANTI_CORRUPTION_LINE = "1424"


def _public_summary():
    """The public yearly summary of the last full year (hotline.stats), if that exists."""
    try:
        from hotline.stats import public_summary
    except ImportError:
        return None
    year = timezone.localdate().year - 1
    return {"year": year, "summary": public_summary(year)}


@never_cache
@require_GET
def policy(request):
    return render(
        request,
        "hotline/policy.html",
        {
            # Kept in the process (pkop_portal.refdata): no query per request.
            "lines": refdata.hotline_lines(),
            "anti_corruption_line": ANTI_CORRUPTION_LINE,
            "public_summary": _public_summary(),
        },
    )


# --- the report -----------------------------------------------------------------------------


def _render_report(request, form, *, status=200, rate_limited=False):
    return render(
        request,
        "hotline/report.html",
        {
            "form": form,
            "files_lost": request.method == "POST" and bool(request.FILES),
            "file_limits": file_limits_help(),
            "rate_limited": rate_limited,
        },
        status=status,
    )


def _submit_limit_error(seconds: int) -> ValidationError:
    return ValidationError(
        gettext(
            "You have sent as many reports as one connection may send for now. Please try "
            "again in %(wait)s, or call one of the hotline numbers. What you typed is kept "
            "below; choose the files again before sending."
        )
        % {"wait": wait_text(seconds)},
        code="rate_limited",
    )


@never_cache
@require_http_methods(["GET", "POST"])
def report(request):
    if request.method != "POST":
        return _render_report(request, ReportForm(initial={"form_key": new_form_key()}))
    form = ReportForm(request.POST, request.FILES)
    limit = form_limit(
        request,
        group=SUBMIT_GROUP,
        rate=settings.HOTLINE_SUBMIT_RATE,
        rejected_rate=settings.HOTLINE_SUBMIT_REJECTED_RATE,
    )
    # Before any validation: too many forms with errors (fails open).
    if wait := limit.rejected_wait():
        limit.refuse(form, wait)
        return _render_report(request, form, status=429, rate_limited=True)
    if not form.is_valid():
        limit.rejected()
        return _render_report(request, form, status=400)
    data = form.cleaned_data
    try:
        earlier = submission.report_get_submitted(form_key=data["form_key"])
    except ValidationError as exc:  # form_key_expired: no receipt, no duplicate
        limit.rejected()
        form.add_error(None, exc)
        return _render_report(request, form, status=400)
    wait = limit.accepted_wait()
    # A resent form (double click, reload) still gets the receipt of what it created.
    if wait and earlier is None:
        form.add_error(None, _submit_limit_error(wait))
        return _render_report(request, form, status=429, rate_limited=True)
    try:
        result = submission.report_submit(
            data=form.report_input(language=translation.get_language()),
            consent=consent_given(request, text=data["consent"], keep_ip=False),
            form_key=data["form_key"],
        )
    except ValidationError as exc:
        limit.rejected()
        form.add_error(None, exc)
        return _render_report(request, form, status=400)
    if result.created:
        # Only reports actually made count: a mistake in the form never locks anyone out.
        limit.accepted()
    # The receipt page is this response: a redirect would need the receipt in a cookie or URL.
    return render(
        request,
        "hotline/receipt.html",
        {
            "report": result.report,
            "receipt": receipts.format_receipt(result.receipt) if result.receipt else "",
            "follow_up_url": request.build_absolute_uri(reverse("hotline:follow_up")),
        },
    )


@never_cache
@require_GET
def receipt(request):
    """The receipt is shown only once, on the response to the report; this page says so."""
    return render(request, "hotline/receipt.html", {"report": None, "receipt": ""})


# --- follow-up ------------------------------------------------------------------------------


def _render_follow_up(request, report, *, receipt, message_form=None, sent=False, status=200):
    report = submission.report_public_view(report_id=report.pk)
    return render(
        request,
        "hotline/follow_up.html",
        {
            "report": report,
            "message_form": message_form
            or ReporterMessageForm(initial={"receipt": receipts.format_receipt(receipt)}),
            "can_write": report.status != "closed" and not report.anonymised_at,
            "sent": sent,
            "file_limits": file_limits_help(),
        },
        status=status,
    )


def _find(request, receipt: str):
    """The report of `receipt`, counting a wrong receipt against the failure limit."""
    found = submission.report_find_by_receipt(receipt=receipt)
    if found is None:
        over_limit(request, group=FOLLOW_UP_GROUP, rate=settings.HOTLINE_FOLLOW_UP_FAILURE_RATE)
    return found


def _wrong_receipt(form):
    form.add_error(
        "receipt",
        ValidationError(
            gettext("No report has this receipt. Check it and try again."), code="unknown"
        ),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def follow_up(request):
    if request.method != "POST":
        return render(request, "hotline/follow_up_open.html", {"form": FollowUpForm()})
    if wait := limit_wait(
        request, group=FOLLOW_UP_GROUP, rate=settings.HOTLINE_FOLLOW_UP_FAILURE_RATE
    ):
        return rate_limited(request, wait=wait)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        found = _find(request, form.cleaned_data["receipt"])
        if found is not None:
            return _render_follow_up(request, found, receipt=form.cleaned_data["receipt"])
        _wrong_receipt(form)
    else:
        over_limit(request, group=FOLLOW_UP_GROUP, rate=settings.HOTLINE_FOLLOW_UP_FAILURE_RATE)
    return render(request, "hotline/follow_up_open.html", {"form": form}, status=400)


@never_cache
@require_POST
def follow_up_message(request):
    """A message and/or files from the follow-up page; the page again, with the result.

    Over the message limit (with the right receipt) the page comes back with the text kept
    and a wait message, not the generic 429 page."""
    if wait := limit_wait(
        request, group=FOLLOW_UP_GROUP, rate=settings.HOTLINE_FOLLOW_UP_FAILURE_RATE
    ):
        return rate_limited(request, wait=wait)
    too_many = over_limit(request, group=MESSAGE_GROUP, rate=settings.HOTLINE_MESSAGE_RATE)
    form = ReporterMessageForm(request.POST, request.FILES)
    receipt = receipts.normalise_receipt(request.POST.get("message-receipt", ""))
    found = _find(request, receipt)
    if found is None:
        open_form = FollowUpForm({"receipt": receipt})
        if open_form.is_valid():
            _wrong_receipt(open_form)
        return render(request, "hotline/follow_up_open.html", {"form": open_form}, status=400)
    if too_many:
        wait = limit_wait(request, group=MESSAGE_GROUP, rate=settings.HOTLINE_MESSAGE_RATE)
        form_refused(
            form,
            ValidationError(
                gettext(
                    "You have sent many messages in a short time. Please wait %(wait)s and "
                    "send this one again; your text is kept below, choose the files again."
                )
                % {"wait": wait_text(wait)},
                code="rate_limited",
            ),
        )
        return _render_follow_up(request, found, receipt=receipt, message_form=form, status=429)
    if form.is_valid():
        try:
            submission.report_reporter_message(
                report_id=found.pk,
                text=form.cleaned_data["text"],
                files=list(form.cleaned_data["files"] or []),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return _render_follow_up(request, found, receipt=receipt, sent=True)
    return _render_follow_up(request, found, receipt=receipt, message_form=form, status=400)
