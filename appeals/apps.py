from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "appeals"
    verbose_name = _("Appeals")

    def ready(self):
        from appeals.notices import register_events
        from notifications.events import EventSpec, register

        register_events()

        sample = {"number": "A-2026-000123", "subject": "Ремонт крыши / Roof repair"}
        register(
            EventSpec(
                "appeal.extended",
                None,
                ("number", "due_date", "reason"),
                {
                    **sample,
                    "due_date": "27.01.2027",
                    "reason": "Запрос документов / Documents requested",
                },
            )
        )
        register(
            EventSpec(
                "appeal.redirected",
                None,
                ("number", "to_body"),
                {**sample, "to_body": "Акимат города Шымкента"},
            )
        )
        register(
            EventSpec(
                "appeal.answered",
                None,
                ("number", "outcome"),
                {**sample, "outcome": "partially_satisfied"},
            )
        )
        register(
            EventSpec(
                "appeal.not_considered",
                None,
                ("number", "reason"),
                {**sample, "reason": "withdrawn"},
            )
        )
        register(
            EventSpec(
                "staff.deadlines",
                ("email",),
                ("items", "digest"),
                {
                    "items": [
                        {
                            "number": "A-2026-000123",
                            "subject": "Ремонт крыши",
                            "due_date": "01.12.2026",
                            "overdue": True,
                        },
                        {
                            "number": "A-2026-000124",
                            "subject": "Roof",
                            "due_date": "03.12.2026",
                            "overdue": False,
                        },
                    ],
                    "redirect_items": [
                        {
                            "number": "A-2026-000125",
                            "subject": "Тарифы ЖКХ",
                            "due_date": "02.12.2026",
                            "overdue": False,
                        },
                    ],
                    "digest": True,
                },
            )
        )
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
