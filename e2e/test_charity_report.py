"""The public side of the charity app in a real browser: the yearly report (figures about at
least five families shown, smaller ones suppressed, nothing that identifies a family), the
information page's document checklist and the published social projects.

Selectors are ids and values, or text made through gettext and the seeded rows: the
translations of new strings land later.
"""

import re
from datetime import date

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from charity import enums
from charity.models import ChecklistItem
from charity.tests.factories import HouseholdMemberFactory, SocialProjectFactory
from charity.tests.report_data import Helper
from pkop_portal.validators import kz_check_digit

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

C, D, A = enums.Category, enums.District, enums.AidKind


def in_language(text: str, lang: str, **values) -> str:
    with translation.override(lang):
        return gettext(text) % values if values else gettext(text)


def label_in(choice, lang: str) -> str:
    """A choice's label in `lang` (the lazy label is made into text inside the override)."""
    with translation.override(lang):
        return str(choice.label)


def iin_of(born: date, serial: int) -> str:
    """A valid IIN of a woman born on `born` (the first serial from `serial` with a check
    digit)."""
    century = "4" if born.year < 2000 else "6"
    while True:
        first = f"{born:%y%m%d}{century}{serial:04d}"
        check = kz_check_digit(first)
        if check is not None:
            return f"{first}{check}"
        serial += 1


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


@pytest.fixture
def helped_year():
    """Families helped in one past year: six large families in Abay (100 000 each), five
    low-income ones in Al-Farabi (80 000 each), two with a disability in Karatau (50 000
    each). Returns (year, every personal value stored for them)."""
    year = timezone.localdate().year - 1
    helper = Helper()
    groups = (
        (6, C.LARGE_FAMILY, D.ABAY, "100000"),
        (5, C.LOW_INCOME, D.AL_FARABI, "80000"),
        (2, C.DISABILITY, D.KARATAU, "50000"),
    )
    personal = []
    serial = 100
    for count, category, district, amount in groups:
        for _ in range(count):
            serial += 1
            request = helper.family(
                category=category,
                district=district,
                items=((A.MONEY, amount, date(year, 6, serial % 28 + 1)),),
                full_name=f"Жанар Құпиясова-{serial}",
                iin=iin_of(date(1985, 4, 12), serial * 10),
                address=f"Шымкент, Құпия к-сі, {serial}",
                phone=f"+7701555{serial:04d}",
                email=f"family{serial}@example.kz",
            )
            member = HouseholdMemberFactory(
                request=request,
                full_name=f"Ерлан Құпиясов-{serial}",
                iin=iin_of(date(2012, 9, 3), serial * 10),
            )
            personal += [
                request.full_name,
                request.iin,
                request.address,
                request.email,
                f"555{serial:04d}",
                request.number,
                member.full_name,
                member.iin,
            ]
    return year, personal


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_report_shows_large_cells_suppresses_small_ones_and_no_personal_data(
    page: Page, live_server, axe_check, helped_year, lang
):
    year, personal = helped_year
    page.goto(f"{live_server.url}/{lang}/charity/report/{year}/")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("h1")).to_have_text(
        in_language("Charitable assistance in %(year)s", lang, year=year)
    )
    expect(page.locator("#report-total-families")).to_have_text("13")
    assert digits(page.locator("#report-total-amount").inner_text()) == "1100000"

    fewer = in_language("fewer than %(min)s", lang, min=5)
    hidden = in_language("hidden", lang)
    for dimension, large, complement, small in (
        ("district", D.ABAY, D.AL_FARABI, D.KARATAU),
        ("category", C.LARGE_FAMILY, C.LOW_INCOME, C.DISABILITY),
    ):
        # Six families: shown with their count and sum.
        shown = page.locator(f"#report-{dimension}-{large.value}")
        expect(shown).not_to_have_class(re.compile("report-suppressed"))
        expect(shown.locator("th")).to_have_text(label_in(large, lang))
        cells = shown.locator("td")
        expect(cells.nth(0)).to_have_text("6")
        assert digits(cells.nth(1).inner_text()) == "600000"
        # Two families: neither their count nor their sum.
        row = page.locator(f"#report-{dimension}-{small.value}")
        expect(row).to_have_class(re.compile("report-suppressed"))
        expect(row.locator("td")).to_have_text([fewer, hidden])
        # Five families, hidden too: else the two could be worked out from the total.
        row = page.locator(f"#report-{dimension}-{complement.value}")
        expect(row).to_have_class(re.compile("report-suppressed"))
        expect(row.locator("td")).to_have_text([hidden, hidden])
    money = page.locator(f"#report-aid_kind-{A.MONEY.value} td")
    expect(money.nth(0)).to_have_text("13")

    text, html = page.locator("body").inner_text(), page.content()
    assert [value for value in personal if value in text or value in html] == []
    axe_check(page)


def test_info_page_lists_each_categorys_document_checklist(page: Page, live_server, axe_check):
    page.goto(f"{live_server.url}/en/charity/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    for category in C:
        items = ChecklistItem.objects.filter(category=category).select_related("document_type")
        listed = page.locator(f"#documents-{category.value} + ul.charity-checklist li")
        names = [item.document_type.name_en for item in items.order_by("position", "id")]
        assert names, category
        expect(listed).to_have_count(len(names))
        for name in names:
            expect(listed.filter(has_text=name)).to_have_count(1)
    large_family = page.locator("#documents-large_family + ul.charity-checklist")
    expect(large_family).to_contain_text("Certificate of large-family status")
    axe_check(page)


def test_social_projects_in_chinese_show_the_published_project_only(
    page: Page, live_server, axe_check
):
    published = SocialProjectFactory(title_zh_hans="阿拜区儿童游乐场", is_published=True)
    draft = SocialProjectFactory(title_zh_hans="卡拉套区体育场（草稿）", is_published=False)
    page.goto(f"{live_server.url}/zh-hans/social-projects/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    project = page.locator(f"#project-{published.pk}")
    expect(project.locator("h2")).to_have_text("阿拜区儿童游乐场")
    expect(project).to_contain_text(published.description_zh_hans)
    expect(page.locator(f"#project-{draft.pk}")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("卡拉套区体育场")
    axe_check(page)
