from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "appeals"
    verbose_name = _("Appeals")

    def ready(self):
        from notifications.events import EventSpec, register

        register(
            EventSpec(
                key="appeal.registered",
                required_context=("number", "registration_date", "due_date", "subject"),
                sample_context={
                    "number": "A-2026-000123",
                    "registration_date": "30.11.2026",
                    "due_date": "21.12.2026",
                    "subject": "Ремонт крыши / Roof repair",
                },
            )
        )
