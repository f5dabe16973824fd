"""A family's charity request, end to end in a real browser: applied for in Kazakh on a phone
with one required document missing, asked for it by the Charity officer, completed from the
tracking page, assessed, decided by the committee within the programme's budget (chair's
approval, four eyes), handed over by bank transfer with a signed act, and read back by the
family in Kazakh.

Selectors are ids, names and values (or text produced through gettext / the seeded Kazakh
names), never the English source: the Kazakh translation of new strings lands later.
"""

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import Browser, Page, expect

from appeals.tests.files import PDF, PNG
from charity import enums
from charity.models import (
    CharityRequest,
    CommitteeDecision,
    CommitteeMeeting,
    Disbursement,
    DocumentType,
    RequestEvent,
)
from charity.tests.factories import SPOUSE_IIN, VALID_IIN, BudgetLineFactory, ProgrammeFactory
from notifications.models import Notification

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "correct-horse-battery-staple"
PHONE = {"width": 375, "height": 800}
IBAN = "KZ86 125K ZT50 0410 0100"
KIND = RequestEvent.Kind


def kk(text) -> str:
    """`text` (a source string or a lazy label) as the Kazakh pages show it."""
    with translation.override("kk"):
        return gettext(str(text)) if isinstance(text, str) else str(text)


def staff(username: str, group: str, first_name: str) -> User:
    user = User.objects.create_user(
        username, password=PASSWORD, is_staff=True, first_name=first_name
    )
    user.groups.add(Group.objects.get(name=group))
    return user


def staff_page(browser: Browser, live_server, user: User) -> Page:
    """A browser of its own for a staff member, signed in through the admin's login form."""
    page = browser.new_context().new_page()
    page.goto(f"{live_server.url}/kk/admin/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    expect(page.locator("#user-tools")).to_be_visible()
    return page


def submit_action(page: Page) -> None:
    """Submit the admin's step form and expect the success message, not the form again."""
    page.locator("#charity-action-form input[type=submit]").click()
    expect(page.locator("#charity-action-form")).to_have_count(0)
    expect(page.locator(".messagelist .success")).to_have_count(1)


def request_step(page: Page, live_server, charity_request, action: str) -> None:
    page.goto(f"{live_server.url}/kk/admin/charity/charityrequest/{charity_request.pk}/change/")
    page.locator(f"a.charity-action-{action}").click()
    expect(page.locator("#charity-action-form")).to_be_visible()


def agenda_step(page: Page, live_server, meeting, charity_request, action: str) -> None:
    page.goto(f"{live_server.url}/kk/admin/charity/committeemeeting/{meeting.pk}/change/")
    page.locator(f"#agenda-{charity_request.pk} a.agenda-{action}").click()
    expect(page.locator("#charity-action-form")).to_be_visible()


def fits_the_screen(page: Page) -> bool:
    """Whether the page's content is no wider than the phone's screen (a wide table may
    scroll inside its own box). The site's header is not the charity pages' own: see
    test_site_header_fits_a_phone_screen below."""
    return page.evaluate(
        """() => { const main = document.querySelector("main");
                   return main.scrollWidth <= main.clientWidth
                       && main.getBoundingClientRect().right <= window.innerWidth; }"""
    )


def applicant_notices(charity_request) -> list[Notification]:
    return list(
        Notification.objects.filter(
            content_type=ContentType.objects.get_for_model(CharityRequest),
            object_id=str(charity_request.pk),
        ).order_by("pk")
    )


def test_family_applies_in_kazakh_is_asked_for_a_document_and_receives_the_aid(
    page: Page, browser: Browser, live_server, axe_check
):
    today = timezone.localdate()
    programme = ProgrammeFactory(year=today.year)
    money = BudgetLineFactory(
        programme=programme, aid_kind=enums.AidKind.MONEY, amount=Decimal("1000000")
    )
    officer = staff("officer", "Charity officer", "Асель")
    chair = staff("chair", "Charity committee", "Бауыржан")
    member = staff("member", "Charity committee", "Гүлнар")
    large_family = DocumentType.objects.get(slug="large_family_status")
    documents = {
        slug: DocumentType.objects.get(slug=slug).name_kk
        for slug in ("id_card", "household_composition", "income")
    }

    # --- 1. The family applies in Kazakh on a phone, without the large-family certificate.
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/kk/charity/apply/")
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    expect(page.locator("h1")).to_have_text(kk("Apply for assistance"))
    assert fits_the_screen(page)
    axe_check(page)
    form = page.locator("#apply-form")
    form.locator("#id_full_name").fill("Айгерим Садықова")
    form.locator("#id_iin").fill(VALID_IIN)
    form.locator("#id_district").select_option(enums.District.ABAY.value)
    form.locator("#id_address").fill("Шымкент, Байтұрсынов к-сі, 1, 5-пәтер")
    form.locator("#id_phone").fill("+7 701 123 45 67")
    form.locator("#id_email").fill("aigerim@example.kz")
    form.locator("#id_preferred_contact").select_option("both")
    form.locator("#id_members-0-relation").select_option(enums.Relation.SPOUSE.value)
    form.locator("#id_members-0-full_name").fill("Ерлан Садықов")
    form.locator("#id_members-0-birth_date").fill("1988-02-02")
    form.locator("#id_members-0-iin").fill(SPOUSE_IIN)
    form.locator("#id_members-0-status").select_option(enums.MemberStatus.WORKS.value)
    form.locator("#id_members-1-relation").select_option(enums.Relation.CHILD.value)
    form.locator("#id_members-1-full_name").fill("Алихан Садықов")
    form.locator("#id_members-1-birth_date").fill("2015-03-15")
    form.locator("#id_members-1-status").select_option(enums.MemberStatus.STUDIES.value)
    form.locator("#id_category").select_option(enums.Category.LARGE_FAMILY.value)
    form.locator("#id_monthly_income").fill("180 000")
    form.locator("#id_aid_kind").select_option(enums.AidKind.MONEY.value)
    form.locator("#id_amount_requested").fill("150 000")
    form.locator("#id_aid_description").fill("Балаларға қысқы киім мен аяқ киім алуға көмек.")
    # The document inputs are labelled with the checklist's Kazakh names.
    for slug, name in documents.items():
        form.get_by_label(name, exact=True).set_input_files(
            files=[{"name": f"{slug}.pdf", "mimeType": "application/pdf", "buffer": PDF}]
        )
    expect(form.get_by_label(large_family.name_kk, exact=True)).to_have_count(1)
    form.locator("#id_documents_later").check()
    form.locator("#id_consent").check()
    form.locator("#apply-submit").click()

    # The receipt: number and private code, read from the page; the missing document listed.
    expect(page.locator("h1")).to_have_text(kk("Your request is registered"))
    number = page.locator("#request-number").inner_text().strip()
    code = page.locator("#access-code").inner_text().strip()
    assert re.fullmatch(rf"C-{today.year}-\d{{6}}", number)
    assert re.fullmatch(r"[A-Z0-9]{4}(-[A-Z0-9]{4})+", code)
    expect(page.locator("#documents-later")).to_contain_text(large_family.name_kk)
    assert fits_the_screen(page)
    axe_check(page)

    charity_request = CharityRequest.objects.get(number=number)
    assert charity_request.status == enums.Status.SUBMITTED
    assert charity_request.language == "kk"
    assert charity_request.category == enums.Category.LARGE_FAMILY
    assert charity_request.amount_requested == Decimal("150000")
    assert charity_request.monthly_income == Decimal("180000")
    assert charity_request.consent_id is not None and charity_request.consent_ip
    assert list(charity_request.missing_documents.all()) == [large_family]
    assert sorted(m.full_name for m in charity_request.members.all()) == [
        "Алихан Садықов",
        "Ерлан Садықов",
    ]
    assert sorted(d.document_type.slug for d in charity_request.documents.all()) == sorted(
        documents
    )
    assert code.replace("-", "") not in str(
        CharityRequest.objects.filter(pk=charity_request.pk).values().get()
    )
    assert {n.event for n in applicant_notices(charity_request)} == {"charity.submitted"}

    # --- 2. The Charity officer asks for the missing document.
    officer_page = staff_page(browser, live_server, officer)
    request_step(officer_page, live_server, charity_request, "ask_documents")
    officer_page.locator(f"input[name=missing][value='{large_family.pk}']").check()
    officer_page.locator("#id_note").fill("Көпбалалы отбасы куәлігінің көшірмесін жіберіңіз.")
    submit_action(officer_page)
    charity_request.refresh_from_db()
    assert charity_request.status == enums.Status.DOCUMENTS_INCOMPLETE
    assert list(charity_request.missing_documents.all()) == [large_family]

    # --- 3. The family signs in with number + code (another browser), sees what is missing
    # in Kazakh and sends it: the request is back to "submitted".
    citizen = browser.new_context(viewport=PHONE).new_page()
    citizen.goto(f"{live_server.url}/kk/charity/track/")
    citizen.locator("#id_number").fill(number)
    citizen.locator("#id_code").fill(code)
    citizen.get_by_role("button", name=kk("Show my request")).click()
    expect(citizen).to_have_url(re.compile(rf"/kk/charity/track/{number}/$"))
    status = citizen.locator("#request-status")
    expect(status).to_have_text(kk(enums.Status.DOCUMENTS_INCOMPLETE.label))
    expect(citizen.locator("#missing-documents")).to_contain_text(large_family.name_kk)
    expect(citizen.locator("#missing-note")).to_contain_text("куәлігінің көшірмесін")
    assert fits_the_screen(citizen)
    axe_check(citizen)
    upload = citizen.locator("#documents-form")
    upload.get_by_label(large_family.name_kk, exact=True).set_input_files(
        files=[{"name": "көпбалалы.png", "mimeType": "image/png", "buffer": PNG}]
    )
    upload.locator("button[type=submit]").click()
    expect(status).to_have_text(kk(enums.Status.SUBMITTED.label))
    expect(citizen.locator("#missing-documents")).to_have_count(0)
    expect(citizen.locator("#sent-documents")).to_contain_text("көпбалалы.png")
    charity_request.refresh_from_db()
    assert charity_request.status == enums.Status.SUBMITTED
    assert charity_request.missing_documents.count() == 0
    assert charity_request.documents.filter(document_type=large_family).count() == 1

    # --- 4. The officer reviews and assesses; the chair plans a meeting; the officer sends the
    # request to it.
    request_step(officer_page, live_server, charity_request, "start_review")
    submit_action(officer_page)
    request_step(officer_page, live_server, charity_request, "assess")
    expect(officer_page.locator("#id_household_size")).to_have_value("3")
    officer_page.locator("#id_earlier_aid_note").fill("Бұрын көмек алмаған.")
    officer_page.locator("#id_home_visit_note").fill("Үйге бардық: бес бала, бір жұмыс істейтін.")
    officer_page.locator("#id_assessment").fill("Жан басына табыс күнкөріс деңгейінен төмен.")
    officer_page.locator("#id_programme").select_option(str(programme.pk))
    submit_action(officer_page)
    charity_request.refresh_from_db()
    assert charity_request.status == enums.Status.UNDER_REVIEW
    assert charity_request.household_size == 3
    assert charity_request.income_per_member == Decimal("60000")
    assert charity_request.assessed_by == officer
    assert charity_request.programme == programme

    chair_page = staff_page(browser, live_server, chair)
    chair_page.goto(f"{live_server.url}/kk/admin/charity/committeemeeting/add/")
    chair_page.locator("#id_held_on").fill(today.isoformat())
    chair_page.locator("#id_place").fill("Шымкент, Қапал батыр к-сі, 1")
    chair_page.locator("#id_language").select_option("kk")
    chair_page.locator("#id_chair").select_option(str(chair.pk))
    for person in (chair, member):
        chair_page.locator(f"input[name=members][value='{person.pk}']").check()
    chair_page.locator("#charity-action-form input[type=submit]").click()
    expect(chair_page.locator("#meeting-agenda")).to_be_visible()
    meeting = CommitteeMeeting.objects.get()
    assert meeting.chair == chair
    assert set(meeting.members.all()) == {chair, member}

    request_step(officer_page, live_server, charity_request, "send_to_committee")
    officer_page.locator("#id_meeting").select_option(str(meeting.pk))
    submit_action(officer_page)
    charity_request.refresh_from_db()
    assert charity_request.status == enums.Status.AT_COMMITTEE
    assert list(meeting.requests.all()) == [charity_request]

    # --- 5. Both members declare no conflict; the member records the decision with one item
    # on the money line; the chair (not the assessor) approves it.
    member_page = staff_page(browser, live_server, member)
    for person_page in (chair_page, member_page):
        agenda_step(person_page, live_server, meeting, charity_request, "declare")
        person_page.locator("input[name=has_conflict][value=no]").check()
        person_page.locator("#charity-action-form input[type=submit]").click()
        expect(person_page.locator(f"#agenda-{charity_request.pk}")).to_be_visible()
    agenda_step(member_page, live_server, meeting, charity_request, "decide")
    member_page.locator("#id_outcome").select_option(enums.Outcome.APPROVED.value)
    reasons = "Көпбалалы отбасы, жан басына табыс күнкөріс деңгейінен төмен."
    member_page.locator("#id_reasons").fill(reasons)
    member_page.locator("#id_items-0-budget_line").select_option(str(money.pk))
    member_page.locator("#id_items-0-description").fill("Біржолғы материалдық көмек")
    member_page.locator("#id_items-0-amount").fill("120000")
    member_page.locator("#charity-action-form input[type=submit]").click()
    expect(member_page.locator(f"#agenda-{charity_request.pk} .decision-pending")).to_be_visible()
    # The assessor is no committee member: nothing of the decision is offered to them.
    officer_page.goto(f"{live_server.url}/kk/admin/charity/committeemeeting/{meeting.pk}/change/")
    expect(officer_page.locator(f"#agenda-{charity_request.pk} a")).to_have_count(1)

    agenda_step(chair_page, live_server, meeting, charity_request, "approve")
    chair_page.locator("#charity-action-form input[type=submit]").click()
    expect(chair_page.locator(f"#agenda-{charity_request.pk} .decision-approved")).to_be_visible()
    expect(chair_page.locator(".messagelist .success")).to_have_count(1)

    charity_request.refresh_from_db()
    assert charity_request.status == enums.Status.APPROVED
    decision = CommitteeDecision.objects.get(request=charity_request)
    assert decision.approved_by == chair and decision.recorded_by == member
    assert set(decision.participants.all()) == {chair, member}
    item = decision.items.get()
    assert item.amount == Decimal("120000") and item.status == enums.ItemStatus.APPROVED
    money.refresh_from_db()
    assert money.reserved == item.amount
    assert money.disbursed == Decimal("0")

    # --- 6. The officer records the hand-over: a bank transfer with the signed act.
    officer_page.goto(
        f"{live_server.url}/kk/admin/charity/charityrequest/{charity_request.pk}/change/"
    )
    officer_page.locator(f"#charity-item-{item.pk} a.charity-item-disburse").click()
    officer_page.locator("#id_method").select_option(enums.DisbursementMethod.BANK_TRANSFER.value)
    expect(officer_page.locator("#id_amount")).to_have_value(re.compile(r"^120000(\.00)?$"))
    officer_page.locator("#id_account").fill(IBAN)
    expect(officer_page.locator("#id_handed_over_by")).to_have_value(str(officer.pk))
    officer_page.locator("#id_act").set_input_files(
        files=[{"name": "акт.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    submit_action(officer_page)
    # The account is shown masked after the hand-over.
    expect(officer_page.locator(f"#charity-item-{item.pk} a.charity-act-download")).to_have_count(1)
    shown = officer_page.locator(f"#charity-item-{item.pk} .charity-account")
    expect(shown).to_be_visible()
    assert IBAN.replace(" ", "") not in shown.inner_text().replace(" ", "")

    charity_request.refresh_from_db()
    assert charity_request.status == enums.Status.DISBURSED
    paid = Disbursement.objects.get(item=item)
    assert paid.method == enums.DisbursementMethod.BANK_TRANSFER
    assert paid.account == IBAN.replace(" ", "")
    assert paid.amount == Decimal("120000") and paid.handed_over_by == officer
    assert paid.original_name == "акт.pdf" and paid.content_type == "application/pdf"
    money.refresh_from_db()
    assert (money.reserved, money.disbursed) == (Decimal("120000"), Decimal("120000"))

    # --- 7. The family reads the decision, its reasons and the aid handed over, in Kazakh.
    citizen.goto(f"{live_server.url}/kk/charity/track/{number}/")
    expect(status).to_have_text(kk(enums.Status.DISBURSED.label))
    decision_block = citizen.locator("#decision")
    expect(decision_block).to_have_attribute("lang", "kk")
    expect(citizen.locator("#decision-outcome")).to_have_text(kk(enums.Outcome.APPROVED.label))
    expect(citizen.locator("#decision-reasons")).to_contain_text(reasons)
    row = citizen.locator("#decision-items tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Біржолғы материалдық көмек")
    expect(row).to_contain_text(kk(enums.ItemStatus.DISBURSED.label))
    expect(row).to_contain_text(paid.disbursed_on.strftime("%d.%m.%Y"))
    history = citizen.locator("#history")
    for kind in (KIND.SUBMITTED, KIND.DOCUMENTS_REQUESTED, KIND.DECIDED, KIND.DISBURSED):
        expect(history).to_contain_text(kk(kind.label))
    # Internal steps stay internal: the assessment and notes are not on the family's page.
    expect(citizen.locator("main")).not_to_contain_text("Үйге бардық")
    assert fits_the_screen(citizen)
    axe_check(citizen)

    # The history rows and the notices to the family, in Kazakh, along the way.
    kinds = list(charity_request.events.order_by("pk").values_list("kind", flat=True))
    expected = [
        KIND.SUBMITTED,
        KIND.DOCUMENTS_REQUESTED,
        KIND.DOCUMENTS_RECEIVED,
        KIND.REVIEW_STARTED,
        KIND.ASSESSED,
        KIND.SENT_TO_COMMITTEE,
        KIND.DECIDED,
        KIND.DISBURSED,
    ]
    assert list(dict.fromkeys(k for k in kinds if k in expected)) == expected
    # One row for the item handed over, one for the request's new status.
    assert kinds.count(KIND.DISBURSED) == 2
    notices = applicant_notices(charity_request)
    events = {n.event for n in notices}
    assert {
        "charity.submitted",
        "charity.documents_requested",
        "charity.decided",
        "charity.disbursed",
    } <= events
    assert {n.language for n in notices} == {"kk"}
    # Both contacts, as chosen on the form.
    assert {n.channel for n in notices if n.event == "charity.decided"} == {"sms", "email"}
    # No notice carries the access code.
    assert all(code.replace("-", "") not in str(n.context) for n in notices)


# --- The site's shell around the charity pages on a phone, in Kazakh (the longest names) -----


def test_site_shell_of_the_application_passes_axe(page: Page, live_server, axe_check):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/kk/charity/apply/")
    axe_check(page, strict=True)


def test_site_header_fits_a_phone_screen(page: Page, live_server):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/kk/charity/apply/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
