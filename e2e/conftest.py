"""Browser tests: Playwright drives Debian's Chromium (never `playwright install`)."""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from the test
# body are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "e2e" in item.nodeid.split("/")[0]:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but {reason}", pytrace=False)
        pytest.skip(reason)
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def live_server(live_server):
    """pytest-django's live server, whose request threads are joined when it stops.

    Django's threaded server leaves them as daemons: a keep-alive connection Chromium still held
    then ended after the server had stopped, and its thread closed the shared in-memory SQLite
    connection from the wrong thread (a DatabaseError traceback for each connection)."""
    live_server.thread.httpd.daemon_threads = False
    return live_server


@pytest.fixture(scope="session")
def browser(live_server, browser):
    """Chromium, started after the live server and so closed before it stops: the server's
    request threads end with their connections, and stopping the server joins them."""
    return browser


# axe-core's impacts that fail a page: minor and moderate findings are left to review.
AXE_FAILING_IMPACTS = {"critical", "serious"}
# Findings of the site's shell to pass over, as (axe rule, where on the page): none now. The
# footer and language-switcher links, the consent text and the Kazakh header were fixed in
# static/css/portal.css; test_site_shell_of_the_application_passes_axe checks it strictly.
AXE_KNOWN_SHELL_FINDINGS: tuple[tuple[str, str], ...] = ()


def _axe_failures(page, violations, *, known) -> list[str]:
    failures = []
    for violation in violations:
        if violation.get("impact") not in AXE_FAILING_IMPACTS:
            continue
        places = [where for rule, where in known if rule == violation["id"]]
        nodes = [
            ", ".join(node["target"])
            for node in violation["nodes"]
            if not any(
                page.evaluate(
                    "([target, where]) => !!document.querySelector(target)?.matches(where)",
                    [node["target"][-1], where],
                )
                for where in places
            )
        ]
        if nodes:
            failures.append(
                f"{violation['id']} ({violation['impact']}): {violation['help']} at "
                + "; ".join(nodes)
            )
    return failures


@pytest.fixture(scope="session")
def axe_check():
    """check(page, strict=False): axe-core (axe-playwright-python, which bundles it, so nothing
    is fetched) must find no critical or serious violation on the page as shown, apart from
    the known findings of the site's shell above (none at all with strict=True)."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page, *, strict: bool = False) -> None:
        violations = axe.run(page).response["violations"]
        known = () if strict else AXE_KNOWN_SHELL_FINDINGS
        failures = _axe_failures(page, violations, known=known)
        assert not failures, f"axe-core on {page.url}:\n" + "\n".join(failures)

    return check


class Findings:
    """The findings of a test that checks many pages (or languages, or widths), reported
    together at the end instead of stopping at the first page that fails."""

    def __init__(self, axe_check):
        self._axe_check = axe_check
        self.found: list[str] = []

    def axe(self, page, where: str, *, strict: bool = True) -> None:
        """Run `axe_check` on `page` and keep its failure under `where`."""
        try:
            self._axe_check(page, strict=strict)
        except AssertionError as failure:
            self.found.append(f"{where}: {failure}")

    def add(self, finding: str) -> None:
        self.found.append(finding)

    def assert_none(self) -> None:
        assert not self.found, "\n\n".join(self.found)


@pytest.fixture
def findings(axe_check) -> Findings:
    """A `Findings` for this test (axe-core over many pages, every failure reported)."""
    return Findings(axe_check)


@pytest.fixture(autouse=True)
def seeded_reference_data(transactional_db):
    """The rows the data migrations seed (hotline lines, groups, categories, consent texts,
    group permissions, the Compliance groups' hotline rights).

    A transactional test that ran before flushes them, and pytest-django's serialized rollback
    does not restore them for the first live-server test after it; re-seeding is idempotent.
    """
    from importlib import import_module

    from django.apps import apps

    from pkop_portal.models import ConsentText
    from pkop_portal.permissions import grant_group_permissions

    for module in (
        "pkop_portal.migrations.0002_seed_lines_groups_calendar",
        "appeals.migrations.0003_staff_group_permissions",
        # The internal note's right of Registrars, Executors and Heads.
        "appeals.migrations.0008_note_permission",
        "notifications.migrations.0002_staff_group_permissions",
        "reception.migrations.0002_staff_group_permissions",
        "pkop_portal.migrations.0004_seed_consent_texts",
        # The appeal, charity and reception consent texts of version 2026-2.
        "pkop_portal.migrations.0008_consent_texts_2026_2",
        # The document types and per-category checklist, the Charity officer group and the
        # charity permissions of every staff group.
        "charity.migrations.0002_seed_checklist_groups",
    ):
        migration = import_module(module)
        seed = getattr(migration, "seed", None) or migration.grant
        seed(apps, None)
    # The hotline rights of the "Compliance officer" and "Compliance head" groups (its grant()
    # also installs the access log's trigger, which a flush leaves in place: not called here).
    # The hotline consent text is seeded by pkop_portal 0004 above.
    hotline_rights = import_module("hotline.migrations.0002_groups_access_log_append_only")
    grant_group_permissions(apps, "hotline", hotline_rights.GRANTS)
    # appeals.0002 seeds the appeal consent text into a model that has since moved.
    appeal_seed = import_module("appeals.migrations.0002_seed_categories_consent")
    category = apps.get_model("appeals", "Category")
    for position, (slug, kk, ru, en, zh) in enumerate(appeal_seed.CATEGORIES, start=1):
        category.objects.get_or_create(
            slug=slug,
            defaults={
                "name_kk": kk,
                "name_ru": ru,
                "name_en": en,
                "name_zh_hans": zh,
                "position": position,
            },
        )
    ConsentText.objects.get_or_create(
        purpose=ConsentText.Purpose.APPEAL,
        version=appeal_seed.CONSENT["version"],
        defaults=appeal_seed.CONSENT,
    )
