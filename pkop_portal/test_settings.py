"""Test settings: only what tests need differs from production settings."""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key-only-for-the-test-suite-0123456789")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("DJANGO_IGNORE_DOTENV", "true")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")

from pkop_portal.settings import *  # noqa: E402,F403
from pkop_portal.settings import CELERY_BROKER_URL  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Whatever a test stores on disk (a FileSystemStorage it switches to, a command it runs) lands
# in a directory of this test session, removed when the session ends, never in the
# repository's media/.
MEDIA_ROOT = tempfile.mkdtemp(prefix="pkop-test-media-")
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Unit tests run tasks inline; broker and worker tests configure their own app explicitly.
CELERY_TASK_ALWAYS_EAGER = True
TEST_BROKER_URL = CELERY_BROKER_URL
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
TEST_REDIS_URL = os.environ.get("REDIS_URL", "")
SMS_BACKEND = "locmem"
PORTAL_BASE_URL = "https://appeals.example.kz"
# Tests seed the Compliance groups directly outside a request (hotline.guards; a test opts
# in to the guard with guards.enforced()), and may use the identity key derived from SECRET_KEY
# (hotline.crypto).
HOTLINE_TRUST_SETUP_CODE = True
HOTLINE_DEV_KEY_ALLOWED = True
