"""The public charity pages: information with the checklist from the database, the yearly
report without personal data, the social projects with their photos, and the home page link."""

import html as html_module
import re
import uuid
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from charity import enums
from charity.models import ChecklistItem, DocumentType, SocialProjectPhoto
from charity.tests.factories import (
    HouseholdMemberFactory,
    ProgrammeFactory,
    SocialProjectFactory,
)
from charity.tests.report_data import Helper

pytestmark = pytest.mark.django_db

LANGS = ["kk", "ru", "en", "zh-hans"]
A, C, D = enums.AidKind, enums.Category, enums.District
NBSP = "\u00a0"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99"
    b"=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


def translated(text: str, lang: str, **values) -> str:
    with translation.override(lang):
        result = gettext(text)
    return escape(result % values if values else result)


def label(choice, lang: str) -> str:
    with translation.override(lang):
        return escape(str(choice.label))


def h1_of(html: str) -> list[str]:
    return re.findall(r"<h1[^>]*>(.*?)</h1>", html, flags=re.S)


def main_of(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


def between(html: str, start: str, end: str) -> str:
    """The HTML from `start` to the next `end` after it."""
    begin = html.index(start)
    stop = html.find(end, begin + len(start))
    return html[begin : stop if stop != -1 else len(html)]


def text_of(fragment: str) -> str:
    # Collapses ordinary whitespace only: the no-break spaces grouping sums are kept.
    text = html_module.unescape(re.sub(r"<[^>]+>", " ", fragment))
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


def by_id(html: str, element_id: str) -> str:
    """The text of the element with this id (one without nested elements of its tag)."""
    match = re.search(rf'<(\w+)[^>]*\bid="{element_id}"[^>]*>(.*?)</\1>', html, flags=re.S)
    return text_of(match.group(2))


# --- /<lang>/charity/ -------------------------------------------------------------------------

INFO_HEADINGS = [
    "Who can ask for assistance",
    "Documents to send",
    "How decisions are made",
    "How to follow your request",
    "Current programmes",
    "What we have given",
]


@pytest.mark.parametrize("lang", LANGS)
def test_info_page_explains_categories_documents_and_decisions_in_each_language(client, lang):
    response = client.get(f"/{lang}/charity/")
    html = response.content.decode()

    assert response.status_code == 200
    assert f'<html lang="{lang}">' in html
    assert h1_of(html) == [translated("Charitable and social assistance", lang)]
    for heading in INFO_HEADINGS:
        assert f">{translated(heading, lang)}</h2>" in html
    who = between(html, 'id="who-can-ask"', "</section>")
    for category in C:
        assert f"<dt>{label(category, lang)}</dt>" in who
    for district in D:
        assert label(district, lang) in who
    assert translated("The committee.", lang) in html
    assert translated("Handing over the aid.", lang) in html
    # The seeded checklist, in the page's language.
    column = "name_" + lang.replace("-", "_")
    for document in DocumentType.objects.all():
        assert escape(getattr(document, column)) in html


def test_info_page_renders_the_checklist_as_staff_edited_it(client):
    status = DocumentType.objects.get(slug="large_family_status")
    status.name_en = "Large-family certificate (renamed by staff)"
    status.hint_en = "Issued by the district akimat"
    status.save()
    guardianship = ChecklistItem.objects.get(category=C.ORPHANS, document_type__slug="guardianship")
    guardianship.is_required = False
    guardianship.save()
    ChecklistItem.objects.filter(category=C.OTHER).delete()

    html = client.get("/en/charity/").content.decode()

    large = text_of(between(html, 'id="documents-large_family"', "<h3"))
    assert (
        "Large-family certificate (renamed by staff) required Issued by the district akimat"
        in large
    )
    orphans = text_of(between(html, 'id="documents-orphans"', "<h3"))
    assert "Guardianship decision or parents' death certificates optional" in orphans
    other = between(html, 'id="documents-other"', "</section>")
    assert "No particular documents: describe your situation in the request." in other
    assert "<li>" not in other


def test_info_page_shows_required_and_optional_in_kazakh(client):
    html = client.get("/kk/charity/").content.decode()
    pensioners = between(html, 'id="documents-pensioners"', "<h3")
    required, optional = translated("required", "kk"), translated("optional", "kk")
    assert pensioners.count(f">{required}</span>") == 3  # pension, identity card, household
    assert pensioners.count(f">{optional}</span>") == 1  # bank details


def test_info_page_links_apply_track_report_and_projects(client):
    Helper().family(items=((A.MONEY, "1000", date(2024, 3, 3)),))
    html = client.get("/en/charity/").content.decode()
    for url in (
        reverse("charity:apply"),
        reverse("charity:track"),
        reverse("charity:report", args=[2024]),
        reverse("charity:social_projects"),
    ):
        assert f'href="{url}"' in html


def test_info_page_links_this_years_report_when_nothing_was_given_yet(client):
    html = client.get("/en/charity/").content.decode()
    year = timezone.localdate().year
    assert f'href="/en/charity/report/{year}/"' in html


def test_info_page_lists_active_programme_titles_only(client):
    ProgrammeFactory(year=2026, title_kk="Белсенді бағдарлама", title_en="Active programme")
    ProgrammeFactory(year=2025, title_en="Finished programme", is_active=False)

    en = between(client.get("/en/charity/").content.decode(), 'id="programmes"', "</section>")
    kk = between(client.get("/kk/charity/").content.decode(), 'id="programmes"', "</section>")

    assert "<li>Active programme</li>" in en
    assert "Finished programme" not in en
    assert "<li>Белсенді бағдарлама</li>" in kk


def test_info_page_without_programme_says_so(client):
    html = client.get("/zh-hans/charity/").content.decode()
    assert (
        translated(
            "No programme is accepting requests at the moment. You can still apply: your request "
            "will be considered under the next programme.",
            "zh-hans",
        )
        in html
    )


def test_info_page_has_one_h1_no_inline_style_or_script(client):
    html = client.get("/ru/charity/").content.decode()
    assert len(h1_of(html)) == 1
    assert "<style" not in html and " style=" not in html
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert 'name="viewport"' in html


def test_info_page_queries_do_not_grow_with_rows(client, query_count):
    one, _ = query_count(lambda: client.get("/en/charity/"))
    for i in range(4):
        ProgrammeFactory(year=2026, title_en=f"Programme {i}")
        document = DocumentType.objects.create(
            slug=f"extra-{i}", name_kk="k", name_ru="r", name_en=f"Extra {i}", name_zh_hans="z"
        )
        ChecklistItem.objects.create(category=C.OTHER, document_type=document)
    many, response = query_count(lambda: client.get("/en/charity/"))
    assert "Extra 3" in response.content.decode()
    assert one == many


def test_info_page_refuses_post(client):
    assert client.post("/en/charity/").status_code == 405


# --- /<lang>/charity/report/<year>/ ---------------------------------------------------------


def report_html(client, year=2025, lang="en") -> str:
    response = client.get(f"/{lang}/charity/report/{year}/")
    assert response.status_code == 200
    return response.content.decode()


def row(html: str, dimension: str, key: str) -> list[str]:
    fragment = between(html, f'id="report-{dimension}-{key}"', "</tr>")
    return [text_of(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", fragment, re.S)]


def three_groups(helper):
    helper.families(6, category=C.LARGE_FAMILY, district=D.ABAY)
    helper.families(
        3,
        category=C.LOW_INCOME,
        district=D.TURAN,
        items=((A.GOODS, "20000", date(2025, 7, 1)),),
    )
    helper.families(
        2,
        category=C.PENSIONERS,
        district=D.KARATAU,
        items=((A.MEDICAL, "300000", date(2025, 9, 1)),),
    )


@pytest.mark.parametrize("lang", LANGS)
def test_report_page_shows_large_cells_and_hides_small_ones(client, lang):
    three_groups(Helper())
    html = report_html(client, lang=lang)
    fewer = translated("fewer than %(min)s", lang, min=5)
    hidden = translated("hidden", lang)

    title = translated("Charitable assistance in %(year)s", lang, year=2025)
    assert h1_of(html) == [title]
    assert row(html, "district", "abay") == [label(D.ABAY, lang), "6", f"600{NBSP}000"]
    assert row(html, "district", "turan") == [label(D.TURAN, lang), fewer, hidden]
    assert row(html, "district", "karatau") == [label(D.KARATAU, lang), fewer, hidden]
    assert row(html, "district", "enbekshi") == [label(D.ENBEKSHI, lang), "0", "0"]
    assert row(html, "category", "large_family")[1:] == ["6", f"600{NBSP}000"]
    assert row(html, "aid_kind", "money")[1:] == ["6", f"600{NBSP}000"]
    assert row(html, "aid_kind", "medical")[1:] == [fewer, hidden]
    assert by_id(html, "report-total-families") == "11"
    assert by_id(html, "report-total-amount") == f"1{NBSP}260{NBSP}000"
    for heading in ("By category", "By district", "By kind of aid", "How to read this report"):
        assert f">{translated(heading, lang)}</h2>" in html


def test_report_page_hides_the_complement_as_hidden_not_as_fewer_than_five(client):
    helper = Helper()
    helper.families(7, district=D.ABAY)
    helper.families(6, district=D.KARATAU)
    helper.families(4, district=D.TURAN)
    html = report_html(client)
    assert row(html, "district", "abay")[1] == "7"
    assert row(html, "district", "karatau")[1:] == ["hidden", "hidden"]
    assert row(html, "district", "turan")[1:] == ["fewer than 5", "hidden"]
    assert "until at least two rows are hidden" in html


def test_report_page_of_fewer_than_five_families_shows_no_figure(client):
    Helper().families(4)
    html = report_html(client)
    assert 'id="report-totals-suppressed"' in html
    assert 'id="report-total-families"' not in html
    assert 'id="report-district-abay"' not in html
    assert "400" not in text_of(main_of(html))


def test_report_page_contains_no_personal_data(client):
    helper = Helper()
    people = []
    for i in range(6):
        request = helper.family(
            full_name=f"Гүлмира Тестова-{i}",
            iin="870101300009",
            address=f"Шымкент, ул. Секретная, {i + 100}",
            phone="+77019876543",
            email=f"secret{i}@example.kz",
        )
        member = HouseholdMemberFactory(request=request, full_name=f"Ерлан Тестов-{i}")
        people += [
            request.full_name,
            request.iin,
            request.address,
            "9876543",
            request.email,
            request.number,
            member.full_name,
            member.iin,
        ]
    for lang in LANGS:
        html = report_html(client, lang=lang)
        leaked = [value for value in people if value in html or escape(value) in html]
        assert leaked == [], lang


def test_report_page_of_a_year_without_data_says_so_and_links_years_with_data(client):
    helper = Helper()
    helper.families(5, items=((A.MONEY, "1000", date(2024, 4, 4)),))
    helper.families(5, items=((A.MONEY, "1000", date(2025, 4, 4)),))

    html = report_html(client, year=2019, lang="kk")

    assert (
        translated("No aid handed over in %(year)s is recorded on this portal.", "kk", year=2019)
        in html
    )
    years = between(html, 'id="report-years-heading"', "</nav>")
    assert re.findall(r'href="([^"]+)"', years) == [
        "/kk/charity/report/2025/",
        "/kk/charity/report/2024/",
    ]


def test_report_page_marks_the_year_shown_in_the_selector(client):
    Helper().families(5, items=((A.MONEY, "1000", date(2024, 4, 4)),))
    html = report_html(client, year=2024)
    assert '<a href="/en/charity/report/2024/" aria-current="page"' in html


def test_report_page_of_this_year_says_the_year_is_not_over(client):
    year = timezone.localdate().year
    Helper().families(5, items=((A.MONEY, "1000", timezone.localdate()),))
    assert 'id="report-in-progress"' in report_html(client, year=year)
    assert 'id="report-in-progress"' not in report_html(client, year=year - 1)


@pytest.mark.parametrize("offset", [1, 0, -10])
def test_report_page_of_next_year_or_earlier_exists(client, offset):
    year = timezone.localdate().year + offset
    assert client.get(f"/en/charity/report/{year}/").status_code == 200


@pytest.mark.parametrize("year", [1999, 1, 0, "future"])
def test_report_page_of_an_absurd_or_future_year_is_404(client, year):
    if year == "future":
        year = timezone.localdate().year + 2
    assert client.get(f"/en/charity/report/{year}/").status_code == 404


def test_report_page_queries_do_not_grow_with_rows(client, query_count):
    helper = Helper()
    helper.families(5)
    one, _ = query_count(lambda: client.get("/en/charity/report/2025/"))
    three_groups(helper)
    helper.families(5, district=D.ENBEKSHI, category=C.OTHER)
    many, response = query_count(lambda: client.get("/en/charity/report/2025/"))
    assert 'id="report-district-enbekshi"' in response.content.decode()
    assert one == many


# --- /<lang>/social-projects/ ----------------------------------------------------------------


def add_photo(
    project, *, content=PNG, content_type="image/png", alt="Swings"
) -> SocialProjectPhoto:
    photo = SocialProjectPhoto(
        project=project,
        stored_name=f"{uuid.uuid4().hex}.png",
        original_name="photo.png",
        content_type=content_type,
        size=len(content),
        alt_kk=f"{alt} (kk)",
        alt_ru=f"{alt} (ru)",
        alt_en=alt,
        alt_zh_hans=f"{alt} (zh)",
    )
    photo.image.save(photo.stored_name, ContentFile(content), save=False)
    photo.save()
    return photo


@pytest.mark.parametrize("lang", LANGS)
def test_social_projects_show_published_projects_in_each_language(client, lang):
    project = SocialProjectFactory()
    photo = add_photo(project)
    SocialProjectFactory(
        title_en="Hidden draft",
        title_kk="Жоба",
        title_ru="Черновик",
        title_zh_hans="草稿",
        is_published=False,
    )

    html = client.get(f"/{lang}/social-projects/").content.decode()
    column = lang.replace("-", "_")

    assert h1_of(html) == [translated("Social projects with the Akimat of Shymkent", lang)]
    article = between(html, f'id="project-{project.pk}"', "</article>")
    assert escape(getattr(project, f"title_{column}")) in article
    assert escape(getattr(project, f"description_{column}")) in article
    assert label(enums.ProjectDistrict.ABAY, lang) in article
    assert label(enums.ProjectStatus.COMPLETED, lang) in article
    assert '<dd class="col-sm-8">2026</dd>' in article
    assert f"25{NBSP}000{NBSP}000" in article and f"24{NBSP}100{NBSP}000" in article
    src = reverse("charity:social_project_photo", args=[photo.pk])
    assert f'src="{src}" alt="{escape(getattr(photo, f"alt_{column}"))}"' in article
    assert "Hidden draft" not in html and "草稿" not in html


def test_social_projects_page_without_projects_says_so(client):
    SocialProjectFactory(is_published=False)
    html = client.get("/en/social-projects/").content.decode()
    assert "No social projects are published yet." in html
    assert "<article" not in html


def test_social_projects_queries_do_not_grow_with_projects_and_photos(client, query_count):
    add_photo(SocialProjectFactory())
    one, _ = query_count(lambda: client.get("/en/social-projects/"))
    for i in range(3):
        project = SocialProjectFactory(title_en=f"Project {i}", position=i + 1)
        for _ in range(3):
            add_photo(project)
    many, response = query_count(lambda: client.get("/en/social-projects/"))
    assert response.content.decode().count("<img ") == 10
    assert one == many


def test_project_photo_is_served_with_its_type(client):
    photo = add_photo(SocialProjectFactory())
    response = client.get(reverse("charity:social_project_photo", args=[photo.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PNG


def test_photo_of_an_unpublished_project_is_not_served(client):
    photo = add_photo(SocialProjectFactory(is_published=False))
    assert client.get(reverse("charity:social_project_photo", args=[photo.pk])).status_code == 404


def test_a_non_image_file_is_never_served_as_a_photo(client):
    photo = add_photo(SocialProjectFactory(), content=b"%PDF-1.4\n", content_type="application/pdf")
    assert client.get(reverse("charity:social_project_photo", args=[photo.pk])).status_code == 404
    assert (
        client.get(reverse("charity:social_project_photo", args=[photo.pk + 99])).status_code == 404
    )


def test_project_photo_whose_file_is_gone_is_404(client):
    photo = add_photo(SocialProjectFactory())
    photo.image.storage.delete(photo.image.name)
    assert client.get(reverse("charity:social_project_photo", args=[photo.pk])).status_code == 404


# --- Home page ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "kk"])
def test_home_links_the_charity_and_hotline_services(client, lang):
    html = client.get(f"/{lang}/").content.decode()
    charity = translated("Request charitable or social assistance", lang)
    hotline = translated("Report to the hotline", lang)
    soon = translated("coming soon", lang)

    assert f'<a href="/{lang}/charity/">{charity}</a>' in html
    assert f'<a href="/{lang}/hotline/report/">{hotline}</a>' in html
    assert soon not in html
