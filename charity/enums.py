"""Choices of the charitable and social assistance domain."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    LARGE_FAMILY = "large_family", _("Large family")
    LOW_INCOME = "low_income", _("Low-income family")
    DISABILITY = "disability", _("Disability in the family")
    ORPHANS = "orphans", _("Orphans or guardianship")
    PENSIONERS = "pensioners", _("Pensioner living alone")
    LOST_HOUSING = "lost_housing", _("Lost housing")
    SERIOUS_ILLNESS = "serious_illness", _("Serious illness")
    OTHER = "other", _("Other")


class District(models.TextChoices):
    ABAY = "abay", _("Abay district")
    AL_FARABI = "al_farabi", _("Al-Farabi district")
    ENBEKSHI = "enbekshi", _("Enbekshi district")
    KARATAU = "karatau", _("Karatau district")
    TURAN = "turan", _("Turan district")


class ProjectDistrict(models.TextChoices):
    """Where a social project is: a district or the whole city."""

    CITY = "city", _("Whole city")
    ABAY = District.ABAY.value, District.ABAY.label
    AL_FARABI = District.AL_FARABI.value, District.AL_FARABI.label
    ENBEKSHI = District.ENBEKSHI.value, District.ENBEKSHI.label
    KARATAU = District.KARATAU.value, District.KARATAU.label
    TURAN = District.TURAN.value, District.TURAN.label


class AidKind(models.TextChoices):
    MONEY = "money", _("Money")
    GOODS = "goods", _("Goods")
    MEDICAL = "medical", _("Medicine or treatment")
    EDUCATION = "education", _("Education")
    HOUSING_REPAIR = "housing_repair", _("Housing repair")
    OTHER = "other", _("Other")


class Relation(models.TextChoices):
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    SIBLING = "sibling", _("Brother or sister")
    GRANDPARENT = "grandparent", _("Grandparent")
    GRANDCHILD = "grandchild", _("Grandchild")
    WARD = "ward", _("Child under guardianship")
    OTHER = "other", _("Other relative")


class MemberStatus(models.TextChoices):
    WORKS = "works", _("Works")
    STUDIES = "studies", _("Studies")
    PENSIONER = "pensioner", _("Pensioner")
    DISABILITY = "disability", _("Person with disability")
    UNEMPLOYED = "unemployed", _("Unemployed")
    CHILD = "child", _("Child (not in school)")


class Channel(models.TextChoices):
    WEB = "web", _("Portal")
    APPEAL = "appeal", _("From an appeal")
    RECEPTION = "reception", _("From a personal reception")
    PAPER = "paper", _("Paper application")


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    DOCUMENTS_INCOMPLETE = "documents_incomplete", _("Documents incomplete")
    UNDER_REVIEW = "under_review", _("Under review")
    AT_COMMITTEE = "at_committee", _("At the committee")
    APPROVED = "approved", _("Approved")
    PARTLY_APPROVED = "partly_approved", _("Partly approved")
    REJECTED = "rejected", _("Rejected")
    DISBURSED = "disbursed", _("Aid handed over")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn by the applicant")


# Not yet decided: the answer deadline runs, the applicant may still withdraw.
OPEN_STATUSES = {
    Status.SUBMITTED,
    Status.DOCUMENTS_INCOMPLETE,
    Status.UNDER_REVIEW,
    Status.AT_COMMITTEE,
}
# The applicant may withdraw at any time before the aid is handed over.
WITHDRAWABLE_STATUSES = OPEN_STATUSES | {Status.APPROVED, Status.PARTLY_APPROVED}
FINAL_STATUSES = {Status.CLOSED, Status.WITHDRAWN}
# Aid was given (for the double-help check and the public report).
AIDED_STATUSES = {Status.DISBURSED, Status.CLOSED}


class Outcome(models.TextChoices):
    APPROVED = "approved", _("Approved")
    PARTLY_APPROVED = "partly_approved", _("Partly approved")
    REJECTED = "rejected", _("Rejected")


class ItemStatus(models.TextChoices):
    APPROVED = "approved", _("Approved, to be handed over")
    DISBURSED = "disbursed", _("Handed over")
    CANCELLED = "cancelled", _("Cancelled")


class DisbursementMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    CASH = "cash", _("Cash against signature")
    GOODS = "goods", _("Goods handed over")
    SUPPLIER = "supplier", _("Payment to a supplier")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    APPROVED = "approved", _("Minutes approved by the chair")


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
