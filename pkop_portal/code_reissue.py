"""A new access code for a citizen who lost theirs, shared by appeals and charity requests.

The citizen gives the record's registration number and a contact on file (the IIN, the phone
number or the e-mail address: `find_by_contact`, the same comparisons whether or not the number
exists). The new code is never stored and never put in the outbox: it is derived from a random
nonce with the current key of pkop_portal.keys (`CodeReissue.reissue`), its keyed hash replaces
the record's (the old code stops working at once), and only the nonce goes into the outbox row
of the notice, which goes to the contact on file by the preferred channel. At send time the code
is derived from the nonce again and sent only while it is still the record's code
(`CodeReissue.enrich`): an older row is cancelled rather than sending a dead code. The nonce
alone is useless without the server's key (the trade-off of the reception manage link). Staff
see the message and its stored context with the code and the nonce hidden.

Each kind of record has one `CodeReissue` below (its event, model and derivation purpose); the
events are registered at start-up by pkop_portal's AppConfig, so every process (web, worker)
knows them. Models are named, not imported: they are resolved when a message is sent.
"""

import secrets
from dataclasses import dataclass

import phonenumbers
from django.apps import apps
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _

from notifications.events import Enrichment, EventSpec, SkipDelivery, register
from notifications.services import Recipient, notify
from pkop_portal import access_codes, identity
from pkop_portal.sequences import normalise_number
from pkop_portal.validators import is_ascii_digits, is_typed_phone

SECRET_CONTEXT = {"code": _("[access code hidden]"), "nonce": _("[hidden]")}


def _typed_phone_e164(value: str) -> str:
    if not value or not is_typed_phone(value):
        return ""
    try:
        parsed = phonenumbers.parse(value, "KZ")
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_valid_number(parsed):
        return ""
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def contact_matches(
    *, typed: str, iin: str, email: str, phone: str, id_document_number: str = ""
) -> bool:
    """Whether `typed` is the IIN (or, without one, the identity document's number), the
    e-mail address or the phone number on file.

    Under the portal's input rules (pkop_portal.validators: ASCII digits only, so a number has
    one spelling): spaces dropped from an IIN, e-mail compared without case, the phone parsed
    with region KZ, a document number in its one spelling (pkop_portal.identity). All four
    comparisons run whatever matches."""
    value = typed.strip()
    compact = "".join(value.split())
    typed_iin = compact if is_ascii_digits(compact, 12) else ""
    typed_email = value.casefold() if "@" in value else ""
    typed_phone = _typed_phone_e164(value)
    typed_document = identity.typed_document_number(value)
    results = [
        bool(iin) and constant_time_compare(typed_iin, iin),
        bool(email) and constant_time_compare(typed_email, email.casefold()),
        bool(phone) and constant_time_compare(typed_phone, phone),
        bool(id_document_number) and constant_time_compare(typed_document, id_document_number),
    ]
    return any(results)


def find_by_contact(queryset, *, number: str, contact: str):
    """The record of `queryset` (with `number`, `iin`, `id_document_number`, `email`, `phone`
    columns) numbered `number` whose IIN, document number, e-mail or phone on file is
    `contact`, else None. An unknown number costs the same comparisons."""
    number = normalise_number(number)
    record = (
        queryset.filter(number=number)
        .only("pk", "number", "iin", "id_document_number", "email", "phone")
        .first()
    )
    matches = contact_matches(
        typed=contact,
        iin=record.iin if record else "",
        email=record.email if record else "",
        phone=record.phone.as_e164 if record and record.phone else "",
        id_document_number=record.id_document_number if record else "",
    )
    return record if record is not None and matches else None


@dataclass(frozen=True)
class CodeReissue:
    """The new-code mechanism of one kind of record."""

    event: str  # the notification event that carries the code
    model: str  # "app_label.Model": has `number`, `access_code_hash` and `updated_at`
    id_key: str  # the context key of the record's id
    purpose: str  # the derivation purpose of the codes (pkop_portal.keys)
    sample_number: str

    def _secret(self, number: str, nonce: str) -> str:
        return f"{number}:{nonce}"

    def reissue(self, record, *, to: Recipient, language: str, history_id: int) -> None:
        """Give `record` (locked by the caller's transaction) a new code: its hash replaces
        the stored one and the notice is queued for `to` with the nonce only.
        `history_id`: the id of the caller's history row of this reissue (the message's key)."""
        nonce = secrets.token_urlsafe(16)
        code = access_codes.derive_access_code(
            purpose=self.purpose, secret=self._secret(record.number, nonce)
        )
        record.access_code_hash = access_codes.hash_access_code(number=record.number, code=code)
        record.save(update_fields=["access_code_hash", "updated_at"])
        notify(
            event=self.event,
            to=to,
            language=language,
            context={self.id_key: record.pk, "number": record.number, "nonce": nonce},
            # Not the nonce: the key is shown to staff and sent as the message's id.
            dedupe_key=f"{self.event}:{record.pk}:{history_id}",
            about=record,
        )

    def code_for(self, record, *, nonce: str) -> str | None:
        """The code `reissue` made from `nonce`, if it is still the record's code (under any
        accepted key); None once a newer code replaced it or its key was retired."""
        return access_codes.derived_code_matching(
            purpose=self.purpose,
            secret=self._secret(record.number, nonce),
            number=record.number,
            stored_hash=record.access_code_hash,
        )

    def enrich(self, context: dict) -> Enrichment:
        """Send time: the code, derived again; the message is skipped once it is dead."""
        model = apps.get_model(self.model)
        record = (
            model.objects.filter(pk=context[self.id_key])
            .only("pk", "number", "access_code_hash")
            .first()
        )
        if record is None:
            raise SkipDelivery("the record no longer exists")
        code = self.code_for(record, nonce=context["nonce"])
        if code is None:
            raise SkipDelivery("a newer access code replaced this one")
        return Enrichment(context={"code": access_codes.format_code(code)})

    def event_spec(self) -> EventSpec:
        return EventSpec(
            self.event,
            None,
            (self.id_key, "number", "nonce"),
            {self.id_key: 0, "number": self.sample_number, "nonce": "sample"},
            self.enrich,
            secret_context=SECRET_CONTEXT,
        )


APPEAL = CodeReissue(
    event="appeal.code_reissued",
    model="appeals.Appeal",
    id_key="appeal_id",
    purpose="appeals.reissued_code",
    sample_number="A-2026-000123",
)
CHARITY_REQUEST = CodeReissue(
    event="charity.code_reissued",
    model="charity.CharityRequest",
    id_key="request_id",
    purpose="charity.reissued_code",
    sample_number="C-2026-000123",
)
REISSUES = (APPEAL, CHARITY_REQUEST)


def register_events() -> None:
    for reissue in REISSUES:
        register(reissue.event_spec())
