"""The gunicorn access log names no hotline reporter (pkop_portal.gunicorn_logging)."""

import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from pkop_portal.gunicorn_logging import PrivacyLogger

IP, AGENT, REFERER = "203.0.113.77", "Mozilla/5.0 (Reporter Phone)", "https://mail.example/x"


def _atoms(path: str, query: str = "") -> dict:
    cfg = Config()
    cfg.set("accesslog", "-")
    logger = PrivacyLogger(cfg)
    raw = path + (f"?{query}" if query else "")
    environ = {
        "REQUEST_METHOD": "POST",
        "RAW_URI": raw,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": IP,
        "HTTP_USER_AGENT": AGENT,
        "HTTP_REFERER": REFERER,
        "HTTP_X_FORWARDED_FOR": IP,
    }
    req = SimpleNamespace(
        headers=[("USER-AGENT", AGENT), ("REFERER", REFERER), ("X-FORWARDED-FOR", IP)]
    )
    resp = SimpleNamespace(status="200 OK", sent=10, headers=[])
    return logger.atoms(resp, req, environ, datetime.timedelta(seconds=1))


@pytest.mark.parametrize(
    "path", ["/ru/hotline/report/", "/zh-hans/hotline/follow-up/", "/kk/hotline/", "/en/hotline"]
)
def test_hotline_requests_leave_no_client_trace(path):
    atoms = _atoms(path, query="ref=IMG_Ivanov")
    assert atoms["h"] == atoms["a"] == atoms["f"] == atoms["q"] == "-"
    assert atoms["r"] == f"POST {path} HTTP/1.1"
    line = repr(atoms)
    for secret in (IP, AGENT, REFERER, "Ivanov"):
        assert secret not in line
    assert atoms["s"] == "200"


@pytest.mark.parametrize("path", ["/ru/appeals/new/", "/ru/charity/hotline-news/", "/healthz"])
def test_other_requests_keep_the_default_atoms(path):
    atoms = _atoms(path, query="page=2")
    assert atoms["h"] == IP
    assert atoms["a"] == AGENT
    assert atoms["f"] == REFERER
    assert atoms["q"] == "page=2"
    assert atoms["{x-forwarded-for}i"] == IP


def test_procfile_uses_the_privacy_logger():
    procfile = (Path(__file__).resolve().parents[2] / "Procfile").read_text()
    web = next(line for line in procfile.splitlines() if line.startswith("web:"))
    assert "--logger-class pkop_portal.gunicorn_logging.PrivacyLogger" in web
