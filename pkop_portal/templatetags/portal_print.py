"""What a printed public page carries (receipts, booking confirmation): the organisation, the
address to follow or manage the case, the hotline numbers and the date printed. Shown only on
paper (includes/_print_slip.html is `d-print-block`)."""

from django import template
from django.urls import reverse

register = template.Library()


@register.inclusion_tag("includes/_print_slip.html", takes_context=True)
def print_slip(context, label: str, address: str = "", url_name: str = ""):
    """`address` as given, or the absolute address of the page named `url_name`."""
    request = context.get("request")
    if not address and url_name:
        path = reverse(url_name)
        address = request.build_absolute_uri(path) if request is not None else path
    return {
        "label": label,
        "address": address,
        "hotline_lines": context.get("hotline_lines"),
    }
