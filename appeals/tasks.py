from celery import shared_task

from appeals import deadlines


@shared_task(name="appeals.send_deadline_warnings", ignore_result=True)
def send_deadline_warnings() -> int:
    """Daily: executors' and Heads' deadline warnings (idempotent per day)."""
    return deadlines.appeal_deadline_warnings_send()
