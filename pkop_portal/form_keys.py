"""One filled form, one record: the submission side of pkop_portal.forms.FormKeyField.

A public form carries a one-time key that only the submitting browser holds. The record it
creates stores only the key's keyed hash (`form_key_hash`), and its access code is derived
from the key, so the same form sent again (double click, resent page, concurrent requests)
finds the record by that hash and shows the same code on its receipt without the code being
kept anywhere. Appeals and charity requests use it, each with its own purposes.
"""

from dataclasses import dataclass

from pkop_portal import access_codes, keys


@dataclass(frozen=True)
class FormKeyPurposes:
    """The keyed-hash purposes of one kind of form: `key` for the stored hash of the form key,
    `code` for the access code derived from it."""

    key: str
    code: str

    def key_hash(self, form_key: str) -> str | None:
        """The hash to store for `form_key` (current key), None without a form key."""
        return keys.keyed_hash(self.key, form_key) if form_key else None

    def new_code(self, form_key: str) -> str:
        """The access code of a new record: derived from `form_key`, random without one."""
        if form_key:
            return access_codes.derive_access_code(purpose=self.code, secret=form_key)
        return access_codes.new_access_code()

    def find(self, queryset, form_key: str):
        """The record of `queryset` an earlier submission with `form_key` created, as
        (record, access code derived again from the key or None if it was replaced since);
        None if there is none. The records have number, access_code_hash, form_key_hash."""
        record = queryset.filter(form_key_hash__in=keys.keyed_hashes(self.key, form_key)).first()
        if record is None:
            return None
        code = access_codes.derived_code_matching(
            purpose=self.code,
            secret=form_key,
            number=record.number,
            stored_hash=record.access_code_hash,
        )
        return record, code
