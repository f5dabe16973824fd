import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_load_demo_creates_superuser_once_and_prints_password_once(capsys, settings):
    settings.DEMO_ADMIN_PASSWORD = ""
    call_command("load_demo")
    first = capsys.readouterr().out
    password = first.split("password: ")[1].split()[0]
    user = get_user_model().objects.get(username="admin")
    assert user.is_superuser and user.is_staff
    assert user.check_password(password)
    assert list(user.groups.values_list("name", flat=True)) == ["Head"]

    call_command("load_demo")
    second = capsys.readouterr().out
    assert password not in second
    assert "exists" in second
    user.refresh_from_db()
    assert user.check_password(password)
    usernames = sorted(get_user_model().objects.values_list("username", flat=True))
    assert usernames == ["admin", "demo.executor"]


def test_load_demo_creates_a_dozen_appeals_in_different_states_once(settings):
    from collections import Counter

    from appeals.models import Appeal

    settings.DEMO_ADMIN_PASSWORD = "a-chosen-demo-password"
    call_command("load_demo")
    states = Counter(Appeal.objects.values_list("status", flat=True))
    assert states == {"in_work": 6, "answered": 3, "registered": 2, "redirected": 1}
    assert Appeal.objects.filter(events__kind="extended").count() == 1
    call_command("load_demo")
    assert Appeal.objects.count() == 12


def test_load_demo_creates_the_management_team_with_bookable_slots(settings):
    from django.utils import timezone

    from reception.models import Manager, Slot
    from reception.selectors import slot_list_free

    settings.DEMO_ADMIN_PASSWORD = "a-chosen-demo-password"
    call_command("load_demo")
    assert Manager.objects.count() == 5
    assert all(m.topics_kk and m.topics_zh_hans and m.place_en for m in Manager.objects.all())
    assert Slot.objects.count() > 0
    assert any(
        slot_list_free(manager=m, now=timezone.now()).exists() for m in Manager.objects.all()
    )
    call_command("load_demo")
    assert Manager.objects.count() == 5


def test_load_demo_takes_password_from_environment(capsys, settings):
    settings.DEMO_ADMIN_PASSWORD = "a-chosen-demo-password"
    call_command("load_demo")
    user = get_user_model().objects.get(username="admin")
    assert user.check_password("a-chosen-demo-password")
    password_hash = user.password
    call_command("load_demo")
    user.refresh_from_db()
    assert user.password == password_hash


def test_translations_check_reports_untranslated_and_fuzzy(tmp_path, settings):
    import polib

    from pkop_portal.management.commands.translations_check import translation_problems

    for code in ("kk", "ru", "en", "zh_Hans"):
        po = polib.POFile()
        po.append(polib.POEntry(msgid="Contacts", msgstr="x"))
        if code == "ru":
            po.append(polib.POEntry(msgid="Empty", msgstr=""))
            po.append(polib.POEntry(msgid="Fuzzy", msgstr="y", flags=["fuzzy"]))
        path = tmp_path / code / "LC_MESSAGES"
        path.mkdir(parents=True)
        po.save(str(path / "django.po"))
    assert translation_problems(tmp_path) == [
        "ru: 'Empty' is untranslated",
        "ru: 'Fuzzy' is fuzzy",
    ]
