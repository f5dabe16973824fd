"""Identities encrypted at rest; key rotation keeps old reports readable."""

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from hotline import checks, crypto
from hotline.services.submission import ReportInput, report_submit
from pkop_portal.consent import consent_given, consent_text_current

pytestmark = pytest.mark.django_db

NAME = "Айжан Нурланова"
EMAIL = "aizhan.reporter@example.kz"


def _submit():
    from django.test import RequestFactory

    consent = consent_given(
        RequestFactory().post("/"), text=consent_text_current(purpose="hotline"), keep_ip=False
    )
    data = ReportInput(
        language="ru",
        reporter_type="employee",
        category="corruption",
        description="Взятка за допуск.",
        name=NAME,
        position="Инженер",
        contact="+77011234567",
        notice_email=EMAIL,
    )
    return report_submit(data=data, consent=consent).report


def _raw(report_id):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT identity_sealed, notice_email_sealed FROM hotline_report WHERE id = %s",
            [report_id],
        )
        return cursor.fetchone()


def test_identity_column_holds_no_plaintext(settings):
    settings.HOTLINE_IDENTITY_KEYS = [Fernet.generate_key().decode()]
    report = _submit()
    identity, email = _raw(report.pk)
    for plain in (NAME, "Инженер", "+77011234567", "Нурланова"):
        assert plain not in identity
    assert EMAIL not in email and "example.kz" not in email
    assert crypto.open_identity(identity)["name"] == NAME
    assert crypto.open_text(email) == EMAIL


def test_anonymous_report_stores_nothing():
    assert crypto.seal_identity({"name": "", "position": " ", "contact": ""}) == ""
    assert crypto.open_identity("") == {}


def test_forged_token_does_not_open():
    assert crypto.open_identity("gAAAAAforged") is None


def test_rotation_keeps_old_reports_readable(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.HOTLINE_IDENTITY_KEYS = [old]
    report = _submit()
    before = _raw(report.pk)
    # New key first, old one still accepted: readable before and after the rotation.
    settings.HOTLINE_IDENTITY_KEYS = [new, old]
    assert crypto.open_identity(before[0])["name"] == NAME
    call_command("hotline_rotate_keys", stdout=StringIO())
    after = _raw(report.pk)
    assert after[0] != before[0] and after[1] != before[1]
    # The old key removed: the rotated tokens still open, the old ones do not.
    settings.HOTLINE_IDENTITY_KEYS = [new]
    assert crypto.open_identity(after[0])["name"] == NAME
    assert crypto.open_text(after[1]) == EMAIL
    assert crypto.open_identity(before[0]) is None


def test_rotation_refuses_when_key_missing(settings):
    from django.core.management.base import CommandError

    settings.HOTLINE_IDENTITY_KEYS = [Fernet.generate_key().decode()]
    report = _submit()
    settings.HOTLINE_IDENTITY_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(CommandError):
        call_command("hotline_rotate_keys", stdout=StringIO(), stderr=StringIO())
    assert _raw(report.pk)[0]  # left as it was


def test_deploy_check_requires_key(settings):
    settings.DEBUG = False
    settings.HOTLINE_IDENTITY_KEYS = []
    assert [e.id for e in checks.check_identity_key_set()] == ["hotline.E001"]
    settings.HOTLINE_IDENTITY_KEYS = [Fernet.generate_key().decode()]
    assert checks.check_identity_key_set() == []
    settings.DEBUG = True
    settings.HOTLINE_IDENTITY_KEYS = []
    assert checks.check_identity_key_set() == []


def test_invalid_key_reported(settings):
    settings.HOTLINE_IDENTITY_KEYS = ["not-a-key"]
    assert [e.id for e in checks.check_identity_keys_valid()] == ["hotline.E002"]
