"""Publishing delivery tasks off the request path: one background thread per process.

A web request that committed outbox rows hands their ids to this process's publisher (a put on
a bounded in-memory queue, microseconds) and returns; the thread publishes the delivery tasks
to the broker at once, so commit→sent is what it was with the publish inside the request. The
rows are already durable: whatever the thread does not publish (process killed, queue full,
broker down) stays pending and `notifications.flush_outbox` queues it after
NOTIFICATIONS_FLUSH_GRACE_SECONDS. The thread is started lazily, by the first hand-off of each
process (a forked gunicorn or Celery child starts its own; a queue copied from the parent by
fork is dropped, the parent publishes it).
"""

import atexit
import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Iterable

logger = logging.getLogger(__name__)

# Hand-offs arriving less than BURST_GAP apart (a burst: hundreds of commits a second in this
# process) are gathered for up to LINGER before publishing, so that the backlog goes out as
# batches (services.enqueue_delivery), which a worker delivers at about 60 % of the CPU per row.
# At ordinary rates nothing waits.
BURST_GAP = 0.005
LINGER = 0.05


class Publisher:
    """A bounded queue of id lists and the daemon thread that passes them to `publish`.

    `publish(notification_ids=[...])` is called with every id waiting (several hand-offs are
    merged while the thread was busy), must not raise and must bound its own waiting (the
    broker's timeouts and outage breaker do, in notifications.services.enqueue_delivery).
    """

    def __init__(self, publish: Callable[..., object], *, maxsize: int, name: str):
        self._publish = publish
        self._maxsize = maxsize
        self._name = name
        self._reset()
        os.register_at_fork(after_in_child=self._reset)

    def _reset(self) -> None:
        self._lock = threading.Lock()
        self._queue: queue.Queue[list[int]] | None = None
        self._thread: threading.Thread | None = None
        self._pid = os.getpid()
        self._idle = threading.Condition(self._lock)
        self._unfinished = 0

    def submit(self, notification_ids: Iterable[int]) -> bool:
        """Hand ids over for publishing; never blocks. False when the queue is full (the rows
        then wait for the outbox flush)."""
        ids = list(notification_ids)
        if not ids:
            return True
        self._ensure_running()
        with self._lock:
            try:
                self._queue.put_nowait(ids)
            except queue.Full:
                logger.warning(
                    "%s: %d ids waiting already; %d left to the outbox flush",
                    self._name,
                    self._maxsize,
                    len(ids),
                )
                return False
            self._unfinished += 1
        return True

    def wait_idle(self, timeout: float) -> bool:
        """Wait until everything handed over has been published (tests, process exit)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._unfinished == 0, timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _ensure_running(self) -> None:
        if self.running and self._pid == os.getpid():
            return
        with self._lock:
            if self.running:
                return
            if self._queue is None:
                self._queue = queue.Queue(maxsize=self._maxsize)
                # At a normal exit (gunicorn recycling a worker) publish what is still queued,
                # briefly: what is left over is the flush's.
                atexit.register(self.wait_idle, 2.0)
            self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
            self._thread.start()

    def _run(self) -> None:
        last_hand_off = 0.0
        while True:
            batches = [self._queue.get()]
            now = time.monotonic()
            deadline = now + LINGER if now - last_hand_off < BURST_GAP else now
            last_hand_off = now
            while True:  # merge whatever else is waiting (or comes within a burst's linger)
                try:
                    left = deadline - time.monotonic()
                    if left > 0:
                        batches.append(self._queue.get(timeout=left))
                    else:
                        batches.append(self._queue.get_nowait())
                except queue.Empty:
                    break
                last_hand_off = time.monotonic()
            try:
                self._publish(notification_ids=[pk for batch in batches for pk in batch])
            except Exception:  # a bug must not kill the thread; the rows wait for the flush
                logger.exception("%s: publishing failed; the outbox flush will retry", self._name)
            finally:
                with self._lock:
                    self._unfinished -= len(batches)
                    self._idle.notify_all()
