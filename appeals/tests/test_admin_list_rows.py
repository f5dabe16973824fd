"""The appeal list renders its rows once per page (pkop_portal.admin_base.PortalChangeList):
the same HTML as Django's own `{% result_list %}`, for every viewer, search and filter."""

from datetime import timedelta

import pytest
from django.contrib.admin.templatetags import admin_list
from django.contrib.auth.models import Group, User

from appeals import enums
from appeals.models import Category
from appeals.tests.factories import AppealFactory
from pkop_portal import workdays

pytestmark = pytest.mark.django_db
URL = "/en/admin/appeals/appeal/"


def _viewer(client, group):
    user = User.objects.create_user(f"v-{group}", is_staff=True, first_name="Viewer")
    user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    return user


def _rows_html(rows) -> list[str]:
    return ["".join(str(item) for item in row) for row in rows]


def _appeals(executor):
    today = workdays.local_now().date()
    AppealFactory(due_date=today - timedelta(days=2), status=enums.Status.IN_WORK)
    AppealFactory(executor=executor, phone="+77011234567", full_name="Айгерим <b>Садыкова</b>")
    AppealFactory(full_name="", organisation_name="ТОО & Ко", redirect_due_date=today)
    AppealFactory(is_anonymous=True, full_name="", iin="", subject="Тема <i>с</i> & знаками")
    AppealFactory(executor=executor, status=enums.Status.ANSWERED, due_date=today - timedelta(9))


@pytest.mark.parametrize("group", ["Head", "Analyst", "Executor"])
@pytest.mark.parametrize(
    "query", ["", "?q=семье", "?status__exact=registered&o=-2.1", "?state=all&o=5.-1", "?mine=1"]
)
def test_rows_are_the_html_of_djangos_result_list(client, group, query):
    user = _viewer(client, group)
    _appeals(executor=user)
    # An Executor's bare list opens on their own appeals (?mine=1).
    response = client.get(URL + query, follow=True)
    assert response.status_code == 200
    cl = response.context["cl"]
    fast = cl.result_list_context()
    django = admin_list.result_list(cl)
    assert fast["result_headers"] == django["result_headers"]
    assert fast["num_sorted_fields"] == django["num_sorted_fields"]
    assert _rows_html(fast["results"]) == _rows_html(django["results"])
    html = response.content.decode()
    for row in _rows_html(fast["results"]):
        assert row in html
    filters = cl.filters_html()
    assert filters == "".join(admin_list.admin_list_filter(cl, spec) for spec in cl.filter_specs)
    assert filters in html
    assert cl.result_count > 0
    if query.startswith("?q="):
        assert "_changelist_filters=q%3D" in html


def test_category_and_executor_filters_list_every_row_kept_in_the_process(client, query_count):
    user = _viewer(client, "Head")
    AppealFactory(executor=user)
    first, response = query_count(lambda: client.get(URL))
    again, response = query_count(lambda: client.get(URL), cold=False)
    assert again == first - 2  # categories and users are not read again
    html = response.content.decode()
    assert f"?executor__id__exact={user.pk}" in html and "?executor__isnull=True" in html
    for category in Category.objects.all():
        assert f"?category__id__exact={category.pk}" in html
    Category.objects.create(
        slug="new-one", name_en="Brand new", name_ru="Новая", name_kk="Жаңа", name_zh_hans="新"
    )
    assert "Brand new" in client.get(URL).content.decode()
    filtered = client.get(f"{URL}?executor__id__exact={user.pk}").context["cl"]
    assert filtered.result_count == 1
