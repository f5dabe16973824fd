"""Short-lived encrypted cookies that carry a secret to one page of one browser.

A receipt that shows a secret (an access code) must survive a reload for a while, yet the
secret must not be kept on the server (no session row, no cache entry). The page's own cookie
carries it instead: sealed with the rotating keys of `pkop_portal.keys` (encrypted and
authenticated, with its sealing time inside, so it expires on the server's clock whatever the
browser does), HttpOnly, SameSite=Lax, Secure as the site's cookies are, and with a path that
sends it only to the page that shows it. A cookie name holds one path, so a page reachable
under several paths (one per language) gets one cookie per path.
"""

import json

from django.conf import settings

from pkop_portal import keys


def sealed_cookie_set(
    response, *, purpose: str, payload: dict, places: dict[str, str], max_age: int
) -> None:
    """Set `payload` (JSON primitives) sealed for `purpose` as cookie `name` on `path` for each
    (name, path) of `places`, valid for `max_age` seconds."""
    value = keys.seal(purpose, json.dumps(payload, separators=(",", ":")).encode())
    for name, path in places.items():
        response.set_cookie(
            name,
            value,
            max_age=max_age,
            path=path,
            secure=settings.SECURE_COOKIES,
            httponly=True,
            samesite="Lax",
        )


def sealed_cookie_get(request, *, purpose: str, name: str, max_age: int) -> dict | None:
    """The payload of cookie `name` if it was sealed for `purpose` at most `max_age` seconds
    ago; None if it is missing, expired, forged or altered."""
    token = request.COOKIES.get(name)
    if not token:
        return None
    data = keys.unseal(purpose, token, ttl=max_age)
    if data is None:
        return None
    try:
        payload = json.loads(data)
    except ValueError:
        return None
    return payload if isinstance(payload, dict) else None
