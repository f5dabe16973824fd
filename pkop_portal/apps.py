from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PkopPortalConfig(AppConfig):
    name = "pkop_portal"
    verbose_name = _("Portal")

    def ready(self):
        from pkop_portal import checks  # noqa: F401  (registers the system checks)
        from pkop_portal.code_reissue import register_events

        register_events()
