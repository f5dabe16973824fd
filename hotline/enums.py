"""Choices of the hotline (Policy No. 00-02)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ReporterType(models.TextChoices):
    EMPLOYEE = "employee", _("Employee of the company")
    CONTRACTOR = "contractor", _("Contractor")
    SUPPLIER = "supplier", _("Supplier")
    CITIZEN = "citizen", _("Citizen")
    OTHER = "other", _("Other")


class Category(models.TextChoices):
    CORRUPTION = "corruption", _("Corruption or bribery")
    FRAUD = "fraud", _("Fraud")
    CONFLICT_OF_INTEREST = "conflict_of_interest", _("Conflict of interest")
    SAFETY = "safety", _("Safety or environment violation")
    HARASSMENT = "harassment", _("Harassment or discrimination")
    RETALIATION = "retaliation", _("Retaliation")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("hotline report status", "Received")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    UNDER_INVESTIGATION = "under_investigation", _("Under investigation")
    CONCLUDED = "concluded", _("Concluded")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = {Status.RECEIVED, Status.ACKNOWLEDGED, Status.UNDER_INVESTIGATION}


class Conclusion(models.TextChoices):
    SUBSTANTIATED = "substantiated", _("Substantiated")
    PARTLY_SUBSTANTIATED = "partly_substantiated", _("Partly substantiated")
    NOT_SUBSTANTIATED = "not_substantiated", _("Not substantiated")
    OUTSIDE_POLICY = "outside_policy", _("Outside the policy")


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class RetaliationRisk(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class AccessAction(models.TextChoices):
    LIST = "list", _("Listed reports")
    OPEN = "open", _("Opened a report")
    SEARCH = "search", _("Searched")
    EXPORT = "export", _("Exported")
    DOWNLOAD = "download", _("Downloaded a file")
    CHANGE = "change", _("Changed a report")
    STATISTICS = "statistics", _("Viewed statistics")
