import re

import pytest
from django.contrib.auth.models import Group, User
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Browser, Page, expect

from appeals.models import Appeal
from appeals.tests.factories import VALID_IIN
from appeals.tests.files import PDF

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def kk(text: str) -> str:
    with translation.override("kk"):
        return gettext(text)


def test_citizen_submits_in_kazakh_staff_answers_citizen_reads_answer(
    page: Page, browser: Browser, live_server
):
    # --- The citizen submits an appeal in Kazakh with a file.
    page.goto(f"{live_server.url}/kk/")
    page.get_by_role("link", name=kk("Submit an appeal")).first.click()
    expect(page.locator("h1")).to_have_text(kk("Submit an appeal"))
    page.get_by_label(kk("Full name")).fill("Айгерим Садықова")
    # The IIN's own field (the "I have no IIN" box's label names the IIN too).
    page.get_by_role("textbox", name=kk("IIN")).fill(VALID_IIN)
    page.get_by_label(kk("Postal address")).fill("Шымкент, Байтұрсынов к-сі, 1")
    page.get_by_label(kk("E-mail")).fill("aigerim@example.kz")
    page.get_by_label(kk("Subject area")).select_option(label="Қайырымдылық және әлеуметтік көмек")
    page.locator("#id_subject").fill("Көп балалы отбасына көмек")
    page.get_by_label(kk("Text of the appeal")).fill("Қысқы киім алуға көмек сұраймыз.")
    page.locator("input[name=files]").set_input_files(
        files=[{"name": "анықтама.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_label(kk("I consent to the processing of my personal data")).check()
    page.get_by_role("button", name=kk("Submit the appeal")).click()

    expect(page.locator("h1")).to_have_text(kk("Your appeal is registered"))
    number = page.locator("#appeal-number").inner_text()
    code = page.locator("#access-code").inner_text()
    # The receipt survives a reload in the same browser (its sealed cookie, not the server).
    page.reload()
    expect(page.locator("#access-code")).to_have_text(code)
    assert re.fullmatch(r"A-\d{4}-\d{6}", number)
    appeal = Appeal.objects.get(number=number)
    assert appeal.language == "kk"
    assert appeal.attachments.get().original_name == "анықтама.pdf"

    # --- Staff sign in to the admin, assign and answer it.
    executor = User.objects.create_user("executor", is_staff=True, first_name="Асель")
    executor.groups.add(Group.objects.get(name="Executor"))
    User.objects.create_superuser(
        "head",
        "head@pkop.kz",
        "correct-horse-battery-staple",
        first_name="Дана",
        last_name="Қайратова",
    )
    staff = browser.new_context().new_page()
    staff.goto(f"{live_server.url}/kk/admin/login/")
    staff.locator("#id_username").fill("head")
    staff.locator("#id_password").fill("correct-horse-battery-staple")
    staff.locator("input[type=submit]").click()
    staff.goto(f"{live_server.url}/kk/admin/appeals/appeal/{appeal.pk}/change/")
    staff.locator("a.appeal-action-assign").click()
    staff.locator("#id_executor").select_option(label="Асель")
    staff.locator("input[type=submit]").click()
    staff.locator("a.appeal-action-answer").click()
    staff.locator("input[name=outcome][value=satisfied]").check()
    staff.locator("#id_reasoning").fill("Комиссия көмек көрсету туралы шешім қабылдады.")
    staff.locator("#id_legal_basis").fill("ӘРПК 76-бап")
    staff.locator("#id_confirm").check()
    staff.locator("input[type=submit]").click()
    expect(staff.locator(".messagelist")).to_contain_text(kk("Answer"))
    appeal.refresh_from_db()
    assert appeal.status == "answered"

    # --- The citizen tracks the appeal and reads the answer in Kazakh.
    citizen = browser.new_context().new_page()
    citizen.goto(f"{live_server.url}/kk/appeals/track/")
    citizen.get_by_label(kk("Registration number")).fill(number)
    citizen.get_by_label(kk("Access code")).fill(code)
    citizen.get_by_role("button", name=kk("Show my appeal")).click()
    expect(citizen.locator("#appeal-status")).to_have_text(kk("Answered"))
    expect(citizen.locator("#answer-heading")).to_have_text(kk("Answer"))
    expect(citizen.locator(".answer-reasoning")).to_contain_text(
        "Комиссия көмек көрсету туралы шешім қабылдады."
    )
    expect(citizen.locator(".right-to-appeal")).to_have_text(
        kk(
            "You may appeal against this decision to the head of the company or a higher "
            "body, or to the court, as the law provides (Administrative Procedural and "
            "Process Code of the Republic of Kazakhstan)."
        )
    )
