from celery import shared_task

from reception.slots import slots_generate_all


@shared_task(name="reception.generate_slots", ignore_result=True)
def generate_slots() -> int:
    """Daily: materialise slots for the booking horizon (idempotent)."""
    return slots_generate_all()
