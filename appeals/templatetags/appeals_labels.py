from django import template

from appeals import enums

register = template.Library()


@register.filter
def outcome_label(code: str) -> str:
    """The outcome's name in the active language (notification templates get only codes)."""
    try:
        return str(enums.Outcome(code).label)
    except ValueError:
        return code


@register.filter
def not_considered_label(code: str) -> str:
    try:
        return str(enums.NotConsideredReason(code).label)
    except ValueError:
        return code
