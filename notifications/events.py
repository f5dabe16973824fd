"""The catalogue of notification events and their templates.

Each event has templates under templates/notifications/:
  emails/<event>_subject.txt, emails/<event>.txt, emails/<event>.html, sms/<event>.txt
rendered inside translation.override(<the row's language>). Other apps add their events here.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class EventSpec:
    key: str
    # None: the recipient's preference decides; otherwise only these channels are ever used.
    force_channels: tuple[str, ...] | None = None
    # Context keys a caller must give; rendering fails loudly without them.
    required_context: tuple[str, ...] = field(default_factory=tuple)
    # Sample context used by the template tests and the admin preview of the catalogue.
    sample_context: dict = field(default_factory=dict)


EVENTS: dict[str, EventSpec] = {}


def register(spec: EventSpec) -> EventSpec:
    EVENTS[spec.key] = spec
    return spec


register(
    EventSpec(
        key="portal.test",
        required_context=("requested_by",),
        sample_context={"requested_by": "Operator"},
    )
)


def get_event(key: str) -> EventSpec:
    try:
        return EVENTS[key]
    except KeyError:
        raise KeyError(f"unknown notification event {key!r}") from None
