from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CharityConfig(AppConfig):
    name = "charity"
    verbose_name = _("Charitable and social assistance")

    def ready(self):
        from charity.notices import register_events

        register_events()
