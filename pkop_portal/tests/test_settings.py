"""Settings and system checks, run in fresh interpreters with production-like environments."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.checks import Error

from pkop_portal import checks

ROOT = Path(__file__).resolve().parents[2]
PROD_ENV = {
    "DJANGO_IGNORE_DOTENV": "true",
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c",
    "DJANGO_ALLOWED_HOSTS": "appeals.example.kz",
    "DJANGO_SETTINGS_MODULE": "pkop_portal.settings",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    # A Fernet key (32 bytes, url-safe base64) for the hotline's identity encryption.
    "HOTLINE_IDENTITY_KEYS": "q2mXh0oZ3bS9vJ8kL1nP4rT7uW0yA2cE5fH8jK1mN4o=",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    own = (
        "DJANGO_",
        "DATABASE_",
        "REDIS_",
        "CACHE_",
        "CELERY_",
        "EMAIL_",
        "SMS_",
        "AXES_",
        "HOTLINE_",
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith(own)}
    return subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_required_secret(missing):
    env = {k: v for k, v in PROD_ENV.items() if k != missing}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert f"DJANGO_DEBUG is false, so these variables must be set: {missing}" in result.stderr


def test_check_deploy_is_clean_with_production_variables():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PROD_ENV)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_requires_a_shared_cache():
    env = {k: v for k, v in PROD_ENV.items() if k != "REDIS_URL"}
    result = run_manage("check", "--deploy", env=env)
    assert result.returncode != 0
    assert "pkop_portal.E003" in result.stderr


def test_debug_mode_starts_with_local_defaults():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEBUG, settings.ALLOWED_HOSTS[0])",
        env={"DJANGO_IGNORE_DOTENV": "true", "DJANGO_DEBUG": "true"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("True 127.0.0.1")


def test_empty_variable_means_default():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])",
        env={"DJANGO_IGNORE_DOTENV": "true", "DJANGO_DEBUG": "true", "CACHE_URL": ""},
    )
    assert result.returncode == 0, result.stderr
    assert "LocMemCache" in result.stdout


def test_production_security_settings():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_PROXY_SSL_HEADER)",
        env=PROD_ENV,
    )
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout.strip().splitlines()[-1]
        == "True True True 31536000 ('HTTP_X_FORWARDED_PROTO', 'https')"
    )


def test_time_zone_settings():
    assert settings.TIME_ZONE == "Asia/Almaty"
    assert settings.USE_TZ is True
    assert checks.check_time_zone() == []


def test_time_zone_check_fails_on_old_tzdata_offset(monkeypatch):
    # Old tzdata put Asia/Almaty at UTC+06:00; simulate it with a zone that is still +6.
    monkeypatch.setattr(checks, "ZoneInfo", lambda name: ZoneInfo("Asia/Dhaka"))
    errors = checks.check_time_zone()
    assert [e.id for e in errors] == ["pkop_portal.E002"]
    assert isinstance(errors[0], Error)
    assert str(timedelta(hours=6)) in errors[0].msg


def test_time_zone_check_fails_on_wrong_setting(settings):
    settings.TIME_ZONE = "UTC"
    assert [e.id for e in checks.check_time_zone()] == ["pkop_portal.E001"]


def test_languages_are_the_four_of_the_hotline():
    assert [code for code, _ in settings.LANGUAGES] == ["kk", "ru", "en", "zh-hans"]
    assert settings.LANGUAGE_CODE == "kk"


def test_celery_is_eager_only_without_broker():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.CELERY_TASK_ALWAYS_EAGER)",
        env={"DJANGO_IGNORE_DOTENV": "true", "DJANGO_DEBUG": "true"},
    )
    assert result.stdout.strip().splitlines()[-1] == "True"
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.CELERY_TASK_ALWAYS_EAGER)",
        env={
            "DJANGO_IGNORE_DOTENV": "true",
            "DJANGO_DEBUG": "true",
            "REDIS_URL": "redis://:secret@127.0.0.1:6379/3",
        },
    )
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_task_mode_is_logged_once_when_the_web_server_starts_not_at_every_command():
    local = {"DJANGO_IGNORE_DOTENV": "true", "DJANGO_DEBUG": "true"}
    command = run_manage("shell", "-c", "print('no server here')", env=local)
    assert command.returncode == 0, command.stderr
    assert "Celery" not in command.stderr
    # runserver and gunicorn load the WSGI module once per server process.
    server = run_manage("shell", "-c", "import pkop_portal.wsgi", env=local)
    assert [line.split(": ", 1)[1] for line in server.stderr.splitlines()] == [
        "Celery: no broker configured, tasks run eagerly in this process "
        "(set REDIS_URL or CELERY_BROKER_URL to use a worker)"
    ]
    with_broker = {**local, "REDIS_URL": "redis://:secret@127.0.0.1:6379/3"}
    server = run_manage("shell", "-c", "import pkop_portal.wsgi", env=with_broker)
    assert server.stderr.strip().endswith("Celery: broker redis://:***@127.0.0.1:6379/3")
