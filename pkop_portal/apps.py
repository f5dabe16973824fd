from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PkopPortalConfig(AppConfig):
    name = "pkop_portal"
    verbose_name = _("Portal")

    def ready(self):
        from django.apps import apps

        from pkop_portal import checks  # noqa: F401  (registers the system checks)
        from pkop_portal.code_reissue import register_events

        register_events()
        # django-axes names its app "Axes", in English only: the staff admin lists its models
        # as the security logs, in the staff member's language.
        if apps.is_installed("axes"):
            apps.get_app_config("axes").verbose_name = _("Security logs")
