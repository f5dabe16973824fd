"""Every public page costs the same number of SQL queries whatever the number of rows behind it.

Each page is opened in the four languages at a small and at a larger size of the data it lists
(managers with schedules, social projects, checklist documents, programmes, families helped,
hotline lines, categories, the history and messages of a tracked record...). Each count is
taken on a second GET (the first warms the process caches of reference data, which a change of
that data invalidates), so it is the cost a page has once the site runs.
"""

from dataclasses import dataclass, field
from datetime import date, time, timedelta

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from appeals.models import AppealAttachment, AppealEvent, AppealMessage, Category
from appeals.tests.factories import AppealFactory, staff_user
from charity import enums as charity_enums
from charity.models import (
    ChecklistItem,
    DocumentType,
    RequestDocument,
    RequestEvent,
    RequestMessage,
    SocialProjectPhoto,
)
from charity.tests.factories import CharityRequestFactory, ProgrammeFactory, SocialProjectFactory
from charity.tests.report_data import Helper
from hotline.models import ReportAttachment, ReportEvent, ReportMessage
from hotline.tests.factories import ReportFactory
from pkop_portal import tracking
from pkop_portal.models import HotlineLine
from pkop_portal.receipts import receipt_cookie_set
from reception import services as reception_services
from reception.slots import slots_generate_all
from reception.tests.factories import ManagerFactory, RuleFactory, iins

pytestmark = pytest.mark.django_db

LANGUAGES = ["kk", "ru", "en", "zh-hans"]
SMALL, LARGE = 2, 15
CODE = "ABCD2345EFGH"
# The columns of a stored file (pkop_portal.models.StoredFile); no file is opened by the pages.
FILE = {"original_name": "scan.pdf", "content_type": "application/pdf", "size": 100}
HOTLINE_RECEIPT = "ABCD2345EFGH6789JKMN"


@dataclass
class World:
    """The rows public pages list. Each grower `kind(n)` brings its kind up to n rows (calling
    it again with a larger n adds the difference)."""

    client: Client
    made: dict = field(default_factory=dict)

    def _more(self, kind: str, n: int) -> range:
        done = self.made.get(kind, 0)
        self.made[kind] = max(done, n)
        return range(done, n)

    # --- reception ------------------------------------------------------------------------
    def managers(self, n: int) -> None:
        """n managers receiving on weekdays, each with two rules (morning, afternoon)."""
        more = self._more("managers", n)
        for _ in more:
            manager = ManagerFactory()
            RuleFactory(manager=manager, weekdays="1,2,3,4,5")
            RuleFactory(
                manager=manager, weekdays="1,3,5", start_time=time(9, 0), end_time=time(10, 0)
            )
        if more:
            slots_generate_all()

    def slots_of_first_manager(self, n: int) -> None:
        """The first manager's schedule grows by rule: n more rules of one 20-minute slot on
        every weekday, from 07:00 on."""
        self.managers(1)
        manager = self.first_manager
        more = self._more("rules", n)
        for i in more:
            minutes = 7 * 60 + 20 * i
            RuleFactory(
                manager=manager,
                weekdays="1,2,3,4,5",
                start_time=time(minutes // 60, minutes % 60),
                end_time=time((minutes + 20) // 60, (minutes + 20) % 60),
                valid_from=date(2026, 1, 1) + timedelta(days=i),
            )
        if more:
            slots_generate_all()

    @property
    def first_manager(self):
        from reception.models import Manager

        return Manager.objects.order_by("pk").first()

    def booking(self):
        """A booking of the first manager's first free slot, with its manage token."""
        if "booking" not in self.made:
            from reception import selectors

            self.managers(1)
            slot = selectors.slot_list_free(manager=self.first_manager, now=timezone.now())[0]
            result = reception_services.booking_create(
                slot_id=slot.pk,
                data=reception_services.BookingInput(
                    full_name="Айгерим Садыкова",
                    iin=iins(1)[0],
                    topic="Помощь",
                    language="ru",
                    email="a@example.kz",
                ),
                idempotency_key="k" * 32,
                consent=_consent("reception"),
            )
            self.made["booking"] = (result.booking, result.manage_token)
        return self.made["booking"]

    # --- charity --------------------------------------------------------------------------
    def checklist(self, n: int) -> None:
        """n document types, each on the checklist of two categories."""
        categories = charity_enums.Category.values
        for i in self._more("checklist", n):
            doc = DocumentType.objects.create(
                slug=f"doc-{i}",
                name_kk=f"Құжат {i}",
                name_ru=f"Документ {i}",
                name_en=f"Document {i}",
                name_zh_hans=f"文件 {i}",
                hint_en="From the registry office.",
                position=100 + i,
            )
            for category in (categories[i % len(categories)], categories[(i + 3) % 8]):
                ChecklistItem.objects.get_or_create(
                    category=category, document_type=doc, defaults={"is_required": i % 2 == 0}
                )

    def programmes(self, n: int) -> None:
        for i in self._more("programmes", n):
            ProgrammeFactory(year=2010 + i, is_active=True)

    def projects(self, n: int) -> None:
        """n published social projects with two photos each."""
        for _ in self._more("projects", n):
            project = SocialProjectFactory(is_published=True)
            for position in range(2):
                SocialProjectPhoto.objects.create(
                    project=project,
                    image=f"projects/{project.pk}-{position}.png",
                    stored_name=f"{project.pk}-{position}.png",
                    original_name="photo.png",
                    content_type="image/png",
                    size=100,
                    alt_kk="Сурет",
                    alt_ru="Фото",
                    alt_en="Photo",
                    alt_zh_hans="照片",
                    position=position,
                )

    def families(self, n: int) -> None:
        """n families helped in 2025, over the categories, districts and kinds of aid."""
        if "helper" not in self.made:
            self.made["helper"] = Helper()
        helper = self.made["helper"]
        categories = charity_enums.Category.values
        districts = charity_enums.District.values
        kinds = charity_enums.AidKind.values
        for i in self._more("families", n):
            helper.family(
                category=categories[i % len(categories)],
                district=districts[i % len(districts)],
                items=((kinds[i % len(kinds)], "50000", date(2025, 1 + i % 12, 5)),),
            )

    def charity_request(self):
        if "charity_request" not in self.made:
            self.checklist(1)
            request = CharityRequestFactory(code=CODE)
            request.missing_documents.add(DocumentType.objects.order_by("pk").first())
            self.made["charity_request"] = request
        return self.made["charity_request"]

    def charity_history(self, n: int) -> None:
        request = self.charity_request()
        staff = self._staff()
        for i in self._more("charity_history", n):
            RequestEvent.objects.create(request=request, kind="submitted", by=staff, note=f"{i}")
            message = RequestMessage.objects.create(
                request=request, by=staff if i % 2 else None, text="?"
            )
            for on_message in (message, None):
                RequestDocument.objects.create(
                    request=request,
                    message=on_message,
                    document_type=DocumentType.objects.order_by("pk").first(),
                    file=f"charity/{request.pk}/{i}.pdf",
                    stored_name=f"{i}-{bool(on_message)}.pdf",
                    uploaded_by=staff if on_message is None else None,
                    **FILE,
                )
            doc = DocumentType.objects.create(
                slug=f"missing-{i}",
                name_kk="Құжат",
                name_ru="Документ",
                name_en="Doc",
                name_zh_hans="文件",
            )
            request.missing_documents.add(doc)

    # --- appeals --------------------------------------------------------------------------
    def categories(self, n: int) -> None:
        for i in self._more("categories", n):
            Category.objects.create(
                slug=f"extra-{i}",
                name_kk=f"Санат {i}",
                name_ru=f"Категория {i}",
                name_en=f"Category {i}",
                name_zh_hans=f"类别 {i}",
                position=50 + i,
            )

    def appeal(self):
        if "appeal" not in self.made:
            self.made["appeal"] = AppealFactory(code=CODE)
        return self.made["appeal"]

    def appeal_history(self, n: int) -> None:
        appeal = self.appeal()
        staff = self._staff()
        for i in self._more("appeal_history", n):
            AppealEvent.objects.create(appeal=appeal, kind="assigned", by=staff, note=f"{i}")
            message = AppealMessage.objects.create(appeal=appeal, text=f"Дополнение {i}")
            for on_message in (message, None):
                AppealAttachment.objects.create(
                    appeal=appeal,
                    message=on_message,
                    file=f"appeals/{appeal.pk}/{i}.pdf",
                    stored_name=f"{i}-{bool(on_message)}.pdf",
                    **FILE,
                )

    # --- hotline and site -----------------------------------------------------------------
    def report(self):
        if "report" not in self.made:
            self.made["report"] = ReportFactory(receipt=HOTLINE_RECEIPT)
        return self.made["report"]

    def report_history(self, n: int) -> None:
        report = self.report()
        staff = self._staff()
        for i in self._more("report_history", n):
            ReportEvent.objects.create(report=report, kind=ReportEvent.Kind.RECEIVED, by=staff)
            message = ReportMessage.objects.create(
                report=report, by=staff if i % 2 else None, text="?"
            )
            for on_message in (message, None):
                ReportAttachment.objects.create(
                    report=report,
                    message=on_message,
                    file=f"hotline/{report.pk}/{i}.pdf",
                    stored_name=f"{i}-{bool(on_message)}.pdf",
                    **FILE,
                )

    def statistics(self, n: int) -> None:
        """n appeals registered this month, half of them answered (the public statistics); the
        page's cached table is dropped so the next GET computes it again."""
        from django.core.cache import cache

        today = timezone.localdate()
        for i in self._more("statistics", n):
            answered = {"status": "answered", "answered_at": timezone.now()} if i % 2 else {}
            AppealFactory(registration_date=today, answered_on_time=bool(i % 3), **answered)
        cache.clear()

    def lines(self, n: int) -> None:
        """min(n, 4) active hotline lines (there is one per language; the others hidden)."""
        self._more("lines", n)
        for i, language in enumerate(LANGUAGES):
            line, _created = HotlineLine.objects.get_or_create(
                language=language, defaults={"phone": f"+7725200000{i + 1}"}
            )
            line.is_active = i < n
            line.position = i
            line.save()

    def _staff(self):
        if "staff" not in self.made:
            self.made["staff"] = staff_user("public.pages", "Head")
        return self.made["staff"]


def _consent(purpose: str):
    from pkop_portal.consent import Consent, consent_text_current

    return Consent(text=consent_text_current(purpose=purpose), ip="127.0.0.1")


def _url(name: str, lang: str, *args) -> str:
    with translation.override(lang):
        return reverse(name, args=args)


def _track(client: Client, key: str, record_id: int) -> None:
    session = client.session
    session[key] = [record_id]
    session[tracking.SEEN_KEY] = int(timezone.now().timestamp())  # opened just now
    session.save()


def _receipt_cookie(client: Client, page, payload: dict) -> None:
    response = HttpResponse()
    receipt_cookie_set(response, page=page, payload=payload)
    client.cookies.update(response.cookies)


# --- the pages: (what grows, how to open the page in a language) -----------------------------
# `grow(world, n)` makes the page's rows; `page(world, lang)` prepares what the browser holds
# (session, receipt cookie) and returns the request to count: a callable giving the response.


def _lines_only(world: World, n: int) -> None:
    """What every page shows whatever it is: the hotline lines of the footer."""
    world.lines(n)


def _get(name: str, *args):
    def page(world: World, lang: str):
        url = _url(name, lang, *args)
        return lambda: world.client.get(url)

    return page


def _reception_manager(world: World, lang: str):
    url = _url("reception:manager", lang, world.first_manager.pk)
    return lambda: world.client.get(url)


def _reception_book_slot(world: World, lang: str):
    from reception import selectors

    world.managers(1)
    slot = selectors.slot_list_free(manager=world.first_manager, now=timezone.now()).last()
    url = _url("reception:slot_book", lang, slot.pk)
    return lambda: world.client.get(url)


def _reception_confirmation(world: World, lang: str):
    booking, _token = world.booking()
    session = world.client.session
    session["reception.confirmation"] = booking.number
    session.save()
    url = _url("reception:confirmation", lang, booking.number)
    return lambda: world.client.get(url)


def _reception_manage(name: str):
    def page(world: World, lang: str):
        _booking, token = world.booking()
        url = _url(name, lang, token)
        return lambda: world.client.get(url)

    return page


def _appeal_receipt(world: World, lang: str):
    from appeals.receipts import RECEIPT

    _receipt_cookie(world.client, RECEIPT, {"appeal": world.appeal().pk, "code": CODE})
    url = _url("appeals:receipt", lang)
    return lambda: world.client.get(url)


def _appeal_detail(world: World, lang: str):
    appeal = world.appeal()
    _track(world.client, "appeals.tracked", appeal.pk)
    url = _url("appeals:detail", lang, appeal.number)
    return lambda: world.client.get(url)


def _charity_receipt(world: World, lang: str):
    from charity.views import RECEIPT

    request = world.charity_request()
    _receipt_cookie(world.client, RECEIPT, {"request": request.pk, "code": CODE})
    url = _url("charity:receipt", lang)
    return lambda: world.client.get(url)


def _charity_tracked(name: str):
    def page(world: World, lang: str):
        request = world.charity_request()
        _track(world.client, "charity.tracked", request.pk)
        url = _url(name, lang, request.number)
        return lambda: world.client.get(url)

    return page


def _hotline_follow_up(world: World, lang: str):
    world.report()
    url = _url("hotline:follow_up", lang)
    # The follow-up page of a report is the answer to POSTing its receipt (never in a URL).
    return lambda: world.client.post(url, {"receipt": HOTLINE_RECEIPT})


def _both(*growers):
    def grow(world: World, n: int) -> None:
        for grower in growers:
            grower(world, n)

    return grow


PAGES = {
    # site pages
    "home": (World.lines, _get("home")),
    "procedure": (_lines_only, _get("procedure")),
    "contacts": (World.lines, _get("contacts")),
    "privacy": (_lines_only, _get("privacy")),
    "statistics": (World.statistics, _get("statistics")),
    # appeals
    "appeals:submit": (_both(World.categories, World.lines), _get("appeals:submit")),
    "appeals:receipt": (World.lines, _appeal_receipt),
    "appeals:track": (_lines_only, _get("appeals:track")),
    "appeals:lost_code": (_lines_only, _get("appeals:lost_code")),
    "appeals:detail": (World.appeal_history, _appeal_detail),
    "appeals:track_finished": (_lines_only, _get("appeals:track_finished")),
    # reception
    "reception:book": (World.managers, _get("reception:book")),
    "reception:manager": (World.slots_of_first_manager, _reception_manager),
    "reception:slot_book": (World.managers, _reception_book_slot),
    "reception:confirmation": (World.managers, _reception_confirmation),
    "reception:manage": (World.slots_of_first_manager, _reception_manage("reception:manage")),
    "reception:invitation": (World.managers, _reception_manage("reception:invitation")),
    # GET: "Are you sure?" (active booking) or "Your visit is cancelled"; POST cancels.
    "reception:cancel": (World.managers, _reception_manage("reception:cancel")),
    # charity
    "charity:info": (
        _both(World.checklist, World.programmes, World.families),
        _get("charity:info"),
    ),
    "charity:apply": (World.checklist, _get("charity:apply")),
    "charity:receipt": (World.checklist, _charity_receipt),
    "charity:track": (_lines_only, _get("charity:track")),
    "charity:lost_code": (_lines_only, _get("charity:lost_code")),
    "charity:detail": (World.charity_history, _charity_tracked("charity:detail")),
    "charity:track_finished": (_lines_only, _get("charity:track_finished")),
    "charity:withdraw": (World.charity_history, _charity_tracked("charity:withdraw")),
    "charity:report": (World.families, _get("charity:report", 2025)),
    "charity:social_projects": (World.projects, _get("charity:social_projects")),
    # hotline
    "hotline:policy": (World.lines, _get("hotline:policy")),
    "hotline:report": (World.lines, _get("hotline:report")),
    "hotline:receipt": (_lines_only, _get("hotline:receipt")),
    "hotline:follow_up (open)": (_lines_only, _get("hotline:follow_up")),
    "hotline:follow_up (report)": (World.report_history, _hotline_follow_up),
}


def _costs(world: World, page, query_count) -> tuple[dict[str, tuple[int, int]], int]:
    """Per language: (status, queries of the second GET); and the length of the Russian page."""
    costs = {}
    for lang in LANGUAGES:
        request = page(world, lang)
        request()  # warms the process caches of reference data
        queries, response = query_count(request)
        costs[lang] = (response.status_code, queries)
        if lang == "ru":
            length = len(response.content)
    return costs, length


@pytest.mark.parametrize("name", list(PAGES))
def test_public_page_query_count_constant_in_rows(name, query_count):
    grow, page = PAGES[name]
    world = World(client=Client())
    # The footer of every page lists the hotline lines: they grow with the page's own rows.
    _both(grow, World.lines)(world, SMALL)
    small, small_length = _costs(world, page, query_count)
    _both(grow, World.lines)(world, LARGE)
    large, large_length = _costs(world, page, query_count)
    assert {lang: status for lang, (status, _q) in small.items()} == dict.fromkeys(LANGUAGES, 200)
    assert large == small
    if name != "reception:invitation":  # a calendar file: no footer, one booking
        assert large_length > small_length, "the larger data did not reach the page"


def test_public_urls_are_all_covered():
    """Every URL name of the public site has its query-count test above (a new page needs one)."""
    from django.urls import get_resolver

    resolver = get_resolver()
    names = {n for n in resolver.reverse_dict if isinstance(n, str)} - {"healthz"}
    for namespace, (_prefix, app_resolver) in resolver.namespace_dict.items():
        if namespace != "admin":
            names |= {f"{namespace}:{n}" for n in app_resolver.reverse_dict if isinstance(n, str)}
    # Not pages: POST-only actions (they redirect or re-render a page covered here) and a photo.
    not_pages = {
        "appeals:add_information",
        "appeals:rate",
        "reception:reschedule",
        "charity:add_documents",
        "charity:message",
        "charity:social_project_photo",
        "hotline:follow_up_message",
    }
    assert names - not_pages == {name.split(" ")[0] for name in PAGES}
