"""A hotline report, end to end in a real browser: an anonymous reporter on a phone, in Chinese,
reports a bribe with a photo that carries its GPS position and gets a receipt; a Compliance
officer acknowledges the report and asks a question in the admin; the reporter, with nothing
but the receipt (a fresh browser, no cookie), reads the question and answers it; the officer
investigates and concludes, and the reporter reads the conclusion. A superuser outside the
Compliance groups finds nothing of it anywhere in the admin.

Selectors are ids, names and values (or text produced through gettext), never the English
source: the Chinese translation of new strings lands in parallel.
"""

import io
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, User
from django.utils import timezone, translation
from django.utils.translation import gettext
from PIL import ExifTags, Image
from playwright.sync_api import Browser, Page, expect

from hotline import enums
from hotline.models import AccessLog, Report, ReportAttachment, ReportEvent, ReportMessage
from notifications.models import Notification

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LANG = "zh-hans"
PASSWORD = "correct-horse-battery-staple"
PHONE = {"width": 375, "height": 800}
KIND = ReportEvent.Kind
NEW_REPORT = "hotline.new_report"
S = enums.Status
# What the live server sees as the client's address: it must be stored nowhere.
CLIENT_ADDRESSES = ("127.0.0.1", "::1", "localhost")

DESCRIPTION = "仓库主管在三月初收受供应商的现金，以换取优先验收其货物。我亲眼看到了交接。"
QUESTION = "请问您是在哪一天看到现金交接的？当时还有其他人在场吗？"
ANSWER = "是在三月五日下午，在二号仓库旁边。当时没有其他人在场。"
REASONS = "查阅了三月份的验收记录和监控录像，未发现现金交接或优先验收的证据。"


def zh(text) -> str:
    """`text` (a source string or a lazy label) as the Chinese pages show it."""
    with translation.override(LANG):
        return gettext(str(text)) if isinstance(text, str) else str(text)


def gps_jpeg() -> bytes:
    """A small JPEG whose EXIF names the camera, the time and the GPS position."""
    image = Image.new("RGB", (120, 80), (180, 40, 40))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PKOP test camera"
    exif[ExifTags.Base.DateTime] = "2026:03:05 14:30:00"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (42.0, 19.0, 1.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (69.0, 35.0, 2.25)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def staff(username: str, *, group: str | None = None, superuser: bool = False) -> User:
    user = User.objects.create_user(
        username,
        email=f"{username}@pkop.example.kz",
        password=PASSWORD,
        is_staff=True,
        is_superuser=superuser,
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def staff_page(browser: Browser, live_server, user: User) -> Page:
    """A browser of its own for a staff member, signed in through the admin's login form."""
    page = browser.new_context().new_page()
    page.goto(f"{live_server.url}/{LANG}/admin/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    expect(page.locator("#user-tools")).to_be_visible()
    return page


def change_url(live_server, report) -> str:
    return f"{live_server.url}/{LANG}/admin/hotline/report/{report.pk}/change/"


def step(page: Page, live_server, report, action: str) -> None:
    """Open the report in the admin and the form of one handling step."""
    page.goto(change_url(live_server, report))
    page.locator(f"a.hotline-step-{action}").click()
    expect(page.locator("#hotline-action-form")).to_be_visible()


def submit_step(page: Page) -> None:
    """Submit the step's form and expect the report's page with a success message."""
    page.locator("#hotline-action-submit").click()
    expect(page.locator("#hotline-action-form")).to_have_count(0)
    expect(page.locator(".messagelist .success")).to_have_count(1)


def fits_the_screen(page: Page) -> bool:
    """Whether the page's content is no wider than the phone's screen."""
    return page.evaluate(
        """() => { const main = document.querySelector("main");
                   return main.scrollWidth <= main.clientWidth
                       && main.getBoundingClientRect().right <= window.innerWidth; }"""
    )


def open_follow_up(page: Page, live_server, receipt: str) -> None:
    """The follow-up page, reached only by POSTing the receipt (never in a URL or cookie)."""
    page.goto(f"{live_server.url}/{LANG}/hotline/follow-up/")
    page.locator("#id_receipt").fill(receipt)
    page.locator("#follow-up-submit").click()
    expect(page.locator("#status")).to_be_visible()


def stored_rows(report) -> str:
    """Every stored value of the report and of its messages, files and history, as text."""
    rows = [Report.objects.filter(pk=report.pk).values().get()]
    for model in (ReportMessage, ReportAttachment, ReportEvent):
        rows += list(model.objects.filter(report=report).values())
    return str(rows)


def test_anonymous_report_in_chinese_followed_with_the_receipt_and_hidden_from_a_superuser(
    page: Page, browser: Browser, live_server, axe_check
):
    officer = staff("officer", group="Compliance officer")
    root = staff("root", superuser=True)

    # --- 1. The reporter, anonymous, on a phone in Chinese: the policy, then the form.
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/{LANG}/hotline/")
    expect(page.locator("html")).to_have_attribute("lang", LANG)
    expect(page.locator("h1")).to_have_text(zh("Hotline"))
    assert fits_the_screen(page)
    axe_check(page)
    page.locator("#report-link").click()
    expect(page).to_have_url(re.compile(rf"/{LANG}/hotline/report/$"))
    expect(page.locator("h1")).to_have_text(zh("Make a hotline report"))
    assert fits_the_screen(page)
    axe_check(page)

    photo = gps_jpeg()
    assert Image.open(io.BytesIO(photo)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    form = page.locator("#report-form")
    form.locator("#id_reporter_type").select_option(enums.ReporterType.EMPLOYEE.value)
    form.locator("#id_category").select_option(enums.Category.CORRUPTION.value)
    form.locator("#id_description").fill(DESCRIPTION)
    form.locator("#id_occurred").fill("2026年3月5日")
    form.locator("#id_location").fill("二号仓库")
    form.locator("input[name=is_ongoing][value=yes]").check()
    form.locator("#id_files").set_input_files(
        files=[{"name": "现场照片.jpg", "mimeType": "image/jpeg", "buffer": photo}]
    )
    expect(form.locator("#consent-text")).to_be_visible()
    form.locator("#id_consent").check()
    form.locator("#report-submit").click()

    # The receipt, read from the page: shown once, ≥ 16 characters without its separators.
    expect(page.locator("h1")).to_have_text(zh("Your report has been received"))
    receipt = page.locator("#receipt").inner_text().strip()
    bare = re.sub(r"[-\s]", "", receipt)
    assert len(bare) >= 16 and bare.isalnum(), receipt
    expect(page.locator("#keep-receipt")).to_be_visible()
    assert fits_the_screen(page)
    axe_check(page)

    report = Report.objects.get()
    assert report.status == S.RECEIVED
    assert report.language == LANG
    assert report.reporter_type == enums.ReporterType.EMPLOYEE
    assert report.category == enums.Category.CORRUPTION
    assert report.description == DESCRIPTION
    assert report.is_ongoing is True
    assert re.fullmatch(rf"H-{timezone.localdate().year}-\d{{6}}", report.number)
    assert report.consent_id is not None and report.consent_at is not None
    # Anonymous: no identity and no notice address, not even encrypted.
    assert report.identity_sealed == "" and report.notice_email_sealed == ""
    # No client address and no receipt anywhere in the report's rows.
    stored = stored_rows(report)
    assert not any(address in stored for address in CLIENT_ADDRESSES)
    assert bare not in stored and receipt not in stored
    assert not [f.name for f in Report._meta.get_fields() if re.search(r"(^|_)ip($|_)", f.name)]
    # The photo is stored without any metadata (no GPS, camera or time).
    attachment = ReportAttachment.objects.get(report=report)
    assert attachment.metadata_removed and attachment.message_id is None
    # File names are not kept: the photo is stored under a neutral name.
    assert attachment.original_name == "file-1.jpg"
    with attachment.file.open("rb") as stored_file:
        kept = Image.open(io.BytesIO(stored_file.read()))
        assert kept.format == "JPEG" and kept.size == (120, 80)
        assert not kept.getexif()
        assert not kept.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert "exif" not in kept.info
    # Compliance is told only that a report arrived.
    notice = Notification.objects.get(event=NEW_REPORT)
    assert notice.recipient_email == officer.email
    assert DESCRIPTION not in str(notice.context)

    # --- 2. The Compliance officer finds the report, acknowledges it and asks a question.
    officer_page = staff_page(browser, live_server, officer)
    officer_page.goto(f"{live_server.url}/{LANG}/admin/hotline/report/")
    officer_page.locator("#searchbar").fill(report.number)
    officer_page.locator("#changelist-search input[type=submit]").click()
    results = officer_page.locator("#result_list tbody tr")
    expect(results).to_have_count(1)
    results.get_by_role("link", name=report.number).click()
    expect(officer_page).to_have_url(re.compile(rf"/hotline/report/{report.pk}/change/(\?|$)"))
    expect(officer_page.locator("#content-main")).to_contain_text(DESCRIPTION)
    expect(officer_page.locator("a.hotline-attachment")).to_have_text("file-1.jpg")

    step(officer_page, live_server, report, "acknowledge")
    submit_step(officer_page)
    report.refresh_from_db()
    assert report.status == S.ACKNOWLEDGED
    assert report.acknowledged_at is not None and report.feedback_due is not None

    step(officer_page, live_server, report, "message")
    officer_page.locator("#id_text").fill(QUESTION)
    submit_step(officer_page)
    question = ReportMessage.objects.get(report=report)
    assert question.by == officer and question.text == QUESTION

    # --- 3. The reporter, in a fresh browser with nothing but the receipt, reads the question
    # and answers it.
    reporter = browser.new_context(viewport=PHONE).new_page()
    open_follow_up(reporter, live_server, receipt)
    expect(reporter.locator("h1")).to_have_text(zh("Your hotline report"))
    expect(reporter.locator("#status")).to_have_text(zh(S.ACKNOWLEDGED.label))
    expect(reporter.locator(f"#message-{question.pk}")).to_contain_text(QUESTION)
    expect(reporter.locator(f"#message-{question.pk}")).to_contain_text(zh("Compliance service"))
    history = reporter.locator("#history")
    for kind in (KIND.RECEIVED, KIND.ACKNOWLEDGED):
        expect(history).to_contain_text(zh(kind.label))
    assert fits_the_screen(reporter)
    axe_check(reporter)
    reporter.locator("#id_message-text").fill(ANSWER)
    reporter.locator("#message-submit").click()
    expect(reporter.locator("#sent")).to_be_visible()
    assert bare not in reporter.url and receipt not in reporter.url
    answer = ReportMessage.objects.get(report=report, by__isnull=True)
    assert answer.text == ANSWER
    expect(reporter.locator(f"#message-{answer.pk}")).to_contain_text(ANSWER)
    # Nothing of the hotline was kept in the reporter's browser but the CSRF token.
    assert {c["name"] for c in reporter.context.cookies()} <= {"csrftoken"}

    # --- 4. The officer reads the answer, investigates and concludes.
    officer_page.goto(change_url(live_server, report))
    expect(officer_page.locator("#hotline-messages")).to_contain_text(ANSWER)
    step(officer_page, live_server, report, "start_investigation")
    submit_step(officer_page)
    report.refresh_from_db()
    assert report.status == S.UNDER_INVESTIGATION
    step(officer_page, live_server, report, "conclude")
    officer_page.locator("#id_conclusion").select_option(enums.Conclusion.NOT_SUBSTANTIATED.value)
    officer_page.locator("#id_reasons").fill(REASONS)
    submit_step(officer_page)
    report.refresh_from_db()
    assert report.status == S.CONCLUDED
    assert report.conclusion == enums.Conclusion.NOT_SUBSTANTIATED
    assert report.conclusion_reasons == REASONS
    assert report.concluded_at is not None
    kinds = list(report.events.order_by("at", "id").values_list("kind", flat=True))
    expected = [KIND.RECEIVED, KIND.ACKNOWLEDGED, KIND.INVESTIGATION, KIND.CONCLUDED]
    assert [k for k in kinds if k in expected] == expected
    assert report.events.filter(kind=KIND.ACKNOWLEDGED).get().by == officer

    # The reporter opens the page again with the receipt: the conclusion, not its reasons.
    open_follow_up(reporter, live_server, receipt)
    expect(reporter.locator("#status")).to_have_text(zh(S.CONCLUDED.label))
    expect(reporter.locator("#conclusion")).to_have_text(
        zh(enums.Conclusion.NOT_SUBSTANTIATED.label)
    )
    expect(history).to_contain_text(zh(KIND.CONCLUDED.label))
    expect(reporter.locator("main")).not_to_contain_text(officer.username)
    axe_check(reporter)

    # Every access of the officer is in the access log: the list, the search, the openings.
    logged = AccessLog.objects.filter(user=officer)
    assert logged.filter(action=enums.AccessAction.LIST, report=None).exists()
    assert logged.filter(action=enums.AccessAction.SEARCH, detail=report.number).exists()
    opened = logged.filter(action=enums.AccessAction.OPEN, report=report)
    assert opened.exists() and opened.first().report_number == report.number
    assert logged.filter(action=enums.AccessAction.CHANGE, report=report).count() >= 4

    # --- 5. A superuser outside the Compliance groups finds nothing of it.
    log_rows = AccessLog.objects.count()
    root_page = staff_page(browser, live_server, root)
    root_page.goto(f"{live_server.url}/{LANG}/admin/")
    expect(root_page.locator("#content-main")).to_be_visible()
    expect(root_page.locator(".app-hotline")).to_have_count(0)
    expect(root_page.locator("a[href*='/admin/hotline/']")).to_have_count(0)
    expect(root_page.locator("body")).not_to_contain_text(report.number)
    for path in (
        f"hotline/report/{report.pk}/change/",
        f"hotline/report/{report.pk}/history/",
        "hotline/report/",
        f"hotline/report/?q={report.number}",
        "hotline/",
        "hotline/accesslog/",
        "autocomplete/?app_label=hotline&model_name=report&field_name=investigator",
    ):
        response = root_page.goto(f"{live_server.url}/{LANG}/admin/{path}")
        assert response.status == 404, path
        expect(root_page.locator("body")).not_to_contain_text(report.number)
    # The outbox: the staff notice of the new report is not there for them, found or listed.
    for query in (f"q={NEW_REPORT}", f"event={NEW_REPORT}", ""):
        root_page.goto(f"{live_server.url}/{LANG}/admin/notifications/notification/?{query}")
        expect(root_page.locator("#changelist")).to_be_visible()
        expect(root_page.locator("#changelist")).not_to_contain_text("hotline.")
    # Nothing in Django's admin log ("recent actions", object history) either.
    assert not LogEntry.objects.filter(content_type__app_label="hotline").exists()
    # The superuser's attempts opened nothing, so they logged nothing.
    assert AccessLog.objects.count() == log_rows
    assert not AccessLog.objects.filter(user=root).exists()
