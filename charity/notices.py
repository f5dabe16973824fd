"""The applicant's notices about a charity request, registered with the notifications app.

Stored contexts hold the request's number and codes (status, outcome, document types), never
labels: the templates name them in the request's language when the message is rendered
(charity.templatetags.charity_notices). No stored context holds a secret.

"charity.created_from_channel" carries the access code of a request made by staff from an
appeal or a reception visit (charity.services.channels): its outbox row holds only the
request's id and number and a random nonce; the code is derived from the nonce again at send
time, and sent only while it is still the request's code. Staff pages show the message and
its context with the code and the nonce hidden.
"""

from django.utils.translation import gettext_lazy as _

from notifications.events import Enrichment, EventSpec, SkipDelivery, register
from pkop_portal.access_codes import format_code

NUMBER = "C-2026-000123"


def enrich_created_from_channel(context: dict) -> Enrichment:
    # Deferred: notices are registered from AppConfig.ready(), before services may be imported
    # without pulling models of apps not loaded yet.
    from charity.models import CharityRequest
    from charity.services.channels import channel_code

    request = (
        CharityRequest.objects.filter(pk=context["request_id"])
        .only("pk", "number", "access_code_hash")
        .first()
    )
    if request is None:
        raise SkipDelivery("request no longer exists")
    code = channel_code(request=request, nonce=context["nonce"])
    if code is None:
        raise SkipDelivery("a newer access code replaced this one")
    return Enrichment(context={"code": format_code(code)})


EVENTS = [
    EventSpec(
        "charity.submitted",
        None,
        ("number",),
        {
            "number": NUMBER,
            "registration_date": "30.11.2026",
            "due_date": "21.12.2026",
            "missing_documents": ["income"],
        },
    ),
    EventSpec(
        "charity.documents_requested",
        None,
        ("number", "documents", "note"),
        {
            "number": NUMBER,
            "documents": ["large_family_status", "income"],
            "note": "Справка о доходах супруга за октябрь",
        },
    ),
    EventSpec(
        "charity.status_changed",
        None,
        ("number", "status"),
        {"number": NUMBER, "status": "under_review"},
    ),
    EventSpec(
        "charity.decided",
        None,
        ("number", "outcome", "reasons"),
        {
            "number": NUMBER,
            "outcome": "partly_approved",
            "reasons": "Многодетная семья; доход ниже прожиточного минимума.",
            "items": [
                {
                    "description": "Зимняя одежда",
                    "quantity": "5",
                    "unit": "комплект",
                    "amount": "150000.00",
                }
            ],
        },
    ),
    EventSpec(
        "charity.extended",
        None,
        ("number", "due_date", "reason"),
        {"number": NUMBER, "due_date": "27.01.2027", "reason": "Нужно обследование на дому"},
    ),
    EventSpec(
        "charity.message",
        None,
        ("number", "text"),
        {"number": NUMBER, "text": "Пожалуйста, уточните номер телефона супруга."},
    ),
    EventSpec(
        "charity.disbursed",
        None,
        ("number",),
        {"number": NUMBER, "total": "150000.00", "items": ["Зимняя одежда"]},
    ),
    EventSpec(
        "charity.item_disbursed",
        None,
        ("number", "item", "amount"),
        {"number": NUMBER, "item": "Зимняя одежда", "amount": "150000.00"},
    ),
    EventSpec(
        "charity.item_cancelled",
        None,
        ("number", "item", "reason"),
        {
            "number": NUMBER,
            "item": "Продуктовый набор",
            "reason": "Заявитель отказался от продуктового набора.",
        },
    ),
    EventSpec(
        "charity.closed",
        None,
        ("number",),
        {"number": NUMBER, "reason": ""},
    ),
    EventSpec("charity.withdrawn", None, ("number",), {"number": NUMBER}),
    EventSpec(
        "charity.created_from_channel",
        None,
        ("request_id", "number", "nonce", "source"),
        {"request_id": 0, "number": NUMBER, "nonce": "sample", "source": "appeal"},
        enrich_created_from_channel,
        secret_context={"code": _("[access code hidden]"), "nonce": _("[hidden]")},
    ),
]


def register_events() -> None:
    for spec in EVENTS:
        register(spec)
