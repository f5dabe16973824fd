"""Template filters of the public forms' error summary (templates/includes/_error_summary.html)."""

from django import forms, template

register = template.Library()


@register.filter
def field_anchor(bound_field) -> str:
    """The id the error summary links to for a field: the input itself, or for a group of
    radios or checkboxes its first one (as GOV.UK's error summary does)."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        subwidgets = bound_field.subwidgets
        return subwidgets[0].id_for_label if subwidgets else bound_field.auto_id
    return bound_field.id_for_label or bound_field.auto_id
