"""Keyed secrets with rotation (pkop_portal.keys), access codes (pkop_portal.access_codes) and
sealed cookies (pkop_portal.sealed_cookies)."""

from unittest import mock

import pytest
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.utils.crypto import salted_hmac

from pkop_portal import access_codes, keys
from pkop_portal.sealed_cookies import sealed_cookie_get, sealed_cookie_set

OLD, NEW = "old-key-" + "o" * 40, "new-key-" + "n" * 40
NUMBER = "A-2026-000001"


def rotated(*fallbacks):
    return override_settings(PORTAL_SECRETS_KEY=NEW, PORTAL_SECRETS_KEY_FALLBACKS=list(fallbacks))


def test_secrets_key_defaults_to_secret_key_and_its_fallbacks(settings):
    assert settings.PORTAL_SECRETS_KEY == settings.SECRET_KEY
    assert settings.PORTAL_SECRETS_KEY_FALLBACKS == settings.SECRET_KEY_FALLBACKS == []


def test_hash_made_before_rotation_existed_still_matches():
    """Access-code hashes stored before this module were salted_hmac(..., SECRET_KEY)."""
    legacy = salted_hmac("appeals.access_code", f"{NUMBER}:ABCD2345EFGH", algorithm="sha256")
    assert access_codes.check_access_code(
        number=NUMBER, code="abcd-2345-efgh", stored_hash=legacy.hexdigest()
    )


def test_access_code_is_long_unambiguous_and_hashed():
    code = access_codes.new_access_code()
    assert len(code) == 12
    assert set(code) <= set(access_codes.ALPHABET)
    assert not set(code) & set("01OIL")
    stored = access_codes.hash_access_code(number=NUMBER, code=code)
    assert code not in stored and len(stored) == 64
    formatted = access_codes.format_code(code)
    assert formatted == f"{code[:4]}-{code[4:8]}-{code[8:]}"
    assert access_codes.check_access_code(number=NUMBER, code=formatted.lower(), stored_hash=stored)
    # Full-width characters typed on a phone keyboard are folded (NFKC) before hashing.
    wide = "".join(chr(ord(c) + 0xFEE0) for c in code)
    assert access_codes.check_access_code(number=NUMBER, code=wide, stored_hash=stored)
    assert not access_codes.check_access_code(number="A-2026-000002", code=code, stored_hash=stored)


def test_new_hashes_use_the_current_key_and_old_ones_work_while_their_key_is_a_fallback():
    with override_settings(PORTAL_SECRETS_KEY=OLD, PORTAL_SECRETS_KEY_FALLBACKS=[]):
        old_hash = access_codes.hash_access_code(number=NUMBER, code="ABCD2345EFGH")
    with rotated(OLD):
        new_hash = access_codes.hash_access_code(number=NUMBER, code="ABCD2345EFGH")
        assert new_hash != old_hash
        assert new_hash == access_codes.hash_access_code(
            number=NUMBER, code="ABCD2345EFGH", key=NEW
        )
        assert access_codes.check_access_code(
            number=NUMBER, code="ABCD2345EFGH", stored_hash=old_hash
        )
        assert access_codes.check_access_code(
            number=NUMBER, code="ABCD2345EFGH", stored_hash=new_hash
        )
        assert not access_codes.check_access_code(
            number=NUMBER, code="ABCD2345EFGX", stored_hash=old_hash
        )
    with rotated():
        # The old key left the list: codes hashed under it stop working.
        assert not access_codes.check_access_code(
            number=NUMBER, code="ABCD2345EFGH", stored_hash=old_hash
        )


@pytest.mark.parametrize("stored", ["0" * 64, "match", "fallback-match"])
def test_checking_does_the_same_work_whatever_matches(stored):
    """Every key is hashed and compared for any input: right, wrong, or an unknown number."""
    with override_settings(PORTAL_SECRETS_KEY=OLD, PORTAL_SECRETS_KEY_FALLBACKS=[]):
        old_hash = access_codes.hash_access_code(number=NUMBER, code="ABCD2345EFGH")
    with rotated(OLD, "third-" + "t" * 40):
        stored_hash = {
            "match": access_codes.hash_access_code(number=NUMBER, code="ABCD2345EFGH"),
            "fallback-match": old_hash,
        }.get(stored, stored)
        with (
            mock.patch.object(keys, "keyed_hash", wraps=keys.keyed_hash) as hashed,
            mock.patch.object(
                keys, "constant_time_compare", wraps=keys.constant_time_compare
            ) as cmp,
        ):
            access_codes.check_access_code(
                number=NUMBER, code="ABCD2345EFGH", stored_hash=stored_hash
            )
        assert (hashed.call_count, cmp.call_count) == (3, 3)


def test_derived_codes_are_stable_per_secret_and_key():
    one = access_codes.derive_access_code(purpose="p", secret="form-key-1")
    assert one == access_codes.derive_access_code(purpose="p", secret="form-key-1")
    assert len(one) == 12 and set(one) <= set(access_codes.ALPHABET)
    assert one != access_codes.derive_access_code(purpose="p", secret="form-key-2")
    assert one != access_codes.derive_access_code(purpose="q", secret="form-key-1")
    assert one != access_codes.derive_access_code(purpose="p", secret="form-key-1", key=OLD)


def test_derived_code_matching_follows_the_key_that_made_the_hash():
    with override_settings(PORTAL_SECRETS_KEY=OLD, PORTAL_SECRETS_KEY_FALLBACKS=[]):
        code = access_codes.derive_access_code(purpose="p", secret="s")
        stored = access_codes.hash_access_code(number=NUMBER, code=code)
    with rotated(OLD):
        found = access_codes.derived_code_matching(
            purpose="p", secret="s", number=NUMBER, stored_hash=stored
        )
        assert found == code
        other = access_codes.hash_access_code(number=NUMBER, code="ABCD2345EFGH")
        assert (
            access_codes.derived_code_matching(
                purpose="p", secret="s", number=NUMBER, stored_hash=other
            )
            is None
        )
    with rotated():
        assert (
            access_codes.derived_code_matching(
                purpose="p", secret="s", number=NUMBER, stored_hash=stored
            )
            is None
        )


def test_sealed_values_open_only_for_their_purpose_within_their_lifetime():
    token = keys.seal("receipt", b"secret")
    assert b"secret" not in token.encode()
    assert keys.unseal("receipt", token, ttl=60) == b"secret"
    assert keys.unseal("talon", token, ttl=60) is None
    assert keys.unseal("receipt", token[:-2] + "AA", ttl=60) is None
    assert keys.unseal("receipt", "not a token", ttl=60) is None
    with mock.patch("time.time", return_value=__import__("time").time() + 61):
        assert keys.unseal("receipt", token, ttl=60) is None
    with rotated(keys.current_key()):
        assert keys.unseal("receipt", token, ttl=60) == b"secret"
    with rotated():
        assert keys.unseal("receipt", token, ttl=60) is None


@pytest.mark.parametrize("secure", [True, False])
def test_sealed_cookie_is_httponly_lax_secure_per_settings_and_scoped(settings, secure):
    settings.SECURE_COOKIES = secure
    response = HttpResponse()
    sealed_cookie_set(
        response,
        purpose="p",
        payload={"code": "ABCD2345EFGH"},
        places={"c_en": "/en/page/", "c_ru": "/ru/page/"},
        max_age=900,
    )
    cookie = response.cookies["c_en"]
    assert (cookie["path"], cookie["max-age"], cookie["httponly"], cookie["samesite"]) == (
        "/en/page/",
        900,
        True,
        "Lax",
    )
    assert bool(cookie["secure"]) is secure
    assert response.cookies["c_ru"]["path"] == "/ru/page/"
    assert "ABCD2345EFGH" not in cookie.value
    request = RequestFactory().get("/en/page/")
    request.COOKIES["c_en"] = cookie.value
    assert sealed_cookie_get(request, purpose="p", name="c_en", max_age=900) == {
        "code": "ABCD2345EFGH"
    }
    assert sealed_cookie_get(request, purpose="other", name="c_en", max_age=900) is None
    assert sealed_cookie_get(request, purpose="p", name="missing", max_age=900) is None


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({}, "['prod-key'] [] []"),
        (
            {"DJANGO_SECRET_KEY_FALLBACKS": "old-1,old-2"},
            "['prod-key', 'old-1', 'old-2'] ['old-1', 'old-2'] ['old-1', 'old-2']",
        ),
        (
            {"PORTAL_SECRETS_KEY": "portal-key", "PORTAL_SECRETS_KEY_FALLBACKS": "p-old"},
            "['portal-key', 'p-old'] ['p-old'] []",
        ),
    ],
)
def test_rotation_settings_come_from_the_environment(extra, expected):
    """A fresh interpreter with a production-like environment: the keys the portal accepts."""
    from pkop_portal.tests.test_settings import PROD_ENV, run_manage

    script = (
        "from django.conf import settings; from pkop_portal import keys; "
        "print(keys.all_keys(), settings.PORTAL_SECRETS_KEY_FALLBACKS, "
        "settings.SECRET_KEY_FALLBACKS)"
    )
    # Empty means unset (settings drop empty variables): nothing leaks in from this shell.
    unset = {"PORTAL_SECRETS_KEY": "", "PORTAL_SECRETS_KEY_FALLBACKS": ""}
    env = {**PROD_ENV, **unset, "DJANGO_SECRET_KEY": "prod-key", **extra}
    done = run_manage("shell", "--no-imports", "-c", script, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == expected
