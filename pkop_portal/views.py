"""Site pages (home, procedure, contacts, personal data), the health endpoint and error pages."""

import secrets

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from pkop_portal import refdata
from pkop_portal.ratelimits import wait_text
from pkop_portal.services_catalogue import SERVICES


@require_safe
def home(request):
    return render(
        request,
        "pages/home.html",
        {"services": SERVICES, "lines": refdata.hotline_lines()},
    )


@require_safe
def procedure(request):
    return render(request, "pages/procedure.html")


@require_safe
def contacts(request):
    return render(request, "pages/contacts.html", {"lines": refdata.hotline_lines()})


@require_safe
def privacy(request):
    return render(request, "pages/privacy.html")


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _check_cache() -> str:
    # The portal's Redis cache hides outages from requests; the probe asks Redis itself.
    if hasattr(cache, "ping"):
        cache.ping()
    # A key per probe: concurrent probes must not overwrite each other's value.
    token = secrets.token_hex(8)
    key = f"healthz:probe:{token}"
    cache.set(key, token, timeout=10)
    try:
        if cache.get(key) != token:
            raise RuntimeError("cache did not return the value just written")
    finally:
        cache.delete(key)
    return "ok"


# Broker clients of this process, by URL, kept between probes: a probe every second must not
# open (and leave in TIME_WAIT) a connection every second. A Redis client's pool reconnects by
# itself after a failure and after a fork.
_broker_clients: dict[str, object] = {}


def _broker_client(url: str):
    client = _broker_clients.get(url)
    if client is None:
        import redis  # deferred: only processes that answer probes with a broker need it
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        # One try with short timeouts: a load balancer's probe must get its 503 in about a
        # second; the client name lets an operator see these connections in CLIENT LIST.
        client = redis.Redis.from_url(
            url,
            socket_connect_timeout=1,
            socket_timeout=1,
            retry=Retry(NoBackoff(), 0),
            client_name="pkop-healthz",
        )
        _broker_clients[url] = client
    return client


def _check_broker() -> str:
    url = settings.CELERY_BROKER_URL
    if not url:
        return "not configured"
    if url.split("://", 1)[0] in ("redis", "rediss"):
        _broker_client(url).ping()
        return "ok"
    from kombu import Connection  # another transport: a connection per probe, as before

    with Connection(url, connect_timeout=1, transport_options={"socket_timeout": 1}) as conn:
        conn.ensure_connection(max_retries=0, timeout=1)
    return "ok"


@never_cache
@require_safe
def healthz(request):
    """State of every dependency: 200 when all configured ones answer, 503 otherwise."""
    result = {}
    healthy = True
    for name, check in (
        ("database", _check_database),
        ("cache", _check_cache),
        ("broker", _check_broker),
    ):
        try:
            result[name] = check()
        except Exception as exc:  # any failure of a dependency is a 503, never a 500
            healthy = False
            result[name] = f"error: {exc.__class__.__name__}"
    result["status"] = "ok" if healthy else "unavailable"
    return JsonResponse(result, status=200 if healthy else 503)


def server_error(request):
    """500 page rendered without the context processors, which may be what failed."""
    from django.http import HttpResponseServerError
    from django.template import loader

    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"request": None}))


# Requests refused before any view could read them (Django raises these while parsing the body).
_TOO_LARGE_MESSAGES = {
    RequestDataTooBig: _(
        "The form you sent was too large to be accepted. Shorten the text and send it again."
    ),
    TooManyFilesSent: _(
        "Too many files were sent with the form. Choose fewer files and send it again."
    ),
    TooManyFieldsSent: _(
        "The form had too many fields to be accepted. Reload the page and send it again."
    ),
}


def bad_request(request, exception=None):
    """Translated 400 page (handler400), in the site layout: a request body over the upload
    limits gets a message saying what to change, with 413 for an over-large body."""
    message = _TOO_LARGE_MESSAGES.get(type(exception)) or _(
        "The request could not be understood. Go back, reload the page and try again."
    )
    status = 413 if isinstance(exception, RequestDataTooBig) else 400
    return render(request, "400.html", {"message": message}, status=status)


def rate_limited(request, exception=None, *, wait: int = 0):
    """Translated 429 page for every rate-limited public form, saying when to try again (also
    in Retry-After): `wait` seconds, else those the last counting of the request found."""
    wait = wait or getattr(request, "ratelimit_wait", 0)
    context = {"wait": wait_text(wait) if wait else ""}
    response = render(request, "429.html", context, status=429)
    if wait:
        response["Retry-After"] = str(wait)
    return response


def csrf_failure(request, reason=""):
    """Translated page for a form sent without a valid CSRF token (expired page, cookies off)."""
    return render(request, "403_csrf.html", status=403)
