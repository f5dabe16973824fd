"""Choices of the appeals domain (APPK of the Republic of Kazakhstan)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from pkop_portal import enums


class ApplicantType(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    LEGAL_ENTITY = "legal_entity", _("Representative of a legal entity")
    EMPLOYEE = "employee", _("Employee of the company")


class Kind(models.TextChoices):
    STATEMENT = "statement", _("Statement")
    COMPLAINT = "complaint", _("Complaint")
    PROPOSAL = "proposal", _("Proposal")
    INFORMATION_REQUEST = "information_request", _("Request for information")
    RESPONSE = "response", _("Response")
    REPORT = "report", _("Report")


class Channel(models.TextChoices):
    WEB = "web", _("Portal")
    BOX = "box", _("Box for complaints and suggestions")
    RECEPTION = "reception", _("Personal reception")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    POST = "post", _("Post")


ORAL_CHANNELS = {Channel.RECEPTION, Channel.PHONE}


PreferredContact = enums.PreferredContact


class Status(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    IN_WORK = "in_work", _("In work")
    REDIRECTED = "redirected", _("Redirected to a competent body")
    ANSWERED = "answered", _("Answered")
    NOT_CONSIDERED = "not_considered", _("Not considered")


OPEN_STATUSES = {Status.REGISTERED, Status.IN_WORK}


class Outcome(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    PARTIALLY_SATISFIED = "partially_satisfied", _("Partially satisfied")
    REFUSED = "refused", _("Refused")
    EXPLAINED = "explained", _("Explained")
    TERMINATED = "terminated", _("Terminated")


class NotConsideredReason(models.TextChoices):
    ANONYMOUS = "anonymous", _("Anonymous")
    NO_ESSENCE = "no_essence", _("No essence of the matter")
    REPEAT = "repeat", _("Repeated appeal without new arguments")
    WITHDRAWN = "withdrawn", _("Withdrawn by the applicant")
