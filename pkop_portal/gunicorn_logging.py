"""Gunicorn's access log without the hotline reporters (Policy No. 00-02).

The default access log line carries the client address (%(h)s), the user agent (%(a)s), the
referrer (%(f)s), the query string and any request header or environ variable a custom format
asks for ({x-forwarded-for}i, {remote_addr}e, ...). For requests under /<lang>/hotline/ (any
language prefix) `PrivacyLogger` replaces all of these with "-", so the log keeps the time,
the method, the path, the status, the size and the duration only. Use it with
`gunicorn --logger-class pkop_portal.gunicorn_logging.PrivacyLogger` (see Procfile).
"""

import re

from gunicorn.glogging import Logger

# /<lang>/hotline, /<lang>/hotline/..., also without a language prefix.
HOTLINE_PATH = re.compile(r"^/+(?:[A-Za-z]{2}(?:[-_][A-Za-z]+)?/+)?hotline(?:/|$)")
REDACTED = "-"
# Atoms that identify the client or carry what the client sent.
CLIENT_ATOMS = ("h", "a", "f", "q", "u")


def is_hotline_path(path: str | None) -> bool:
    return bool(path) and bool(HOTLINE_PATH.match(path))


class PrivacyLogger(Logger):
    """gunicorn.glogging.Logger whose access-log atoms name no hotline reporter."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        path = environ.get("PATH_INFO") or ""
        raw = environ.get("RAW_URI") or ""
        if not (is_hotline_path(path) or is_hotline_path(raw.split("?", 1)[0])):
            return atoms
        for name in CLIENT_ATOMS:
            atoms[name] = REDACTED
        # Every request header ({...}i) and environ variable ({...}e): X-Forwarded-For,
        # X-Real-IP, Cookie, REMOTE_ADDR, HTTP_USER_AGENT, QUERY_STRING, ...
        for name in list(atoms):
            if name.startswith("{") and (name.endswith("}i") or name.endswith("}e")):
                atoms[name] = REDACTED
        atoms["r"] = "{} {} {}".format(
            environ.get("REQUEST_METHOD", REDACTED),
            path or raw.split("?", 1)[0],
            environ.get("SERVER_PROTOCOL", REDACTED),
        )
        return atoms
