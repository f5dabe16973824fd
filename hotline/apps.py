from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotlineConfig(AppConfig):
    name = "hotline"
    verbose_name = _("Hotline")

    def ready(self):
        from hotline import (
            checks,  # noqa: F401  (registers the system checks)
            guards,
        )
        from hotline.notices import register_events

        register_events()
        guards.connect()  # only a Compliance head changes who is in Compliance
        guards.register_admin_hooks()
