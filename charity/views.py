"""Public views of charity requests (being built: replaced by the application form's work)."""

from django.http import Http404


def _not_built(request, **kwargs):
    raise Http404


apply = receipt = track = detail = add_documents = message = withdraw = _not_built
