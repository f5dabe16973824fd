from celery import shared_task

from reception import services
from reception.slots import slots_generate_all


@shared_task(name="reception.generate_slots", ignore_result=True)
def generate_slots() -> int:
    """Daily: materialise slots for the booking horizon (idempotent)."""
    return slots_generate_all()


@shared_task(name="reception.send_reminders", ignore_result=True)
def send_reminders() -> int:
    """Every 5 minutes: reminders 24 h and 2 h before visits (idempotent)."""
    return services.booking_send_reminders()
