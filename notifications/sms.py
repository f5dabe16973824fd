"""SMS backends. Choose one with the SMS_BACKEND setting: console, http, locmem or a dotted path.

A backend's send() raises TransientDeliveryError for failures worth retrying (timeouts, refused
connections, gateway 5xx) and PermanentDeliveryError for the rest (gateway 4xx).
"""

import json
import logging
import sys
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class DeliveryError(Exception):
    """A message could not be delivered."""


class TransientDeliveryError(DeliveryError):
    """Try again later."""


class PermanentDeliveryError(DeliveryError):
    """Retrying will not help."""


@dataclass(frozen=True)
class SmsMessage:
    to: str  # E.164
    text: str
    message_id: str  # stable per outbox row; gateways that deduplicate by id can use it


class ConsoleSMSBackend:
    """Prints messages (development, `make run`)."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send(self, message: SmsMessage) -> None:
        self.stream.write(f"SMS to {message.to} [{message.message_id}]: {message.text}\n")
        self.stream.flush()


outbox: list[SmsMessage] = []


class LocmemSMSBackend:
    """Keeps messages in notifications.sms.outbox (tests)."""

    def send(self, message: SmsMessage) -> None:
        outbox.append(message)


class HttpSMSBackend:
    """Posts to an HTTP SMS gateway (SMS_GATEWAY_* settings), as JSON or as a form."""

    def __init__(self):
        self.url = settings.SMS_GATEWAY_URL
        self.login = settings.SMS_GATEWAY_LOGIN
        self.password = settings.SMS_GATEWAY_PASSWORD
        self.sender = settings.SMS_SENDER_NAME
        self.body_format = settings.SMS_GATEWAY_FORMAT
        self.timeout = settings.SMS_GATEWAY_TIMEOUT
        if not self.url:
            raise PermanentDeliveryError("SMS_GATEWAY_URL is not set")

    def _request(self, message: SmsMessage) -> urllib.request.Request:
        fields = {
            "login": self.login,
            "password": self.password,
            "sender": self.sender,
            "phone": message.to,
            "text": message.text,
            "id": message.message_id,
        }
        if self.body_format == "json":
            body = json.dumps(fields).encode()
            content_type = "application/json"
        else:
            body = urllib.parse.urlencode(fields).encode()
            content_type = "application/x-www-form-urlencoded"
        return urllib.request.Request(  # noqa: S310 (URL from our own settings)
            self.url, data=body, method="POST", headers={"Content-Type": content_type}
        )

    def send(self, message: SmsMessage) -> None:
        request = self._request(message)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read()[:200].decode(errors="replace")
            if exc.code >= 500 or exc.code == 429:
                raise TransientDeliveryError(f"gateway {exc.code}: {detail}") from exc
            raise PermanentDeliveryError(f"gateway {exc.code}: {detail}") from exc
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise TransientDeliveryError(f"gateway unreachable: {reason}") from exc


ALIASES = {
    "console": "notifications.sms.ConsoleSMSBackend",
    "locmem": "notifications.sms.LocmemSMSBackend",
    "http": "notifications.sms.HttpSMSBackend",
}


def get_sms_backend():
    path = ALIASES.get(settings.SMS_BACKEND, settings.SMS_BACKEND)
    return import_string(path)()
