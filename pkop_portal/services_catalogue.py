"""The portal's public services as listed on the home page.

Each service names the URL of its page. A service whose page is not built yet is listed
without a link ("coming soon"), so the home page never links to a page that does not exist.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class PortalService:
    title: Promise
    description: Promise
    url_name: str

    @property
    def url(self) -> str | None:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return None


SERVICES = (
    PortalService(
        _("Submit an appeal"),
        _(
            "A statement, complaint, proposal, request for information, response or report. "
            "You get a registration number and a private code."
        ),
        "appeals:submit",
    ),
    PortalService(
        _("Track an appeal"),
        _("Follow your appeal to the answer with its number and private code."),
        "appeals:track",
    ),
    PortalService(
        _("Book a personal reception"),
        _("Choose a free time on a manager's published reception schedule."),
        "reception:book",
    ),
    PortalService(
        _("Request charitable or social assistance"),
        _("For needy families: large families, low-income households, people with disabilities."),
        "charity:info",
    ),
    PortalService(
        _("Report to the hotline"),
        _("Report suspected misconduct, anonymously if you wish (Policy No. 00-02)."),
        "hotline:report",
    ),
)
