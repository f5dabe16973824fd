from django import template
from django.urls import translate_url
from django.utils import translation

register = template.Library()


@register.simple_tag(takes_context=True)
def page_in_language(context, language_code: str) -> str:
    """URL of the current page in another language (falls back to that language's home)."""
    request = context.get("request")
    if request is None:
        return f"/{language_code}/"
    current = request.get_full_path()
    if language_code == translation.get_language():
        return current
    url = translate_url(current, language_code)
    # translate_url returns its input unchanged when the page cannot be resolved (e.g. a 404).
    return url if url != current else f"/{language_code}/"
