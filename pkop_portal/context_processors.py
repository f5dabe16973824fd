from django.conf import settings

from pkop_portal.selectors import hotline_line_list_public


def site(request):
    """Values every public page's layout uses (the footer shows the hotline lines).

    The lines are passed as the function: a template calls it only where it shows them, so the
    admin's pages never load them."""
    return {
        "portal_name": settings.PORTAL_NAME,
        "portal_base_url": settings.PORTAL_BASE_URL,
        "hotline_lines": hotline_line_list_public,
    }
