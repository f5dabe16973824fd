"""The empty page of a public form, rendered once per language and served to every visitor.

A public form page (GET, nothing typed yet) differs between requests only in its CSRF token
and its one-time form key. `form_page` renders it once per (page, language, path) with
placeholders in those two places, keeps the HTML with the reference data it was built from
(pkop_portal.refdata.memo: a new consent text, category or hotline line builds it again),
and gives each request the kept HTML with its own token and key: no template rendering and
no database query for a warm page.

Rendered as usual instead, and not kept, when the request has a query string (the language
switcher links to the full path) or a pending messages cookie (the layout shows messages).
"""

from collections.abc import Callable

from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import translation

from pkop_portal import refdata
from pkop_portal.forms import new_form_key

# Both match what they stand for (a masked CSRF token: 64 letters; a form key: 16-64 of
# [A-Za-z0-9_-]), so the form renders them like real values, and neither needs escaping.
CSRF_PLACEHOLDER = "pkopCsrfTokenPlaceholder" + "0" * 40
FORM_KEY_PLACEHOLDER = "pkopFormKeyPlaceholder0000000000"


def _cacheable(request) -> bool:
    return not request.META.get("QUERY_STRING") and CookieStorage.cookie_name not in request.COOKIES


def form_page(
    request, *, name: str, template: str, context: Callable[[], dict], status: int = 200
) -> HttpResponse:
    """The page of `template` for `request`, its form empty.

    `context()` builds the template context with FORM_KEY_PLACEHOLDER as the form key's
    initial value (e.g. `Form(initial={"form_key": FORM_KEY_PLACEHOLDER})`); it is called
    only when the page is rendered. `name` tells pages apart in the cache ("appeals.submit").
    The response carries a fresh form key and this request's CSRF token (the CSRF cookie is
    set as `{% csrf_token %}` would)."""
    token = get_token(request)

    def build() -> str:
        values = {**context(), "csrf_token": CSRF_PLACEHOLDER, "messages": ()}
        return render_to_string(template, values, request=request)

    if _cacheable(request):
        key = ("form_page", name, translation.get_language(), request.path)
        html = refdata.memo(key, build)
    else:
        html = build()
    html = html.replace(CSRF_PLACEHOLDER, token).replace(FORM_KEY_PLACEHOLDER, new_form_key())
    return HttpResponse(html, status=status)
