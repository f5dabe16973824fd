from django import template
from django.urls import translate_url
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme

register = template.Library()


def is_local_path(url: str) -> bool:
    """Whether `url` is a path on this site: one leading `/` and no host. `//evil.example/`,
    `/\\evil.example` and `/<tab>/evil.example` are read by browsers as other sites."""
    return (
        url.startswith("/")
        and not url.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(url, allowed_hosts=None)
    )


@register.simple_tag(takes_context=True)
def page_in_language(context, language_code: str) -> str:
    """URL of the current page in another language (falls back to that language's home).

    Only ever a local path: the request path is what the client sent, and a path such as
    `//evil.example/kk/` would otherwise come back as a link to another site."""
    home = f"/{language_code}/"
    request = context.get("request")
    if request is None:
        return home
    current = request.get_full_path()
    if not is_local_path(current):
        return home
    if language_code == translation.get_language():
        return current
    url = translate_url(current, language_code)
    # translate_url returns its input unchanged when the page cannot be resolved (e.g. a 404).
    if url == current or not is_local_path(url):
        return home
    return url
