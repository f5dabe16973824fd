"""Send-time content of the appeals notices that carry a secret: the new access code.

The outbox row of "appeal.code_reissued" holds the appeal's id and number and the random nonce
the code was derived from (appeals.services.appeal_code_reissue), never the code. At send time
the code is derived again and sent only if it is still the appeal's code: once a newer code
replaced it (or its key was retired), the row is skipped rather than sending a dead code.
Staff pages show the message and its context with the code and the nonce hidden. The
mechanism is shared with charity requests: pkop_portal.code_reissue.
"""

from notifications.events import register
from pkop_portal.code_reissue import APPEAL

enrich_code_reissued = APPEAL.enrich
SAMPLE = APPEAL.event_spec().sample_context


def register_events() -> None:
    register(APPEAL.event_spec())
