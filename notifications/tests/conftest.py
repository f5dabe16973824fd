import pytest

from notifications import sms


@pytest.fixture(autouse=True)
def sms_outbox():
    """The locmem SMS backend's outbox, empty for each test."""
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()
