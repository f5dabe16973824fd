"""The appeal page: one clear next step (steps per state and role, grouped, one primary), no
Save buttons, the answer form beside the citizen's appeal, and the signer of the answer."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import translation

from appeals import admin_steps, enums, workflow
from appeals.models import AppealAttachment, AppealEvent, Category
from appeals.tests.factories import AppealFactory
from appeals.tests.files import PDF
from pkop_portal import signatures
from pkop_portal.deadlines import EXTENSION_LIMIT
from pkop_portal.models import StaffProfile

pytestmark = pytest.mark.django_db
URL = "/en/admin/appeals/appeal/"
LOCAL = ZoneInfo("Asia/Almaty")
NOW = datetime(2026, 12, 8, 11, 0, tzinfo=LOCAL)  # a Tuesday
TODAY = NOW.date()


def person(username, group, first="", last="", position=None):
    user = User.objects.create_user(username, is_staff=True, first_name=first, last_name=last)
    user.groups.add(Group.objects.get(name=group))
    if position:
        StaffProfile.objects.create(user=user, **position)
    return User.objects.get(pk=user.pk)  # an empty permission cache


@pytest.fixture
def people():
    return {
        "head": person("head-1", "Head", "Дана", "Кайратова"),
        "executor": person("exec-1", "Executor", "Асет", "Сейткали"),
        "registrar": person("reg-1", "Registrar", "Айжан", "Омарова"),
        "analyst": person("an-1", "Analyst", "Ерлан", "Ахметов"),
    }


def appeal_in(state, people):
    """An appeal of a non-charity category in `state`, registered by the registrar."""
    fields = {
        "category": Category.objects.get(slug="environment"),
        "registered_by": people["registrar"],
        "registration_date": TODAY - timedelta(days=7),
        "due_date": TODAY + timedelta(days=10),
    }
    in_work = {"status": enums.Status.IN_WORK, "executor": people["executor"]}
    fields.update(
        {
            "registered": {},
            "in_work": in_work,
            "answered": {**in_work, "status": enums.Status.ANSWERED, "outcome": "explained"},
            "crime": {"possible_crime": True},
            "crime_referred": {**in_work, "possible_crime": True},
            "repeat": {**in_work, "possible_repeat": True},
            "overdue": {**in_work, "due_date": TODAY - timedelta(days=1)},
            "at_extension_limit": {
                **in_work,
                "due_date": TODAY - timedelta(days=7) + EXTENSION_LIMIT,
            },
        }[state]
    )
    appeal = AppealFactory(**fields)
    if state == "crime_referred":
        AppealEvent.objects.create(appeal=appeal, kind=AppealEvent.Kind.REFERRED, new_value="x")
    return appeal


DECIDE_ALL = {"answer", "not_considered", "extend"}
ROUTE_HEAD = {"assign", "redirect"}


@pytest.mark.parametrize(
    ("state", "role", "expected", "primary"),
    [
        ("registered", "head", DECIDE_ALL | ROUTE_HEAD | {"note"}, "assign"),
        ("registered", "registrar", {"note"}, None),
        ("registered", "analyst", set(), None),
        ("in_work", "head", DECIDE_ALL | ROUTE_HEAD | {"note"}, "answer"),
        ("in_work", "executor", {"answer", "not_considered", "redirect", "note"}, "answer"),
        ("in_work", "registrar", {"note"}, None),
        ("in_work", "analyst", set(), None),
        ("answered", "head", {"note"}, None),
        ("answered", "executor", {"note"}, None),
        ("answered", "analyst", set(), None),
        ("crime", "head", {"extend", "assign", "refer", "note"}, "refer"),
        (
            "crime_referred",
            "executor",
            {"answer", "not_considered", "redirect", "refer", "note"},
            "answer",
        ),
        (
            "repeat",
            "executor",
            {"answer", "not_considered", "redirect", "note", "link_repeat", "dismiss_repeat"},
            "answer",
        ),
        ("overdue", "head", {"answer", "not_considered", "note"} | ROUTE_HEAD, "answer"),
        ("at_extension_limit", "head", {"answer", "not_considered", "note"} | ROUTE_HEAD, "answer"),
    ],
)
def test_steps_follow_the_state_and_the_role(people, clock, state, role, expected, primary):
    clock.set(NOW)
    appeal = appeal_in(state, people)
    groups = admin_steps.appeal_steps(appeal=appeal, user=people[role])
    steps = [step for group in groups for step in group.steps]
    assert {step.action for step in steps} == expected
    assert [step.action for step in steps if step.primary] == ([primary] if primary else [])


def test_steps_are_grouped_decide_route_record_with_their_links(people, clock):
    clock.set(NOW)
    appeal = appeal_in("repeat", people)
    groups = admin_steps.appeal_steps(appeal=appeal, user=people["head"])
    assert [(g.key, [s.action for s in g.steps]) for g in groups] == [
        ("decide", ["answer", "not_considered", "extend"]),
        ("route", ["assign", "redirect"]),
        ("record", ["note", "link_repeat", "dismiss_repeat"]),
    ]
    assert groups[0].steps[0].url.endswith(f"/admin/appeals/appeal/{appeal.pk}/workflow/answer/")
    with translation.override("en"):  # the titles are lazy: read in a fixed language
        assert [str(g.title) for g in groups] == ["Decide", "Route", "Record"]


def test_every_offered_step_is_one_its_service_accepts(people, clock):
    """What the panel offers the executor on an in-work appeal, the service does."""
    clock.set(NOW)
    appeal = appeal_in("in_work", people)
    offered = {
        s.action
        for g in admin_steps.appeal_steps(appeal=appeal, user=people["executor"])
        for s in g.steps
    }
    assert "answer" in offered
    result = workflow.appeal_answer(
        appeal_id=appeal.pk,
        by=people["executor"],
        outcome="explained",
        reasoning="r",
        legal_basis="l",
    )
    assert result.appeal.status == "answered"
    appeal.refresh_from_db()
    closed = admin_steps.appeal_steps(appeal=appeal, user=people["executor"])
    assert [s.action for g in closed for s in g.steps] == ["note"]


def page(client, appeal, user):
    client.force_login(user)
    return client.get(f"{URL}{appeal.pk}/change/").content.decode()


def test_the_page_has_the_steps_under_the_title_and_no_save_or_delete_buttons(
    client, people, clock
):
    clock.set(NOW)
    appeal = appeal_in("registered", people)
    html = page(client, appeal, people["head"])
    for button in ('name="_save"', 'name="_continue"', 'name="_addanother"', "deletelink"):
        assert button not in html
    assert 'class="object-tools"' not in html
    assert "<h1>View appeal</h1>" in html
    title, panel, form = (
        html.index("<h1>"),
        html.index('id="appeal-steps"'),
        html.index('id="appeal_form"'),
    )
    assert title < panel < form
    assert (
        f'<a href="{URL}{appeal.pk}/workflow/assign/" class="button appeal-action '
        'appeal-action-assign appeal-step-primary">Assign an executor'
    ) in html
    assert html.count("appeal-step-primary") == 1


def test_a_closed_appeal_offers_only_the_note_and_says_it_is_closed(client, people, clock):
    clock.set(NOW)
    appeal = appeal_in("answered", people)
    html = page(client, appeal, people["executor"])
    panel = html.split('id="appeal-steps"')[1].split("</section>")[0]
    assert "This appeal is closed: Answered." in panel
    assert panel.count("appeal-action-") == 1 and "appeal-action-note" in panel
    analyst = page(client, appeal, people["analyst"])
    assert "appeal-action-" not in analyst.split('id="appeal-steps"')[1].split("</section>")[0]


def test_the_charity_step_is_routed_and_waits_for_a_referral(client, people, clock):
    clock.set(NOW)
    appeal = AppealFactory(status=enums.Status.IN_WORK, executor=people["executor"])
    html = page(client, appeal, people["executor"])
    route = html.split("appeal-steps-route")[1].split("</div>")[0]
    assert "appeal-action-to_charity" in route
    crime = AppealFactory(
        status=enums.Status.IN_WORK, executor=people["executor"], possible_crime=True
    )
    assert "appeal-action-to_charity" not in page(client, crime, people["executor"])


def test_the_booking_page_has_no_save_buttons(client):
    from reception import services as reception_services
    from reception.models import Slot
    from reception.slots import slots_generate
    from reception.tests.factories import RuleFactory, reception_consent

    rule = RuleFactory()
    slots_generate(manager=rule.manager, start=date(2026, 12, 1), end=date(2026, 12, 1))
    booking = reception_services.booking_create(
        slot_id=Slot.objects.first().pk,
        data=reception_services.BookingInput(
            full_name="A", iin="870101300009", topic="t", language="ru", email="a@example.kz"
        ),
        idempotency_key="k",
        consent=reception_consent(),
        now=datetime(2026, 11, 30, 12, 0, tzinfo=LOCAL),
    ).booking
    secretary = person("secretary", "Reception secretary")
    client.force_login(secretary)
    html = client.get(f"/en/admin/reception/booking/{booking.pk}/change/").content.decode()
    assert 'name="_save"' not in html and 'name="_continue"' not in html
    assert 'class="closelink"' in html


# --- The answer form -------------------------------------------------------------------------


def attach(appeal):
    attachment = AppealAttachment(
        appeal=appeal,
        stored_name="f1.pdf",
        original_name="справка.pdf",
        content_type="application/pdf",
        size=len(PDF),
    )
    attachment.file.save(attachment.stored_name, ContentFile(PDF), save=True)
    return attachment


def test_the_answer_form_shows_the_appeal_beside_it_and_nothing_pre_selected(client, people, clock):
    clock.set(NOW)
    appeal = appeal_in("in_work", people)
    appeal.subject, appeal.text, appeal.language = "Запах газа", "Во дворе пахнет газом.", "kk"
    appeal.save()
    attachment = attach(appeal)
    StaffProfile.objects.create(
        user=people["executor"], position_kk="Бас маман", position_ru="Главный специалист"
    )
    client.force_login(people["executor"])
    response = client.get(f"{URL}{appeal.pk}/workflow/answer/")
    html = response.content.decode()
    beside = html.split('class="module appeal-beside"')[1].split("</aside>")[0]
    assert '<dd id="appeal-subject">Запах газа</dd>' in beside
    assert '<dd id="appeal-language">Kazakh</dd>' in beside
    assert "<p>Во дворе пахнет газом.</p>" in beside
    url = f"{URL}{appeal.pk}/attachment/{attachment.pk}/"
    assert f'<a href="{url}" class="attachment-download">справка.pdf</a>' in beside
    form = response.context["form"]
    assert form["outcome"].value() is None
    assert html.count('type="radio" name="outcome"') == len(enums.Outcome.choices)
    assert "checked" not in html.split('id="id_outcome"')[1].split("</fieldset>")[0]
    assert 'type="checkbox" name="confirm"' in html
    assert '<strong id="appeal-signer">Асет Сейткали, Бас маман</strong>' in html
    assert 'value="Answer"' in html and 'value="Save"' not in html


def test_the_answer_needs_the_confirmation(client, people, clock):
    clock.set(NOW)
    appeal = appeal_in("in_work", people)
    client.force_login(people["executor"])
    data = {"outcome": "explained", "reasoning": "Разъяснено.", "legal_basis": "АППК ст. 76"}
    response = client.post(f"{URL}{appeal.pk}/workflow/answer/", data)
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "confirm": ["Confirm that you have checked the answer."]
    }
    appeal.refresh_from_db()
    assert appeal.status == "in_work"
    response = client.post(f"{URL}{appeal.pk}/workflow/answer/", {**data, "confirm": "on"})
    assert response["Location"] == f"{URL}{appeal.pk}/change/"
    appeal.refresh_from_db()
    assert (appeal.status, appeal.answer_signatory) == ("answered", "Асет Сейткали")


def test_an_officer_without_a_full_name_cannot_sign_and_is_told_why(client, people, clock):
    clock.set(NOW)
    nameless = person("ex-nameless", "Executor")
    appeal = AppealFactory(status=enums.Status.IN_WORK, executor=nameless)
    client.force_login(nameless)
    form_page = client.get(f"{URL}{appeal.pk}/workflow/answer/").content.decode()
    assert 'id="appeal-signer-error"' in form_page
    data = {"outcome": "explained", "reasoning": "r", "legal_basis": "l", "confirm": "on"}
    html = client.post(f"{URL}{appeal.pk}/workflow/answer/", data).content.decode()
    assert "Your account has no full name" in html
    appeal.refresh_from_db()
    assert (appeal.status, appeal.answer_signatory) == ("in_work", "")
    assert not appeal.events.exists()


# --- The signer ----------------------------------------------------------------------------------


def test_signer_line_is_the_full_name_and_the_position_in_the_appeal_language(people):
    executor = people["executor"]
    assert signatures.signer_line(executor, "kk") == "Асет Сейткали"
    StaffProfile.objects.create(
        user=executor,
        position_kk="Бас маман",
        position_ru="Главный специалист",
        position_en="Chief specialist",
        position_zh_hans="首席专家",
    )
    executor = User.objects.get(pk=executor.pk)
    assert signatures.signer_line(executor, "kk") == "Асет Сейткали, Бас маман"
    assert signatures.signer_line(executor, "zh-hans") == "Асет Сейткали, 首席专家"
    assert signatures.signer_line(executor, "en") == "Асет Сейткали, Chief specialist"


@pytest.mark.parametrize(
    ("positions", "expected"),
    [
        ({"position_ru": "Начальник отдела", "position_en": "Head of unit"}, "Начальник отдела"),
        ({"position_en": "Head of unit"}, "Head of unit"),
        ({"position_zh_hans": "处长"}, "处长"),
    ],
)
def test_signer_position_falls_back_ru_then_en_then_any(people, positions, expected):
    StaffProfile.objects.create(user=people["head"], **positions)
    head = User.objects.get(pk=people["head"].pk)
    assert signatures.signer_line(head, "kk") == f"Дана Кайратова, {expected}"


def test_the_answer_is_never_signed_with_a_username(clock):
    clock.set(NOW)
    nameless = person("ex-nameless", "Executor")
    appeal = AppealFactory(status=enums.Status.IN_WORK, executor=nameless)
    with pytest.raises(ValidationError) as exc:
        workflow.appeal_answer(
            appeal_id=appeal.pk, by=nameless, outcome="explained", reasoning="r", legal_basis="l"
        )
    assert exc.value.code == "no_signer_name"
    appeal.refresh_from_db()
    assert (appeal.status, appeal.answer_signatory, appeal.answered_at) == ("in_work", "", None)


def test_the_staff_profile_is_edited_on_the_user_page(client):
    admin_user = User.objects.create_superuser("root", first_name="Root", last_name="Admin")
    officer = person("officer", "Executor", "Асет", "Сейткали")
    client.force_login(admin_user)
    url = f"/en/admin/auth/user/{officer.pk}/change/"
    html = client.get(url).content.decode()
    assert 'name="staff_profile-0-position_kk"' in html
