"""Public pages of personal reception: managers, free slots, booking, confirmation, manage."""

from itertools import groupby

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from pkop_portal import workdays
from pkop_portal.consent import consent_given
from pkop_portal.forms import new_form_key
from pkop_portal.ratelimits import form_limit, over_limit
from pkop_portal.views import rate_limited
from reception import ics, selectors, services
from reception.forms import BookingForm
from reception.models import Booking, Manager, Slot

SESSION_CONFIRMATION = "reception.confirmation"


@require_safe
def managers(request):
    rows = selectors.manager_rows_public(now=timezone.now())
    return render(request, "reception/managers.html", {"rows": rows})


@require_safe
def manager_slots(request, manager_id: int):
    manager = get_object_or_404(Manager, pk=manager_id, is_active=True)
    slots = selectors.slot_list_free(manager=manager, now=timezone.now()).only("pk", "starts_at")
    # Hundreds of times on a page: one reverse() and plain formatting keep it fast.
    url_pattern = reverse("reception:slot_book", args=[0]).replace("/0/", "/{}/")
    days = []
    for day, group in groupby(
        ((s.pk, s.starts_at.astimezone(workdays.LOCAL_TZ)) for s in slots),
        key=lambda item: item[1].date(),
    ):
        days.append((day, [(url_pattern.format(pk), f"{at:%H:%M}") for pk, at in group]))
    return render(request, "reception/manager.html", {"manager": manager, "days": days})


@never_cache
@require_http_methods(["GET", "POST"])
def book(request, slot_id: int):
    slot = get_object_or_404(Slot.objects.select_related("manager"), pk=slot_id)
    status = 200
    if request.method == "POST":
        # Only bookings made count against the rate; forms with errors against a generous one.
        limit = form_limit(
            request,
            group="reception.book",
            rate=settings.RECEPTION_FORM_RATE,
            rejected_rate=settings.RECEPTION_BOOK_REJECTED_RATE,
        )
        form = BookingForm(request.POST)
        if wait := limit.wait():
            form = limit.refuse(form, wait)
            return render(request, "reception/book.html", {"slot": slot, "form": form}, status=429)
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = services.booking_create(
                    slot_id=slot.pk,
                    data=services.BookingInput(
                        full_name=data["full_name"],
                        iin=data["iin"],
                        id_document_kind=data["id_document_kind"],
                        id_document_number=data["id_document_number"],
                        topic=data["topic"],
                        description=data["description"],
                        language=translation.get_language(),
                        phone=data["phone"].as_e164 if data["phone"] else "",
                        email=data["email"],
                    ),
                    idempotency_key=data["form_key"],
                    consent=consent_given(request, text=data["consent"]),
                )
            except ValidationError as exc:
                limit.rejected()
                if exc.code == "slot_taken":
                    return render(
                        request, "reception/slot_taken.html", {"manager": slot.manager}, status=409
                    )
                form.add_error(None, exc)
            else:
                if result.created:
                    limit.accepted()
                if result.manage_token:
                    # Only the number: the token is derived again, never kept in the session.
                    request.session[SESSION_CONFIRMATION] = result.booking.number
                return redirect("reception:confirmation", number=result.booking.number)
        else:
            limit.rejected()
        status = 400
    else:
        form = BookingForm(initial={"form_key": new_form_key()})
    return render(request, "reception/book.html", {"slot": slot, "form": form}, status=status)


@never_cache
@require_safe
def confirmation(request, number: str):
    if request.session.get(SESSION_CONFIRMATION) != number:
        raise Http404
    booking = get_object_or_404(Booking.objects.select_related("slot", "manager"), number=number)
    token = services.manage_token(booking)
    manage_url = request.build_absolute_uri(reverse("reception:manage", args=[token]))
    return render(
        request,
        "reception/confirmation.html",
        {"booking": booking, "manage_url": manage_url, "token": token},
    )


def _booking_or_404(token: str):
    booking = services.booking_get_by_token(token)
    if booking is None:
        raise Http404
    return booking


@never_cache
@require_safe
def manage(request, token: str):
    if over_limit(request, group="reception.manage", rate=settings.RECEPTION_FORM_RATE):
        return rate_limited(request)
    booking = _booking_or_404(token)
    return _render_manage(request, booking, token)


def _render_manage(request, booking, token, error="", status=200):
    free = (
        list(selectors.slot_list_free(manager=booking.manager, now=timezone.now())[:60])
        if booking.is_active
        else []
    )
    return render(
        request,
        "reception/manage.html",
        {"booking": booking, "token": token, "free_slots": free, "error": error},
        status=status,
    )


@require_POST
def reschedule(request, token: str):
    if over_limit(request, group="reception.manage", rate=settings.RECEPTION_FORM_RATE):
        return rate_limited(request)
    booking = _booking_or_404(token)
    try:
        new_slot_id = int(request.POST.get("slot", ""))
        services.booking_reschedule(booking_id=booking.pk, new_slot_id=new_slot_id)
    except ValueError:
        return _render_manage(request, booking, token, _("Choose a new time."), 400)
    except ValidationError as exc:
        if exc.code == "slot_taken":
            return render(
                request, "reception/slot_taken.html", {"manager": booking.manager}, status=409
            )
        booking.refresh_from_db()
        return _render_manage(request, booking, token, exc.messages[0], 400)
    return redirect("reception:manage", token=token)


CANCELLED = (Booking.Status.CANCELLED_BY_CITIZEN, Booking.Status.CANCELLED_BY_STAFF)


@never_cache
@require_http_methods(["GET", "POST"])
def cancel(request, token: str):
    """GOV.UK "Are you sure?": GET asks to confirm an active booking; POST cancels it and
    comes back here by GET, which for a cancelled booking is the confirmation page with a link
    to book again."""
    if over_limit(request, group="reception.manage", rate=settings.RECEPTION_FORM_RATE):
        return rate_limited(request)
    booking = _booking_or_404(token)
    if request.method == "GET":
        if booking.is_active:
            return render(
                request, "reception/cancel_confirm.html", {"booking": booking, "token": token}
            )
        if booking.status in CANCELLED:
            return render(request, "reception/cancelled.html", {"booking": booking, "token": token})
        return redirect("reception:manage", token=token)
    try:
        services.booking_cancel(booking_id=booking.pk)
    except ValidationError as exc:
        booking.refresh_from_db()
        return _render_manage(request, booking, token, exc.messages[0], 400)
    return redirect("reception:cancel", token=token)


@require_safe
def invitation(request, token: str):
    # Counted with the manage link: the same token, so the same guessing budget.
    if over_limit(request, group="reception.manage", rate=settings.RECEPTION_FORM_RATE):
        return rate_limited(request)
    booking = _booking_or_404(token)
    manage_url = request.build_absolute_uri(reverse("reception:manage", args=[token]))
    method = "CANCEL" if not booking.is_active else "REQUEST"
    response = HttpResponse(
        ics.booking_ics(booking, manage_url=manage_url),
        content_type=f"text/calendar; method={method}; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{booking.number}.ics"'
    return response
