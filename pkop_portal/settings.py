"""Settings for the PKOP Citizen Portal, driven by environment variables (django-environ).

Every variable is listed with its default and purpose in `.env.example`. Local defaults are
safe; production secrets have no default and the portal refuses to start without them.
"""

import os
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A developer's `.env` (created by `make run` from `.env.example`) never overrides real variables.
if (BASE_DIR / ".env").is_file() and not env.bool("DJANGO_IGNORE_DOTENV", default=False):
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# An empty variable means "use the default", as if it were not set at all.
_OWN_PREFIXES = ("DJANGO_", "DATABASE_", "REDIS_", "CACHE_", "CELERY_", "EMAIL_", "AXES_")
_OWN_PREFIXES += ("SMS_", "DEFAULT_FROM", "NOTIFICATIONS_", "PORTAL_", "APPEALS_", "RECEPTION_")
_OWN_PREFIXES += ("CHARITY_",)
_OWN_PREFIXES += ("HOTLINE_",)
_OWN_PREFIXES += ("REFDATA_", "EXPORT_")
_OWN_PREFIXES += ("TRACKING_",)
for _name in [k for k, v in os.environ.items() if v == "" and k.startswith(_OWN_PREFIXES)]:
    del os.environ[_name]

DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
if DEBUG:
    SECRET_KEY = SECRET_KEY or "django-insecure-local-development-key-not-for-production"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]
else:
    required = {"DJANGO_SECRET_KEY": SECRET_KEY, "DJANGO_ALLOWED_HOSTS": ALLOWED_HOSTS}
    missing = [name for name, value in required.items() if not value]
    if missing:
        raise ImproperlyConfigured(
            "DJANGO_DEBUG is false, so these variables must be set: " + ", ".join(missing)
        )
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# Older secret keys still accepted for Django's signatures (sessions, password reset) after a
# rotation; comma-separated.
SECRET_KEY_FALLBACKS = env.list("DJANGO_SECRET_KEY_FALLBACKS", default=[])
# Key of the portal's own secrets (pkop_portal.keys: access-code hashes, manage links, sealed
# receipt cookies) and the older keys still accepted for them; rotate as SECRET_KEY.
PORTAL_SECRETS_KEY = env.str("PORTAL_SECRETS_KEY", default=SECRET_KEY)
PORTAL_SECRETS_KEY_FALLBACKS = env.list(
    "PORTAL_SECRETS_KEY_FALLBACKS", default=SECRET_KEY_FALLBACKS
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "phonenumber_field",
    "csp",
    "axes",
    "django_ratelimit",
    "pkop_portal.apps.PkopPortalConfig",
    "appeals.apps.AppealsConfig",
    "reception.apps.ReceptionConfig",
    "charity.apps.CharityConfig",
    "hotline.apps.HotlineConfig",
    "notifications.apps.NotificationsConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Must stay last: it turns axes' lockout signal into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pkop_portal.urls"
WSGI_APPLICATION = "pkop_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pkop_portal.context_processors.site",
            ],
        },
    },
]

# --- Database and cache -------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# No server-side cursors: safe behind a transaction-pooling PgBouncer; large reads page by key.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
CACHES = {
    "default": env.cache_url(
        "CACHE_URL",
        default=REDIS_URL or "locmemcache://pkop-portal",
    )
}
# Production runs the cache and the Celery broker on one Redis, and neither may fail a request.
# The cache holds only what may be lost (rate-limit counters, health probes): sessions and the
# admin lock-outs live in the database. A Redis cache is pkop_portal.cache.FailSoftRedisCache:
# a dead Redis answers "empty" within these timeouts (seconds), then is skipped for the cooldown.
if "redis" in CACHES["default"]["BACKEND"].lower():
    CACHES["default"]["BACKEND"] = "pkop_portal.cache.FailSoftRedisCache"
    CACHES["default"]["OPTIONS"] = {
        "socket_connect_timeout": env.float("CACHE_CONNECT_TIMEOUT", default=0.3),
        "socket_timeout": env.float("CACHE_SOCKET_TIMEOUT", default=0.5),
        **CACHES["default"].get("OPTIONS", {}),
    }
    CACHES["default"]["OUTAGE_COOLDOWN"] = env.float("CACHE_OUTAGE_COOLDOWN", default=5.0)
SESSION_ENGINE = "django.contrib.sessions.backends.db"  # never the cache: see above

# --- Authentication and brute-force protection (django-axes) ------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "axes_lockout.html"
# Trusted reverse proxies in front of gunicorn: pkop_portal.clientip reads exactly this many
# X-Forwarded-For hops (0: the header is ignored). Axes counts failures per that client IP.
PROXY_COUNT = env.int("DJANGO_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "pkop_portal.clientip.client_ip"
# Lock-outs are counted in the database (axes' default handler), so a Redis outage neither
# unlocks an account nor fails a login.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "kk"
LANGUAGES = [
    ("kk", _("Kazakh")),
    ("ru", _("Russian")),
    ("en", _("English")),
    ("zh-hans", _("Chinese")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# Our date and time formats first (dd.mm.yyyy, 24-hour clock in every language:
# pkop_portal/locale_formats/), then Django's locale formats for anything they do not set.
FORMAT_MODULE_PATH = ["pkop_portal.locale_formats"]
TIME_ZONE = "Asia/Almaty"
USE_TZ = True
PHONENUMBER_DEFAULT_REGION = "KZ"
PHONENUMBER_DEFAULT_FORMAT = "E164"

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security --------------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers probe the health endpoint over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
# Secure cookies everywhere but a developer's http://127.0.0.1 (and loopback benchmarks).
SECURE_COOKIES = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = SECURE_COOKIES
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "pkop_portal.views.csrf_failure"
SECURE_REFERRER_POLICY = "same-origin"

# django-csp 4: no inline script or style anywhere; everything comes from our own origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- E-mail and SMS --------------------------------------------------------------------------
EMAIL_BACKEND = env.str(
    "DJANGO_EMAIL_BACKEND",
    default=(
        "django.core.mail.backends.console.EmailBackend"
        if DEBUG
        else "django.core.mail.backends.smtp.EmailBackend"
    ),
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)  # seconds per SMTP socket call
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="PKOP Citizen Portal <noreply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_FILE_PATH = env.path("EMAIL_FILE_PATH", default=BASE_DIR / "tmp" / "mail")
SMS_BACKEND = env.str("SMS_BACKEND", default="console")
SMS_GATEWAY_URL = env.str("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_LOGIN = env.str("SMS_GATEWAY_LOGIN", default="")
SMS_GATEWAY_PASSWORD = env.str("SMS_GATEWAY_PASSWORD", default="")
SMS_SENDER_NAME = env.str("SMS_SENDER_NAME", default="PKOP")
SMS_GATEWAY_FORMAT = env.str("SMS_GATEWAY_FORMAT", default="json")  # json | form
SMS_GATEWAY_TIMEOUT = env.float("SMS_GATEWAY_TIMEOUT", default=10.0)

# --- Notification outbox ----------------------------------------------------------------------
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=8)
NOTIFICATIONS_RETRY_BASE_SECONDS = env.int("NOTIFICATIONS_RETRY_BASE_SECONDS", default=30)
NOTIFICATIONS_RETRY_MAX_SECONDS = env.int("NOTIFICATIONS_RETRY_MAX_SECONDS", default=3600)
NOTIFICATIONS_FLUSH_GRACE_SECONDS = env.int("NOTIFICATIONS_FLUSH_GRACE_SECONDS", default=60)
# Delivery after a crash, within 2 minutes. A deliver task commits its row as "sending" before
# it sends. Celery's soft time limit interrupts a slow send (the row goes back to pending for a
# retry) and the hard limit kills the worker process, so a row still "sending" after the hard
# limit belongs to a dead worker. Once it is older than NOTIFICATIONS_SENDING_TIMEOUT (the hard
# limit plus a margin for clock skew between hosts) the flush job, run every
# NOTIFICATIONS_FLUSH_SECONDS, makes it pending and queues it: at most 75 + 30 = 105 s after the
# crash. A live send is never taken over: each SMTP or SMS socket call times out
# (EMAIL_TIMEOUT, SMS_GATEWAY_TIMEOUT) before the soft limit, and the soft limit before the hard.
# A repeat after such a crash carries the same Message-ID (see notifications.services).
NOTIFICATIONS_DELIVER_SOFT_TIME_LIMIT = env.int("NOTIFICATIONS_DELIVER_SOFT_TIME_LIMIT", default=45)
NOTIFICATIONS_DELIVER_TIME_LIMIT = env.int("NOTIFICATIONS_DELIVER_TIME_LIMIT", default=60)
NOTIFICATIONS_SENDING_TIMEOUT = env.int("NOTIFICATIONS_SENDING_TIMEOUT", default=75)
NOTIFICATIONS_FLUSH_SECONDS = env.int("NOTIFICATIONS_FLUSH_SECONDS", default=30)
if not (
    max(EMAIL_TIMEOUT, SMS_GATEWAY_TIMEOUT)
    < NOTIFICATIONS_DELIVER_SOFT_TIME_LIMIT
    < NOTIFICATIONS_DELIVER_TIME_LIMIT
    < NOTIFICATIONS_SENDING_TIMEOUT
):
    raise ImproperlyConfigured(
        "Delivery timeouts must grow: EMAIL_TIMEOUT and SMS_GATEWAY_TIMEOUT < "
        "NOTIFICATIONS_DELIVER_SOFT_TIME_LIMIT < NOTIFICATIONS_DELIVER_TIME_LIMIT < "
        "NOTIFICATIONS_SENDING_TIMEOUT"
    )

# --- Celery -----------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
# Without a broker (a laptop running `make run`) tasks run inline in the web process.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request that queues a task must not hang on a dead broker: one quick try (a refused
# connection fails at once, an unreachable host after the connect timeout, a hung Redis after the
# socket timeout, which must stay above the worker's 1 s BRPOP), then the outbox row waits for
# the flush job, and notifications.services skips the broker for a while (see outages.Breaker).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": env.float("CELERY_BROKER_CONNECT_TIMEOUT", default=1.0),
    "socket_timeout": env.float("CELERY_BROKER_SOCKET_TIMEOUT", default=2.0),
    "max_retries": 0,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
# Delivery is idempotent (row lock + status), so a task is acknowledged only after it ran and
# is redelivered if its worker dies; one message at a time per process keeps that cheap.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A worker that lost its broker keeps reconnecting however long the outage lasts (Celery's
# default gives up after 100 tries, about 45 minutes), and a task running when the connection
# drops is cancelled and redelivered: delivery is idempotent, and this is Celery 6's default.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=90)
CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = 3600
# Every periodic job of the portal, in one place.
CELERY_BEAT_SCHEDULE = {
    "notifications-flush-outbox": {
        "task": "notifications.flush_outbox",
        "schedule": float(NOTIFICATIONS_FLUSH_SECONDS),
    },
    "portal-clear-sessions": {
        "task": "pkop_portal.clear_sessions",
        "schedule": crontab(hour=3, minute=40),  # Asia/Almaty, the quietest hour
    },
    "reception-reminders": {"task": "reception.send_reminders", "schedule": 300.0},
    "reception-generate-slots": {
        "task": "reception.generate_slots",
        "schedule": crontab(hour=0, minute=15),
    },
    "appeals-deadline-warnings": {
        "task": "appeals.send_deadline_warnings",
        "schedule": crontab(hour=8, minute=30),  # Asia/Almaty, before the working day
    },
    "hotline-deadline-reminders": {
        "task": "hotline.send_deadline_reminders",
        "schedule": crontab(hour=8, minute=35),  # Asia/Almaty, before the working day
    },
    "hotline-anonymise-expired": {
        "task": "hotline.anonymise_expired",
        "schedule": crontab(hour=3, minute=50),  # Asia/Almaty, the quietest hour
    },
}

# --- Logging ----------------------------------------------------------------------------------
LOG_LEVEL = env.str("DJANGO_LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "pkop_portal": {"level": LOG_LEVEL},
        "appeals": {"level": LOG_LEVEL},
        "reception": {"level": LOG_LEVEL},
        "charity": {"level": LOG_LEVEL},
        "hotline": {"level": LOG_LEVEL},
        "notifications": {"level": LOG_LEVEL},
        # Configuring "django" drops the handlers Django adds by default (its own console one
        # repeated every INFO line in debug; mail_admins has no ADMINS): records reach the root.
        "django": {"level": "INFO"},
        "django.request": {"level": "ERROR"},
    },
}

# --- Appeals ---------------------------------------------------------------------------------
APPEALS_MAX_FILES = env.int("APPEALS_MAX_FILES", default=5)
APPEALS_MAX_FILE_MB = env.int("APPEALS_MAX_FILE_MB", default=10)
# Rate limits of the public forms, per client IP ("count/period": s, m, h or d).
APPEALS_SUBMIT_RATE = env.str("APPEALS_SUBMIT_RATE", default="5/h")
# Forms sent back with errors count apart, against a 10x rate: a typo never locks anyone out
# (pkop_portal.ratelimits.form_limit); the rates above count only accepted submissions.
APPEALS_SUBMIT_REJECTED_RATE = env.str("APPEALS_SUBMIT_REJECTED_RATE", default="50/h")
APPEALS_TRACK_FAILURE_RATE = env.str("APPEALS_TRACK_FAILURE_RATE", default="10/h")
APPEALS_MESSAGE_RATE = env.str("APPEALS_MESSAGE_RATE", default="20/h")
# Requests for a new access code (the lost-code page), matched or not.
APPEALS_CODE_RESEND_RATE = env.str("APPEALS_CODE_RESEND_RATE", default="5/h")
# Lost-code forms (appeals and charity) sent back with errors.
APPEALS_CODE_RESEND_REJECTED_RATE = env.str("APPEALS_CODE_RESEND_REJECTED_RATE", default="50/h")
# A browser following appeals or charity requests forgets them after this many seconds
# without opening one (a shared computer); "Finish and leave" forgets them at once.
TRACKING_IDLE_SECONDS = env.int("TRACKING_IDLE_SECONDS", default=3600)
# How long the receipt (talon) with the access code can be reloaded in the same browser; the
# code is kept only in an encrypted cookie of the receipt page, never on the server.
APPEALS_RECEIPT_SECONDS = env.int("APPEALS_RECEIPT_SECONDS", default=1200)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FILES = 10
RATELIMIT_VIEW = "pkop_portal.views.rate_limited"
# Every "ip" rate-limit key is the client behind the proxies (pkop_portal.clientip), and a cache
# that does not answer lets the request through: a Redis outage must never fail a form.
RATELIMIT_IP_META_KEY = "pkop_portal.ratelimits.ratelimit_ip"
RATELIMIT_FAIL_OPEN = True
# Our own check (pkop_portal.E003) requires a shared Redis cache in production; the library's
# check does not know Django's built-in Redis cache, nor that one process may use local memory.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# --- Charitable and social assistance --------------------------------------------------------
# Documents attached to one application (all checklist inputs together; Django itself refuses
# more than DATA_UPLOAD_MAX_NUMBER_FILES per request) and the size of each in MB.
CHARITY_MAX_FILES = env.int("CHARITY_MAX_FILES", default=10)
CHARITY_MAX_FILE_MB = env.int("CHARITY_MAX_FILE_MB", default=10)
# Requests for assistance one client IP may make ("count/period"): only requests actually
# created count, so a form sent back with errors never locks anyone out.
CHARITY_SUBMIT_RATE = env.str("CHARITY_SUBMIT_RATE", default="5/h")
# Application forms sent back with errors, counted apart (pkop_portal.ratelimits.form_limit).
CHARITY_SUBMIT_REJECTED_RATE = env.str("CHARITY_SUBMIT_REJECTED_RATE", default="50/h")
# Requests for a new access code to a charity request (the lost-code page), matched or not.
CHARITY_CODE_RESEND_RATE = env.str("CHARITY_CODE_RESEND_RATE", default="5/h")

# --- Hotline (Policy No. 00-02) -------------------------------------------------------------
# Fernet keys (comma-separated, first = current) encrypting reporters' identities and notice
# e-mails (hotline.crypto). Rotate: put a new key first, run `manage.py hotline_rotate_keys`,
# then drop the old key. Empty: a key derived from SECRET_KEY, for development and tests only
# (`check --deploy` refuses it: hotline.E001).
HOTLINE_IDENTITY_KEYS = env.list("HOTLINE_IDENTITY_KEYS", default=[])
HOTLINE_MAX_FILES = env.int("HOTLINE_MAX_FILES", default=5)
HOTLINE_MAX_FILE_MB = env.int("HOTLINE_MAX_FILE_MB", default=10)
# Per client IP, counted in the cache only (a hash of the IP, for the period, never in a row or
# a log): reports actually created; follow-up pages opened with a wrong receipt; messages and
# files sent from the follow-up page.
HOTLINE_SUBMIT_RATE = env.str("HOTLINE_SUBMIT_RATE", default="5/h")
HOTLINE_FOLLOW_UP_FAILURE_RATE = env.str("HOTLINE_FOLLOW_UP_FAILURE_RATE", default="10/h")
HOTLINE_MESSAGE_RATE = env.str("HOTLINE_MESSAGE_RATE", default="20/h")
# Report forms sent back with errors (checked before the form is, against scripted floods).
HOTLINE_SUBMIT_REJECTED_RATE = env.str("HOTLINE_SUBMIT_REJECTED_RATE", default="50/h")
# Closed reports are anonymised this many years after closing, unless under legal hold
# (hotline.services.retention, daily).
HOTLINE_RETENTION_YEARS = env.int("HOTLINE_RETENTION_YEARS", default=5)

# --- Personal reception ----------------------------------------------------------------------
# Booking window in Asia/Almaty calendar days: 1 = no same-day bookings; horizon 30 days ahead.
RECEPTION_MIN_NOTICE_DAYS = env.int("RECEPTION_MIN_NOTICE_DAYS", default=1)
RECEPTION_HORIZON_DAYS = env.int("RECEPTION_HORIZON_DAYS", default=30)
# Active bookings one citizen (IIN) may hold in total (one per manager is always the limit).
RECEPTION_MAX_ACTIVE_PER_CITIZEN = env.int("RECEPTION_MAX_ACTIVE_PER_CITIZEN", default=2)
# Citizens may cancel or move a visit online until this many hours before it, at most N moves.
RECEPTION_CHANGE_HOURS_BEFORE = env.int("RECEPTION_CHANGE_HOURS_BEFORE", default=2)
RECEPTION_MAX_RESCHEDULES = env.int("RECEPTION_MAX_RESCHEDULES", default=2)
# Online booking closes for a citizen after this many no-shows (0 = never).
RECEPTION_NO_SHOW_BLOCK = env.int("RECEPTION_NO_SHOW_BLOCK", default=0)
# Reminders this many hours before a visit (each sent at most once per booking version).
RECEPTION_REMINDER_HOURS = env.list("RECEPTION_REMINDER_HOURS", cast=int, default=[24, 2])
# Booking and manage-link requests per client IP.
RECEPTION_FORM_RATE = env.str("RECEPTION_FORM_RATE", default="20/h")
# Booking forms sent back with errors (bookings made count against RECEPTION_FORM_RATE).
RECEPTION_BOOK_REJECTED_RATE = env.str("RECEPTION_BOOK_REJECTED_RATE", default="200/h")

# --- Portal ----------------------------------------------------------------------------------
PORTAL_NAME = _("PKOP Citizen Portal")
# Public address of the portal, used for links in e-mails and SMS.
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000")
# Demo superuser created by `make run` (manage.py load_demo); empty means a random password.
DEMO_ADMIN_USERNAME = env.str("DJANGO_DEMO_ADMIN_USERNAME", default="admin")
DEMO_ADMIN_PASSWORD = env.str("DJANGO_DEMO_ADMIN_PASSWORD", default="")
# Reception hours used for the registration date of appeals (APPK Art. 64), local time.
WORKING_HOURS_START = "09:00"
WORKING_HOURS_END = "18:00"

# --- Performance (issue 11) ------------------------------------------------------------------
# perf-submission: begin
# Reference data kept in each process (pkop_portal.refdata: consent texts, categories, calendar
# overrides, hotline lines, rendered form pages). Seconds between two reads of the shared version
# key (how late another process sees an edit); how long data is kept while Redis is down; and the
# age after which it is read again anyway (edits that send no signal).
REFDATA_CHECK_SECONDS = env.float("REFDATA_CHECK_SECONDS", default=2.0)
REFDATA_OUTAGE_TTL = env.float("REFDATA_OUTAGE_TTL", default=10.0)
REFDATA_MAX_AGE = env.float("REFDATA_MAX_AGE", default=300.0)
# perf-submission: end
# perf-notifications: begin
# Celery's Django fix-up closes the database connection before and after every task (a new
# PostgreSQL backend, with cold caches, per task) unless this is set; pkop_portal.celery applies
# Django's own rules instead (CONN_MAX_AGE, CONN_HEALTH_CHECKS), as in a web process.
CELERY_DB_REUSE_MAX = 2**31
# Where a web process publishes the delivery tasks of the outbox rows it committed: true, a
# background thread of the process (notifications.publisher; the request does not wait on
# the broker); false, inside the request after commit. Without a broker tasks run inline anyway.
NOTIFICATIONS_PUBLISH_IN_BACKGROUND = env.bool("NOTIFICATIONS_PUBLISH_IN_BACKGROUND", default=True)
# Hand-offs waiting for that thread, at most; beyond, the rows wait for the outbox flush.
NOTIFICATIONS_PUBLISH_QUEUE_SIZE = env.int("NOTIFICATIONS_PUBLISH_QUEUE_SIZE", default=10000)
# Outbox rows per delivery task when a backlog is queued at once (the flush, a busy publisher).
NOTIFICATIONS_DELIVER_BATCH = env.int("NOTIFICATIONS_DELIVER_BATCH", default=10)
# perf-notifications: end
# perf-exports: begin
# Hours a background export's file (XLSX) is kept for download before beat deletes it.
EXPORT_KEEP_HOURS = env.int("EXPORT_KEEP_HOURS", default=24)
# Time limits in seconds (soft, hard) of building one export file: 100,000 rows take minutes,
# far beyond the other tasks' limits; keep them below the broker's visibility timeout.
EXPORT_TASK_SOFT_TIME_LIMIT = env.int("EXPORT_TASK_SOFT_TIME_LIMIT", default=1800)
EXPORT_TASK_TIME_LIMIT = env.int("EXPORT_TASK_TIME_LIMIT", default=1860)
# The export tasks live in pkop_portal.exports, not in a tasks module autodiscovery finds.
CELERY_IMPORTS = [*globals().get("CELERY_IMPORTS", []), "pkop_portal.exports"]
CELERY_BEAT_SCHEDULE["portal-expire-exports"] = {
    "task": "pkop_portal.expire_exports",
    "schedule": crontab(minute=25),  # hourly
}
# perf-exports: end
