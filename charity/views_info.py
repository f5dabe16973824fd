"""Public information views of the charity app (being built: replaced by the public pages' work)."""

from django.http import Http404


def _not_built(request, **kwargs):
    raise Http404


info = report = social_projects = _not_built
