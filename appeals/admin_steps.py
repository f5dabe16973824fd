"""The next steps offered on an appeal's admin page: only those its state and the user's role
allow, grouped (decide / route / record), with one primary step emphasised.

The checks are those the workflow services make (appeals.workflow), read without a lock: an open
status, the executor or a Head, the referral of a possible crime first, the repeat flag, an
extension only before the due date has passed and within two months of registration. The
services check again when the step is taken; this module only decides what to offer.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from appeals import enums
from appeals.models import Appeal, AppealEvent
from pkop_portal import signatures, workdays
from pkop_portal.deadlines import EXTENSION_LIMIT

DECIDE, ROUTE, RECORD = "decide", "route", "record"
GROUPS = {
    DECIDE: pgettext_lazy("appeal steps", "Decide"),
    ROUTE: pgettext_lazy("appeal steps", "Route"),
    RECORD: pgettext_lazy("appeal steps", "Record"),
}


@dataclass(frozen=True)
class StepKind:
    """A workflow step of the appeal page: the permission its view requires, its title (also
    the form's button), and its group."""

    permission: str
    title: str
    group: str


# The workflow steps with a form (admin.AppealAdmin.workflow_view), in the order shown.
STEPS = {
    "answer": StepKind("change_appeal", _("Answer"), DECIDE),
    "not_considered": StepKind("change_appeal", _("Do not consider"), DECIDE),
    "extend": StepKind("extend_appeal", _("Extend the deadline"), DECIDE),
    "assign": StepKind("assign_appeal", _("Assign an executor"), ROUTE),
    "redirect": StepKind("change_appeal", _("Redirect to a competent body"), ROUTE),
    "refer": StepKind("change_appeal", _("Record the referral to the competent authority"), ROUTE),
    "note": StepKind("add_note_appeal", _("Add an internal note"), RECORD),
    "link_repeat": StepKind("change_appeal", _("Link as a repeat"), RECORD),
    "dismiss_repeat": StepKind("change_appeal", _("Not a repeat"), RECORD),
}
TO_CHARITY = "to_charity"
TO_CHARITY_TITLE = _("Send to the charity procedure")


@dataclass(frozen=True)
class Step:
    action: str
    title: str
    url: str
    primary: bool = False


@dataclass(frozen=True)
class StepGroup:
    key: str
    title: str
    steps: list[Step] = field(default_factory=list)


def appeal_referred(appeal: Appeal) -> bool:
    """Whether a referral to the competent authority is on record (one query)."""
    return appeal.events.filter(kind=AppealEvent.Kind.REFERRED).exists()


def _acts_on(appeal: Appeal, user) -> bool:
    """The executor of the appeal, or a Head (workflow._require_executor_or_head)."""
    return user.has_perm("appeals.change_appeal") and (
        appeal.executor_id == user.pk or user.has_perm("appeals.assign_appeal")
    )


def _may_extend(appeal: Appeal) -> bool:
    """Before the due date has passed, and not yet at two months after registration."""
    today = workdays.local_now().date()
    return today <= appeal.due_date < appeal.registration_date + EXTENSION_LIMIT


def appeal_step_allowed(action: str, *, appeal: Appeal, user, referred: bool) -> bool:
    """Whether `user` is offered workflow step `action` on `appeal` (`referred`: a referral is
    on record). A closed appeal offers only the internal note."""
    kind = STEPS[action]
    if not user.has_perm(f"appeals.{kind.permission}"):
        return False
    if action == "note":
        return True
    if not appeal.is_open:
        return False
    crime_pending = appeal.possible_crime and not referred
    if action == "assign":
        return True
    if action == "extend":
        return _may_extend(appeal)
    if not _acts_on(appeal, user):
        return False
    if action == "refer":
        return appeal.possible_crime
    if action in ("link_repeat", "dismiss_repeat"):
        return appeal.possible_repeat
    return not crime_pending  # answer, not considered, redirect


def appeal_primary_step(actions: set[str], *, appeal: Appeal, referred: bool) -> str | None:
    """The one step to emphasise among the offered `actions`: the referral of a possible crime
    not yet referred; else the assignment of a registered appeal without executor; else the
    answer."""
    if appeal.possible_crime and not referred and "refer" in actions:
        return "refer"
    if (
        appeal.status == enums.Status.REGISTERED
        and appeal.executor_id is None
        and "assign" in actions
    ):
        return "assign"
    if "answer" in actions:
        return "answer"
    return None


def appeal_steps(
    *, appeal: Appeal, user, referred: bool | None = None, to_charity: bool = False
) -> list[StepGroup]:
    """The groups of steps offered to `user` on `appeal`, each group with at least one step, in
    the order decide, route, record. `referred`: whether a referral is on record (looked up
    when None and the appeal is flagged a possible crime); `to_charity`: whether "Send to the
    charity procedure" is open to the user (admin.may_send_to_charity)."""
    if referred is None:
        referred = appeal.possible_crime and appeal_referred(appeal)
    actions = [
        action
        for action in STEPS
        if appeal_step_allowed(action, appeal=appeal, user=user, referred=referred)
    ]
    charity = to_charity and not (appeal.possible_crime and not referred)
    primary = appeal_primary_step(set(actions), appeal=appeal, referred=referred)
    groups = {key: StepGroup(key, title) for key, title in GROUPS.items()}
    for action in actions:
        groups[STEPS[action].group].steps.append(
            Step(
                action,
                STEPS[action].title,
                reverse("admin:appeals_appeal_workflow", args=[appeal.pk, action]),
                primary=action == primary,
            )
        )
    if charity:
        groups[ROUTE].steps.append(
            Step(
                TO_CHARITY,
                TO_CHARITY_TITLE,
                reverse("admin:appeals_appeal_to_charity", args=[appeal.pk]),
            )
        )
    return [group for group in groups.values() if group.steps]


@dataclass(frozen=True)
class AttachmentLink:
    name: str
    url: str
    size: int


def answer_context(*, appeal: Appeal, user) -> dict:
    """What the answer form shows beside it (template context): the citizen's language, files
    (download links, for those who may open them) and later messages, and who signs the answer
    ("Full name, position" in the appeal's language) or why nobody can (`signer_error`)."""
    attachments = []
    if user.has_perm("appeals.view_appealattachment"):
        attachments = [
            AttachmentLink(
                a.original_name,
                reverse("admin:appeals_appeal_attachment", args=[appeal.pk, a.pk]),
                a.size,
            )
            for a in appeal.attachments.order_by("id")
        ]
    applicant_messages = []
    if user.has_perm("appeals.view_appealmessage"):
        applicant_messages = list(appeal.messages.order_by("created_at", "id"))
    try:
        signer, signer_error = signatures.signer_line(user, appeal.language), ""
    except ValidationError as exc:
        signer, signer_error = "", exc.messages[0]
    return {
        "appeal_beside": True,
        "appeal_language": appeal.get_language_display(),
        "attachments": attachments,
        "applicant_messages": applicant_messages,
        "signer": signer,
        "signer_error": signer_error,
    }
