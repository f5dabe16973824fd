"""Labels for the charity notices: their stored context holds codes only (status, outcome,
document types), named here in the language the message is rendered in."""

from django import template

from charity import enums
from charity.models import DocumentType
from pkop_portal import formats

register = template.Library()


@register.filter
def charity_status_label(code: str) -> str:
    """A request status's name in the active language."""
    try:
        return str(enums.Status(code).label)
    except ValueError:
        return code


@register.filter
def charity_outcome_label(code: str) -> str:
    """A committee decision's name in the active language."""
    try:
        return str(enums.Outcome(code).label)
    except ValueError:
        return code


@register.filter
def charity_document_names(slugs) -> list[str]:
    """The names of the document types `slugs`, in the active language and in that order
    (a type deleted since is left out)."""
    types = {d.slug: d for d in DocumentType.objects.filter(slug__in=list(slugs or []))}
    return [types[slug].name for slug in slugs or [] if slug in types]


@register.filter
def charity_tenge(value) -> str:
    """A stored amount ("150000.00") as a sum of tenge, grouped (pkop_portal.formats.tenge)."""
    try:
        return formats.tenge(value)
    except ArithmeticError:
        return str(value)
