import io
import os
import shutil
import socket
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from appeals.models import Appeal
from notifications.models import Notification
from pkop_portal.management.commands.check_port import port_next_free
from reception.models import Manager, Slot
from reception.selectors import slot_list_free

ROOT = Path(__file__).resolve().parents[2]
CHANGE_PASSWORD_HINT = (
    "  password: printed when this user was created; to choose a new one run "
    "`.venv/bin/python manage.py changepassword admin`"
)


def login_lines(base_url: str, password_line: str, *, created: bool) -> list[str]:
    title = "Staff login (the password is shown only this once):" if created else "Staff login:"
    return [
        "",
        title,
        f"  URL:      {base_url}/admin/",
        "  username: admin",
        password_line,
    ]


def run_fresh(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """A command in a fresh interpreter, as `make run` starts it (no .env, no test settings)."""
    own = ("DJANGO_", "DATABASE_", "REDIS_", "CACHE_", "CELERY_", "EMAIL_", "SMS_", "PORTAL_")
    base = {k: v for k, v in os.environ.items() if not k.startswith(own) and k != "PORT"}
    return subprocess.run(  # noqa: S603 (our own interpreter or make, our own arguments)
        list(args),
        cwd=ROOT,
        env={**base, "DJANGO_IGNORE_DOTENV": "true", "DJANGO_DEBUG": "true", **env},
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.fixture
def busy_port():
    """A port something listens on for the duration of the test."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


@pytest.mark.django_db
def test_load_demo_prints_what_it_created_then_the_login_last(capsys, settings):
    settings.DEMO_ADMIN_PASSWORD = ""
    settings.PORTAL_BASE_URL = "http://127.0.0.1:8001"

    call_command("load_demo")

    lines = capsys.readouterr().out.splitlines()
    password = lines[-1].removeprefix("  password: ")
    assert lines == [
        "Demo appeals created: 12",
        "Demo managers with reception schedules: 5",
        "Demo charity requests created: 19",
        "Demo social projects created: 2",
        "Demo hotline reports created: 6",
        "Hotline (Compliance) login, shown only once: demo.compliance",
        lines[6],
        "Hotline (Compliance) login, shown only once: demo.compliance.head",
        lines[8],
        *login_lines("http://127.0.0.1:8001", f"  password: {password}", created=True),
    ]
    assert lines[6].startswith("  password: ") and lines[8].startswith("  password: ")
    user = get_user_model().objects.get(username="admin")
    assert user.is_superuser and user.is_staff
    assert user.check_password(password)
    assert list(user.groups.values_list("name", flat=True)) == ["Head"]


@pytest.mark.django_db
def test_load_demo_second_run_changes_nothing_and_still_says_how_to_log_in(capsys, settings):
    settings.DEMO_ADMIN_PASSWORD = ""
    settings.PORTAL_BASE_URL = "http://127.0.0.1:8000"
    call_command("load_demo")
    password = capsys.readouterr().out.splitlines()[-1].removeprefix("  password: ")
    user = get_user_model().objects.get(username="admin")
    before = (
        user.password,
        Appeal.objects.count(),
        Notification.objects.count(),
        Manager.objects.count(),
        Slot.objects.count(),
    )

    call_command("load_demo")

    assert capsys.readouterr().out.splitlines() == [
        "Demo data already loaded.",
        *login_lines("http://127.0.0.1:8000", CHANGE_PASSWORD_HINT, created=False),
    ]
    user.refresh_from_db()
    after = (
        user.password,
        Appeal.objects.count(),
        Notification.objects.count(),
        Manager.objects.count(),
        Slot.objects.count(),
    )
    assert after == before
    assert user.check_password(password)
    usernames = sorted(get_user_model().objects.values_list("username", flat=True))
    assert usernames == [
        "admin",
        "demo.charity.chair",
        "demo.charity.member",
        "demo.charity.officer",
        "demo.charity.secretary",
        "demo.compliance",
        "demo.compliance.head",
        "demo.executor",
    ]


@pytest.mark.django_db
def test_load_demo_creates_a_dozen_appeals_in_different_states_once(settings):
    settings.DEMO_ADMIN_PASSWORD = "a-chosen-demo-password"
    call_command("load_demo")
    states = Counter(Appeal.objects.values_list("status", flat=True))
    assert states == {"in_work": 6, "answered": 3, "registered": 2, "redirected": 1}
    assert Appeal.objects.filter(events__kind="extended").count() == 1
    call_command("load_demo")
    assert Appeal.objects.count() == 12


@pytest.mark.django_db
def test_load_demo_creates_the_management_team_with_bookable_slots(settings):
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


@pytest.mark.django_db
def test_load_demo_takes_password_from_environment_without_printing_it(capsys, settings):
    settings.DEMO_ADMIN_PASSWORD = "a-chosen-demo-password"
    settings.PORTAL_BASE_URL = "http://127.0.0.1:8000"
    call_command("load_demo")
    user = get_user_model().objects.get(username="admin")
    assert user.check_password("a-chosen-demo-password")
    password_hash = user.password
    call_command("load_demo")
    user.refresh_from_db()
    assert user.password == password_hash
    output = capsys.readouterr().out
    assert "a-chosen-demo-password" not in output
    assert output.splitlines()[-5:] == login_lines(
        "http://127.0.0.1:8000",
        "  password: the value of DJANGO_DEMO_ADMIN_PASSWORD",
        created=False,
    )


@pytest.mark.django_db
def test_load_demo_sets_a_changed_environment_password_on_the_existing_user(settings):
    settings.DEMO_ADMIN_PASSWORD = ""
    call_command("load_demo", stdout=io.StringIO())
    settings.DEMO_ADMIN_PASSWORD = "another-chosen-password"
    call_command("load_demo", stdout=io.StringIO())
    user = get_user_model().objects.get(username="admin")
    assert user.check_password("another-chosen-password")


def test_load_demo_in_a_fresh_process_prints_no_warning_no_message_and_the_login_last(tmp_path):
    """What `make run` shows: no broker line, no kombu warning, no e-mail; the login last.

    A real process commits, so the demo's notifications are delivered here (inside a test's
    transaction they would never be), with the console backends `make run` uses."""
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        # The demo's photos and documents: in this test's directory, not the repository's.
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
        "PORTAL_BASE_URL": "http://127.0.0.1:8001",
        "DJANGO_DEMO_ADMIN_PASSWORD": "",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "SMS_BACKEND": "console",
    }
    manage = [sys.executable, "manage.py"]
    migrated = run_fresh(*manage, "migrate", "--noinput", "--verbosity", "0", env=env)
    assert (migrated.returncode, migrated.stdout, migrated.stderr) == (0, "", "")

    first = run_fresh(*manage, "load_demo", env=env)
    assert (first.returncode, first.stderr) == (0, "")
    lines = first.stdout.splitlines()
    assert lines[:5] == [
        "Demo appeals created: 12",
        "Demo managers with reception schedules: 5",
        "Demo charity requests created: 19",
        "Demo social projects created: 2",
        "Demo hotline reports created: 6",
    ]
    assert lines[9:-1] == login_lines("http://127.0.0.1:8001", "", created=True)[:-1]
    assert lines[-1].startswith("  password: ")
    # Delivered (the outbox shows them as sent), yet none was printed above.
    outbox = run_fresh(
        *manage,
        "shell",
        "-c",
        "from notifications.models import Notification as N; "
        "print(sorted(set(N.objects.values_list('status', 'channel'))), N.objects.count())",
        env=env,
    )
    statuses, count = outbox.stdout.splitlines()[-1].rsplit(" ", 1)
    assert statuses == "[('sent', 'email')]"
    assert int(count) >= 12

    assert any((tmp_path / "media").rglob("*.png"))
    second = run_fresh(*manage, "load_demo", env=env)
    assert (second.returncode, second.stderr) == (0, "")
    assert second.stdout.splitlines() == [
        "Demo data already loaded.",
        *login_lines("http://127.0.0.1:8001", CHANGE_PASSWORD_HINT, created=False),
    ]


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
        js = polib.POFile()
        js.append(polib.POEntry(msgid="May", msgstr="" if code == "kk" else "x"))
        js.save(str(path / "djangojs.po"))
    assert translation_problems(tmp_path) == [
        "kk (djangojs): 'May' is untranslated",
        "ru: 'Empty' is untranslated",
        "ru: 'Fuzzy' is fuzzy",
    ]


def test_check_port_accepts_a_free_port(capsys):
    free = port_next_free(20000)
    call_command("check_port", str(free))
    assert capsys.readouterr() == ("", "")


def test_check_port_refuses_a_busy_port_and_names_a_free_one(busy_port):
    with pytest.raises(CommandError) as refused:
        call_command("check_port", str(busy_port))
    free = port_next_free(busy_port)
    assert free != busy_port
    assert str(refused.value) == (
        f"Port {busy_port} is in use (is another server running?): "
        f"run `PORT={free} make run`, or stop the other server."
    )


def test_check_port_exits_non_zero_from_the_command_line(busy_port):
    result = run_fresh(sys.executable, "manage.py", "check_port", str(busy_port), env={})
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"CommandError: Port {busy_port} is in use")


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
@pytest.mark.parametrize(("port", "expected"), [(None, "8000"), ("8001", "8001")])
def test_make_run_checks_the_port_before_migrating_and_serves_on_it(port, expected):
    # A dry run (-n) prints the commands without running any of them.
    result = run_fresh("make", "-n", "run", env={"PORT": port} if port else {})
    assert result.returncode == 0, result.stderr
    steps = [
        next(i for i, line in enumerate(result.stdout.splitlines()) if marker in line)
        for marker in (
            f"manage.py check_port {expected}",
            "manage.py migrate",
            "manage.py load_demo",
            f"manage.py runserver 127.0.0.1:{expected}",
        )
    ]
    assert steps == sorted(steps)
