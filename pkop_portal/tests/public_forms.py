"""Filling in the public forms as a browser does: GET the page, send back its hidden fields
(one-time form key, consent version) with what the person types."""

import re

from django.utils import timezone

from appeals.models import Category
from reception import selectors
from reception.slots import slots_generate_all
from reception.tests.factories import RuleFactory

IIN = "870101300009"
_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def hidden_fields(html: str) -> dict[str, str]:
    """The hidden inputs of a page (csrf token, form key, consent version), by name."""
    return dict(_HIDDEN.findall(html))


def free_slot():
    """A bookable slot of a new manager (weekdays, one seat)."""
    rule = RuleFactory(weekdays="1,2,3,4,5", capacity=1)
    slots_generate_all()
    return selectors.slot_list_free(manager=rule.manager, now=timezone.now()).first()


def booking_url(slot, lang="ru") -> str:
    return f"/{lang}/reception/slot/{slot.pk}/book/"


def booking_form(client, slot, lang="ru", **typed) -> dict:
    """The booking form as shown on the page, filled in (`typed` overrides; None drops)."""
    data = {
        **hidden_fields(client.get(booking_url(slot, lang)).content.decode()),
        "full_name": "Айгерим Садыкова",
        "iin": IIN,
        "phone": "+7 701 123 45 67",
        "email": "aigerim@example.kz",
        "topic": "Благотворительная помощь",
        "description": "Нужна помощь на лечение",
        "consent": "on",
        "website": "",
    }
    data.update(typed)
    return {k: v for k, v in data.items() if v is not None}


APPEAL_URL = "/{lang}/appeals/new/"


def appeal_form(client, lang="ru", **typed) -> dict:
    """The appeal form as shown on the page, filled in (`typed` overrides; None drops)."""
    data = {
        **hidden_fields(client.get(APPEAL_URL.format(lang=lang)).content.decode()),
        "applicant_type": "individual",
        "full_name": "Айгерим Садыкова",
        "iin": IIN,
        "address": "Шымкент, ул. Байтурсынова, 1",
        "phone": "+7 701 123 45 67",
        "email": "aigerim@example.kz",
        "preferred_contact": "email",
        "kind": "statement",
        "category": str(Category.objects.get(slug="charity").pk),
        "subject": "Помощь многодетной семье",
        "text": "Прошу рассмотреть возможность оказания помощи.",
        "consent": "on",
        "website": "",
    }
    data.update(typed)
    return {k: v for k, v in data.items() if v is not None}
