"""Optional dependencies at request time: skip one for a while after it failed, log it once.

A web request must not fail, nor wait seconds, because Redis (cache or broker) is down. Each
such dependency gets one `Breaker`: after a connection error the callers skip the dependency
for `cooldown` seconds (a dead host then costs nothing instead of a connect timeout per call),
and the outage is logged as one warning per `log_every` seconds with the number of failures,
not one line per request.
"""

import logging
import threading
import time

logger = logging.getLogger(__name__)


class Breaker:
    """A per-process circuit breaker with throttled logging for one dependency.

    `allows()` is False while the dependency is considered down. `failure(exc)` records a
    connection error (opens the breaker, logs at most once per `log_every` seconds);
    `success()` closes it and logs the recovery once.
    """

    def __init__(
        self,
        name: str,
        *,
        consequence: str,
        cooldown: float,
        log_every: float = 60.0,
        log: logging.Logger | None = None,
    ):
        self.name = name
        self.consequence = consequence
        self.cooldown = cooldown
        self.log_every = log_every
        self.log = log or logger
        self._lock = threading.Lock()
        self._open_until = 0.0
        self._failures = 0  # since the outage began
        self._unreported = 0  # since the last warning
        self._last_report = float("-inf")

    def allows(self) -> bool:
        """Whether callers should try the dependency now."""
        return time.monotonic() >= self._open_until

    def failure(self, exc: BaseException) -> None:
        """Record a connection error: skip the dependency for `cooldown` seconds, maybe log."""
        now = time.monotonic()
        with self._lock:
            self._open_until = now + self.cooldown
            self._failures += 1
            self._unreported += 1
            report = now - self._last_report >= self.log_every
            if report:
                self._last_report = now
                count, self._unreported = self._unreported, 0
        if report:
            self.log.warning(
                "%s unavailable (%s: %s): %s; %d failure(s) since the last report",
                self.name,
                exc.__class__.__name__,
                exc,
                self.consequence,
                count,
            )

    def success(self) -> None:
        """Record a working call: the outage, if any, is over."""
        if not self._failures:
            return
        with self._lock:
            failures, self._failures, self._unreported = self._failures, 0, 0
            self._open_until = 0.0
            self._last_report = float("-inf")
        if failures:
            self.log.warning("%s is back after %d failed call(s)", self.name, failures)

    def reset(self) -> None:
        """Forget any outage (tests, and a process that knows the dependency changed)."""
        with self._lock:
            self._open_until, self._failures, self._unreported = 0.0, 0, 0
            self._last_report = float("-inf")
