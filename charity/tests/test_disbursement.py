"""Handing over approved aid: method rules, the signed act, budget bookkeeping, the request's
next step; cancelling items."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from charity import enums
from charity.models import Disbursement
from charity.services import disbursement as service
from charity.tests import support
from charity.tests.factories import BudgetLineFactory
from notifications.models import Notification
from notifications.rendering import render_message
from pkop_portal import workdays

pytestmark = pytest.mark.django_db
# A valid Kazakhstan IBAN (mod-97 check 1) and the same with one digit changed.
IBAN = "KZ86125KZT5004100100"
BAD_IBAN = "KZ86125KZT5004100101"


def act(content: bytes = support.PDF, name: str = "act.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def word_file() -> bytes:
    """A real (minimal) DOCX: allowed for appeals, not for a signed act."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def disburse(item, by, **kwargs):
    values = {
        "disbursed_on": workdays.local_now().date(),
        "method": enums.DisbursementMethod.CASH,
        "amount": item.amount,
        "handed_over_by": by,
        "act": act(),
    }
    return service.item_disburse(item_id=item.pk, by=by, **{**values, **kwargs})


@pytest.fixture
def board():
    return support.Committee()


@pytest.fixture
def line():
    return BudgetLineFactory(amount=Decimal("1000000"))


def refused(code, call):
    with pytest.raises(ValidationError) as error:
        call()
    assert code in {e.code for e in error.value.error_list}
    return error.value


def test_iban_check():
    assert service.iban_is_valid(IBAN)
    assert service.iban_is_valid("kz86 125k zt50 0410 0100")
    assert not service.iban_is_valid(BAD_IBAN)
    assert not service.iban_is_valid("KZ86125KZT500410010")  # 17 characters after KZ
    assert not service.iban_is_valid("DE89370400440532013000")  # valid, but not Kazakh
    assert not service.iban_is_valid("")


def test_handing_over_everything_moves_the_request_and_the_budget(board, line):
    request, decision = board.approved(line, "100000")
    item = decision.items.get()
    record = disburse(
        item,
        board.officer,
        method=enums.DisbursementMethod.BANK_TRANSFER,
        account="kz86 125k zt50 0410 0100",
        note="Платёжное поручение 15",
    )
    assert (record.account, record.recorded_by, record.handed_over_by) == (
        IBAN,
        board.officer,
        board.officer,
    )
    assert (record.content_type, record.original_name) == ("application/pdf", "act.pdf")
    assert record.act.name.endswith(f"/acts/{record.stored_name}")
    assert default_storage.exists(record.act.name)
    line.refresh_from_db()
    assert (line.reserved, line.disbursed) == (Decimal("100000"), Decimal("100000"))
    item.refresh_from_db()
    request.refresh_from_db()
    assert (item.status, request.status) == ("disbursed", enums.Status.DISBURSED)
    kinds = list(request.events.values_list("kind", "field").order_by("pk"))
    assert kinds[-2:] == [("disbursed", "item"), ("disbursed", "status")]
    [row] = Notification.objects.filter(event="charity.disbursed")
    assert row.context == {
        "number": request.number,
        "total": "100000.00",
        "items": ["Помощь 0"],
    }


def test_part_of_an_item_handed_over_releases_the_rest(board, line):
    request, decision = board.approved(line, "100000")
    disburse(decision.items.get(), board.officer, amount=Decimal("80000"))
    line.refresh_from_db()
    assert (line.reserved, line.disbursed) == (Decimal("80000"), Decimal("80000"))


def test_request_waits_until_every_item_is_handed_over_or_cancelled(board, line):
    request, decision = board.approved(line, "100000", "20000")
    first, second = decision.items.order_by("pk")
    disburse(first, board.officer)
    request.refresh_from_db()
    assert request.status == enums.Status.APPROVED
    service.item_cancel(item_id=second.pk, by=board.officer, reason="Семья отказалась")
    request.refresh_from_db()
    assert request.status == enums.Status.DISBURSED
    line.refresh_from_db()
    assert (line.reserved, line.disbursed) == (Decimal("100000"), Decimal("100000"))


def test_all_items_cancelled_closes_the_request_with_the_reason(board, line):
    request, decision = board.approved(line, "100000")
    item = decision.items.get()
    refused("no_reason", lambda: service.item_cancel(item_id=item.pk, by=board.officer, reason=""))
    service.item_cancel(item_id=item.pk, by=board.officer, reason="Не удалось связаться")
    request.refresh_from_db()
    assert (request.status, request.closed_at is not None) == (enums.Status.CLOSED, True)
    assert request.events.order_by("-pk").first().note == "Не удалось связаться"
    line.refresh_from_db()
    assert line.reserved == Decimal("0")
    [row] = Notification.objects.filter(event="charity.closed")
    assert row.context["reason"] == "Не удалось связаться"


def test_method_rules(board, line):
    request, decision = board.approved(line, "100000")
    item = decision.items.get()
    bank = enums.DisbursementMethod.BANK_TRANSFER
    refused("bad_iban", lambda: disburse(item, board.officer, method=bank, account=""))
    refused("bad_iban", lambda: disburse(item, board.officer, method=bank, account=BAD_IBAN))
    supplier = enums.DisbursementMethod.SUPPLIER
    refused("no_supplier", lambda: disburse(item, board.officer, method=supplier, supplier=" "))
    refused("bad_method", lambda: disburse(item, board.officer, method="crypto"))
    record = disburse(item, board.officer, method=supplier, supplier="Клиника «Шипагер»")
    assert (record.supplier, record.account) == ("Клиника «Шипагер»", "")


def test_amount_date_and_staff_rules(board, line):
    request, decision = board.approved(line, "100000")
    item = decision.items.get()
    refused("bad_amount", lambda: disburse(item, board.officer, amount=Decimal("0")))
    refused("amount_too_high", lambda: disburse(item, board.officer, amount=Decimal("100000.01")))
    tomorrow = workdays.local_now().date() + timedelta(days=1)
    refused("bad_date", lambda: disburse(item, board.officer, disbursed_on=tomorrow))
    before = workdays.local_now().date() - timedelta(days=1)
    refused("bad_date", lambda: disburse(item, board.officer, disbursed_on=before))
    outsider = support.member("carol")
    outsider.is_staff = False
    outsider.save()
    refused("not_staff", lambda: disburse(item, board.officer, handed_over_by=outsider))
    assert Disbursement.objects.count() == 0


def test_signed_act_is_required_and_checked_by_content(board, line):
    request, decision = board.approved(line, "100000")
    item = decision.items.get()
    refused("no_act", lambda: disburse(item, board.officer, act=None))
    forged = act(b"<html><script>alert(1)</script></html>", "act.pdf")
    refused("file_type", lambda: disburse(item, board.officer, act=forged))
    refused("file_type", lambda: disburse(item, board.officer, act=act(word_file(), "act.pdf")))
    refused("empty", lambda: disburse(item, board.officer, act=act(b"", "act.pdf")))
    record = disburse(item, board.officer, act=act(support.PNG, "photo.pdf"))
    assert (record.content_type, record.stored_name[-4:]) == ("image/png", ".png")


def test_a_failure_after_the_act_is_stored_removes_the_file(board, line, monkeypatch):
    request, decision = board.approved(line, "100000")
    item = decision.items.get()
    saved = []
    real_store = service.uploads.store_upload

    def store(record, upload, **kwargs):
        saved.append(real_store(record, upload, **kwargs))
        return saved[-1]

    monkeypatch.setattr(service.uploads, "store_upload", store)

    def explode(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(service, "_finish", explode)
    with pytest.raises(RuntimeError):
        disburse(item, board.officer)
    assert len(saved) == 1 and not default_storage.exists(saved[0])
    assert Disbursement.objects.count() == 0
    line.refresh_from_db()
    assert line.disbursed == Decimal("0")


def test_only_approved_items_of_approved_decisions(board, line):
    request = board.request()
    support.declare_all(board.meeting, request)
    decision = support.recorded(
        board.meeting, request, by=board.alice, items=[support.money_item(line, "1000")]
    )
    item = decision.items.get()  # recorded, not yet approved by the chair
    refused("wrong_status", lambda: disburse(item, board.officer))
    request.status = enums.Status.APPROVED  # forged status: the decision is still not approved
    request.save()
    refused("not_approved", lambda: disburse(item, board.officer))
    refused(
        "not_approved", lambda: service.item_cancel(item_id=item.pk, by=board.officer, reason="x")
    )


def test_a_disbursed_item_cannot_be_disbursed_or_cancelled_again(board, line):
    request, decision = board.approved(line, "100000", "1000")
    item = decision.items.order_by("pk").first()
    disburse(item, board.officer)
    refused("not_approved", lambda: disburse(item, board.officer))
    refused(
        "not_approved", lambda: service.item_cancel(item_id=item.pk, by=board.officer, reason="x")
    )


def test_rights(board, line):
    request, decision = board.approved(line, "100000")
    item = decision.items.get()
    with pytest.raises(PermissionDenied):
        disburse(item, board.alice)  # committee members decide, officers hand over
    with pytest.raises(PermissionDenied):
        service.item_cancel(item_id=item.pk, by=support.head(), reason="x")
    service.item_cancel(item_id=item.pk, by=board.alice, reason="Решение комитета")


# --- the applicant is told of each item while others wait ------------------------------------


def test_each_partial_hand_over_is_public_and_told_the_last_one_completes(board, line):
    from charity import selectors

    request, decision = board.approved(line, "100000", "20000", "5000")
    first, second, third = decision.items.order_by("pk")
    disburse(first, board.officer, amount=Decimal("90000.50"))
    disburse(second, board.officer)
    rows = list(Notification.objects.filter(event="charity.item_disbursed").order_by("pk"))
    assert [row.context for row in rows] == [
        {"number": request.number, "item": "Помощь 0", "amount": "90000.50"},
        {"number": request.number, "item": "Помощь 1", "amount": "20000.00"},
    ]
    public = [(e.kind, e.old_value) for e in selectors.request_public_history(request=request)]
    assert public[-2:] == [("disbursed", "Помощь 0"), ("disbursed", "Помощь 1")]
    # The last item: the request is complete, told once by "charity.disbursed".
    disburse(third, board.officer)
    assert Notification.objects.filter(event="charity.item_disbursed").count() == 2
    assert Notification.objects.filter(event="charity.disbursed").count() == 1
    rendered = render_message(
        event="charity.item_disbursed", language="en", context=rows[0].context, channel="email"
    )
    assert "Помощь 0, 90\u00a0000.50 tenge" in rendered.text


def test_a_cancelled_item_is_public_with_its_reason_and_told(board, line):
    from django.template.loader import render_to_string

    from charity import selectors

    request, decision = board.approved(line, "100000", "20000")
    first, second = decision.items.order_by("pk")
    service.item_cancel(item_id=first.pk, by=board.officer, reason="Семья отказалась от набора")
    [row] = Notification.objects.filter(event="charity.item_cancelled")
    assert row.context == {
        "number": request.number,
        "item": "Помощь 0",
        "reason": "Семья отказалась от набора",
    }
    last = list(selectors.request_public_history(request=request))[-1]
    assert (last.kind, last.old_value, last.note) == (
        "item_cancelled",
        "Помощь 0",
        "Семья отказалась от набора",
    )
    html = render_to_string(
        "charity/_decision.html", {"decision": decision, "charity_request": request}
    )
    assert 'class="item-cancel-reason"' in html and "Семья отказалась от набора" in html
    # The last item cancelled: nothing was handed over, the request is closed and told so,
    # without a second item notice.
    service.item_cancel(item_id=second.pk, by=board.officer, reason="Не дозвонились")
    assert Notification.objects.filter(event="charity.item_cancelled").count() == 1
    assert Notification.objects.filter(event="charity.closed").count() == 1


def test_decision_shows_no_reason_for_items_not_cancelled(board, line):
    from django.template.loader import render_to_string

    request, decision = board.approved(line, "100000")
    html = render_to_string(
        "charity/_decision.html", {"decision": decision, "charity_request": request}
    )
    assert "item-cancel-reason" not in html
