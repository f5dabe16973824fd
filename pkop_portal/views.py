"""Site pages (home, procedure, contacts, personal data), the health endpoint and error pages."""

import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from pkop_portal.selectors import hotline_line_list_public
from pkop_portal.services_catalogue import SERVICES


@require_safe
def home(request):
    return render(
        request,
        "pages/home.html",
        {"services": SERVICES, "lines": hotline_line_list_public()},
    )


@require_safe
def procedure(request):
    return render(request, "pages/procedure.html")


@require_safe
def contacts(request):
    return render(request, "pages/contacts.html", {"lines": hotline_line_list_public()})


@require_safe
def privacy(request):
    return render(request, "pages/privacy.html")


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _check_cache() -> str:
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


def _check_broker() -> str:
    from kombu import Connection

    url = settings.CELERY_BROKER_URL
    if not url:
        return "not configured"
    with Connection(url, connect_timeout=2, transport_options={"socket_timeout": 2}) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, timeout=3)
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


def rate_limited(request, exception=None):
    """Translated 429 page for every rate-limited public form."""
    return render(request, "429.html", status=429)


def csrf_failure(request, reason=""):
    """Translated page for a form sent without a valid CSRF token (expired page, cookies off)."""
    return render(request, "403_csrf.html", status=403)
