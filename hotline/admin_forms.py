"""Forms of the hotline staff UI (the Django admin): one small form per handling step. Each step
is done by hotline.services.workflow, which checks the user and the report's status again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hotline import access, enums
from hotline.models import Report
from pkop_portal.forms import PortalForm, column_length

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StaffChoiceField(forms.ModelChoiceField):
    """A staff member, shown by name."""

    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


def compliance_staff():
    """The Compliance members (hotline.access.compliance_members), by name."""
    return access.compliance_members().order_by("first_name", "last_name", "username")


class ConfirmForm(PortalForm):
    """A step without input: the button confirms it."""


class ConcludeForm(PortalForm):
    conclusion = forms.ChoiceField(label=_("Conclusion"), choices=enums.Conclusion.choices)
    reasons = forms.CharField(
        label=_("Reasons"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What was found and why; kept in the report's history."),
    )


class TriageForm(PortalForm):
    severity = forms.ChoiceField(label=_("Severity"), choices=enums.Severity.choices)
    retaliation_risk = forms.ChoiceField(
        label=_("Retaliation risk"), choices=enums.RetaliationRisk.choices
    )


class AssignForm(PortalForm):
    investigator = StaffChoiceField(label=_("Investigator"), queryset=compliance_staff())

    def __init__(self, *args, report=None, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = compliance_staff()
        if report is not None:
            queryset = queryset.exclude(pk__in=report.excluded_officers.all())
        self.fields["investigator"].queryset = queryset


class ExcludeForm(PortalForm):
    officer = StaffChoiceField(
        label=_("Officer to exclude"),
        queryset=compliance_staff(),
        help_text=_(
            "An officer named in the report or otherwise in a conflict of interest: they will "
            "no longer see the report."
        ),
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReferForm(PortalForm):
    referred_on = forms.DateField(label=_("Referred on"), widget=DATE_INPUT)
    reference = forms.CharField(
        label=_("Reference of the Anti-Corruption Service"),
        max_length=column_length(Report, "referral_reference"),
    )


class MessageForm(PortalForm):
    text = forms.CharField(
        label=_("Message to the reporter"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Shown on the reporter's follow-up page."),
    )


class LegalHoldForm(PortalForm):
    legal_hold = forms.BooleanField(
        label=_("Legal hold"),
        required=False,
        help_text=_("While set, the report is never anonymised."),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
