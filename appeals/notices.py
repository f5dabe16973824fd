"""Send-time content of the appeals notices that carry a secret: the new access code.

The outbox row of "appeal.code_reissued" holds the appeal's id and number and the random nonce
the code was derived from (appeals.services.appeal_code_reissue), never the code. At send time
the code is derived again and sent only if it is still the appeal's code: once a newer code
replaced it (or its key was retired), the row is skipped rather than sending a dead code.
Staff pages show the message and its context with the code and the nonce hidden.
"""

from django.utils.translation import gettext_lazy as _

from appeals.models import Appeal
from appeals.services import reissued_code
from notifications.events import Enrichment, EventSpec, SkipDelivery, register
from pkop_portal.access_codes import format_code


def enrich_code_reissued(context: dict) -> Enrichment:
    appeal = (
        Appeal.objects.filter(pk=context["appeal_id"])
        .only("pk", "number", "access_code_hash")
        .first()
    )
    if appeal is None:
        raise SkipDelivery("appeal no longer exists")
    code = reissued_code(appeal=appeal, nonce=context["nonce"])
    if code is None:
        raise SkipDelivery("a newer access code replaced this one")
    return Enrichment(context={"code": format_code(code)})


SAMPLE = {"appeal_id": 0, "number": "A-2026-000123", "nonce": "sample"}


def register_events() -> None:
    register(
        EventSpec(
            "appeal.code_reissued",
            None,
            ("appeal_id", "number", "nonce"),
            SAMPLE,
            enrich_code_reissued,
            secret_context={"code": _("[access code hidden]"), "nonce": _("[hidden]")},
        )
    )
