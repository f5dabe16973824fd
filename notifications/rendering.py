"""Render an outbox row into the message its recipient reads, in the row's language."""

from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from notifications.events import get_event

# GSM-7 fits 160 characters in one SMS and 153 per part after that; UCS-2 (Cyrillic, Chinese)
# 70 and 67. Our texts must fit two parts.
GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    text: str
    html: str
    sms: str
    attachments: tuple = ()


def sms_segments(text: str) -> int:
    """How many SMS parts the text takes."""
    if set(text) <= GSM7:
        single, multi = 160, 153
    else:
        single, multi = 70, 67
    if len(text) <= single:
        return 1
    return -(-len(text) // multi)


def render_message(
    *, event: str, language: str, context: dict, channel: str, redact: bool = False
) -> RenderedMessage:
    """Render subject, text and HTML (e-mail) or the SMS text of `event` in `language`.

    With `redact` (staff pages): every secret the event declares (EventSpec.secret_context,
    such as a manage link or an access code) is replaced by its placeholder before the
    templates see it, and no attachment is built (an invitation carries the manage link).
    """
    spec = get_event(event)
    missing = [key for key in spec.required_context if key not in context]
    if missing:
        raise KeyError(f"{event}: context is missing {', '.join(missing)}")
    enrichment = spec.enrich(context) if spec.enrich else None
    full = {
        **context,
        **(enrichment.context if enrichment else {}),
        "portal_name": settings.PORTAL_NAME,
        "portal_url": settings.PORTAL_BASE_URL.rstrip("/") + f"/{language}/",
        "language": language,
    }
    if redact:
        with translation.override(language):
            full.update({key: str(text) for key, text in spec.secret_context.items()})
    from pkop_portal import refdata  # app loading: rendering is imported by the models' apps

    full["hotline_lines"] = list(refdata.hotline_lines())
    with translation.override(language):
        if channel == "sms":
            sms = render_to_string(f"notifications/sms/{event}.txt", full).strip()
            return RenderedMessage(subject="", text="", html="", sms=" ".join(sms.split()))
        subject = render_to_string(f"notifications/emails/{event}_subject.txt", full)
        text = render_to_string(f"notifications/emails/{event}.txt", full)
        html = render_to_string(f"notifications/emails/{event}.html", full)
    return RenderedMessage(
        subject=" ".join(subject.split()),
        text=text.strip() + "\n",
        html=html,
        sms="",
        attachments=tuple(enrichment.attachments) if enrichment and not redact else (),
    )
