"""Reference data kept in the process: read from the database once, not on every request.

What it holds: the newest consent text of each purpose (`consent_text`), the staff overrides
of the working-day calendar (`calendar_overrides`), the active hotline phone lines
(`hotline_lines`), and whatever an app registers (`register`; appeals registers its active
categories) or derives from them (`memo`, e.g. a rendered form page).

API (all cheap after the first call in a process):
- `consent_text(purpose=...)`, `calendar_overrides()`, `hotline_lines()`: the built-in data.
- `register(name, load=..., models=[...])` → a getter: `load()` runs once, its result is kept
  until a row of one of `models` changes. Register at import time of the module that uses it.
- `memo(key, build)`: a value built from reference data (a rendered page), kept alike.
- `version()`: a number that changes whenever the kept data is dropped (for cache keys).
- `clear()`: drop everything here and tell the other processes (tests, management commands).
Returned objects are shared by every request of the process: read them, never change them.

How a change is seen (worst-case staleness):
- The process that saves or deletes a row (post_save / post_delete of a watched model): at
  once, and again when its transaction commits.
- Any other process: a version token per reference data name in the shared cache (Redis)
  is replaced on every change (at once and on commit); each process reads them all (one
  round trip) at most once per REFDATA_CHECK_SECONDS (default 2 s) and drops what changed.
  So within REFDATA_CHECK_SECONDS. A change drops only the data read from the changed model
  (and every memo): an edited programme does not reload the calendar.
- A process-local cache (locmem, as in `make run` and the tests) is checked on every read.
- Redis down: the token cannot be read, so the copy is kept at most REFDATA_OUTAGE_TTL
  (default 10 s) and then read again from the database: staleness ≤ that + the check interval.
- A change that sends no signal (`QuerySet.update`, `bulk_create`, raw SQL, a rolled-back
  save read in between): at the latest after REFDATA_MAX_AGE (default 300 s), or at the
  next signalled change, or `clear()`.
"""

import contextlib
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from types import MappingProxyType
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.db.models import signals

from pkop_portal.cache import OUTAGE_ERRORS

T = TypeVar("T")

VERSION_KEY = "pkop:refdata:version"
DEFAULT_CHECK_SECONDS = 2.0
DEFAULT_OUTAGE_TTL = 10.0
DEFAULT_MAX_AGE = 300.0


class Store:
    """The kept values of one process. One module-level instance (`store`) serves the
    process; tests build more to play "another process" sharing the same cache.

    Keys ("data", name) belong to reference data `name` and are dropped when that name
    changes; every other key (memos) is dropped when anything changes."""

    def __init__(
        self,
        *,
        cache_alias: str = "default",
        clock: Callable[[], float] | None = None,
        always_check: bool | None = None,
    ):
        # always_check: read the versions on every call (default: only for a locmem cache).
        self._cache_alias = cache_alias
        self._clock = clock or time.monotonic
        self._always_check = always_check
        self._lock = threading.Lock()
        self._values: dict[Any, Any] = {}
        self._generation = 0
        self._seen: dict[str, str | None] = {}
        self._next_check = float("-inf")
        self._since = self._clock()

    # ----- settings, read on use so that tests can change them -----
    @staticmethod
    def _setting(name: str, default: float) -> float:
        return float(getattr(settings, name, default))

    @property
    def _cache(self):
        return caches[self._cache_alias]

    # ----- reading -----
    def get(self, key, load: Callable[[], T]) -> T:
        """The kept value of `key`, loaded with `load()` if not kept (or dropped since)."""
        self._check()
        try:
            return self._values[key]
        except KeyError:
            pass
        generation = self._generation
        value = load()
        with self._lock:
            # Dropped while loading (a change in another thread): do not keep the old data.
            if generation == self._generation:
                self._values[key] = value
        return value

    @property
    def generation(self) -> int:
        self._check()
        return self._generation

    def _check(self) -> None:
        now = self._clock()
        always = self._always_check
        if always is None:
            always = isinstance(self._cache, LocMemCache)
        if not always and now < self._next_check:
            return
        self._next_check = now + self._setting("REFDATA_CHECK_SECONDS", DEFAULT_CHECK_SECONDS)
        shared = self._shared_versions()
        if shared is None:
            # The shared cache does not answer: fall back to a short lifetime.
            if now - self._since >= self._setting("REFDATA_OUTAGE_TTL", DEFAULT_OUTAGE_TTL):
                self.drop()
        elif shared.get(VERSION_KEY) != self._seen.get(VERSION_KEY):
            self.drop()
            self._seen = shared
        elif shared != self._seen:
            changed = [n for n in _registry if shared.get(_key(n)) != self._seen.get(_key(n))]
            self.drop(names=changed)
            self._seen = shared
        elif now - self._since >= self._setting("REFDATA_MAX_AGE", DEFAULT_MAX_AGE):
            self.drop()

    def _shared_versions(self) -> dict[str, str] | None:
        """The shared version tokens (global and per name, one round trip), None if the cache
        does not answer."""
        cache = self._cache
        wanted = [VERSION_KEY, *(_key(name) for name in _registry)]
        try:
            tokens = cache.get_many(wanted)
            if VERSION_KEY not in tokens:
                # First process after a flush or a restart of Redis: start a version (or
                # read the one another process started a moment ago).
                cache.add(VERSION_KEY, secrets.token_hex(8), timeout=None)
                tokens = cache.get_many(wanted)
        except OUTAGE_ERRORS:
            return None
        return tokens if VERSION_KEY in tokens else None

    # ----- changing -----
    def drop(self, names: Iterable[str] | None = None) -> None:
        """Forget kept values of this process only: of `names` (and every memo), or all."""
        with self._lock:
            if names is None:
                self._values = {}
                self._since = self._clock()
            else:
                gone = {("data", name) for name in names}
                self._values = {
                    k: v
                    for k, v in self._values.items()
                    if k not in gone and isinstance(k, tuple) and k[:1] == ("data",)
                }
            self._generation += 1

    def clear(self, names: Iterable[str] | None = None) -> None:
        """Forget kept values (of `names` and every memo, or all) here and make every other
        process forget theirs."""
        names = None if names is None else list(names)
        keys = [VERSION_KEY] if names is None else [_key(name) for name in names]
        tokens = {key: secrets.token_hex(8) for key in keys}
        # Cache down: the others fall back to REFDATA_OUTAGE_TTL until it is back.
        with contextlib.suppress(*OUTAGE_ERRORS):
            self._cache.set_many(tokens, timeout=None)
        self.drop(names)
        self._seen = {**self._seen, **tokens}


store = Store()

# name → labels of the models it is read from; label → the names to drop when it changes.
_registry: dict[str, set[str]] = {}
_names_of: dict[str, set[str]] = {}
_watched: set[str] = set()
# Per model: fields whose saves alone change no registered data (every registration of the
# model must ignore a field for it to be here), e.g. the user's last_login written at each login.
_ignored: dict[str, frozenset[str]] = {}


def _key(name: str) -> str:
    return f"{VERSION_KEY}:{name}"


def _changed(sender, using=None, update_fields=None, **kwargs) -> None:
    label = sender._meta.label
    if update_fields and label not in _watched and set(update_fields) <= _ignored.get(label, set()):
        return
    names = _names_of.get(label)
    # A model watched on its own (watch()) drops everything; one of registered data its names.
    drop = None if label in _watched else sorted(names or ())

    def tell() -> None:
        store.clear(drop)

    tell()
    connection = transaction.get_connection(using)
    if connection.in_atomic_block:
        # Other processes may have read the old rows before this commit: tell them again.
        transaction.on_commit(tell, using=using)


def _connect(label: str) -> None:
    uid = f"pkop_portal.refdata:{label}"
    signals.post_save.connect(_changed, sender=label, dispatch_uid=uid, weak=False)
    signals.post_delete.connect(_changed, sender=label, dispatch_uid=uid, weak=False)


def _label(model) -> str:
    return model if isinstance(model, str) else model._meta.label


def watch(model) -> None:
    """Drop ALL kept data whenever a row of `model` ("app_label.Model" or the class) is saved
    or deleted (for data read outside `register`, e.g. inside a memo)."""
    label = _label(model)
    _watched.add(label)
    _connect(label)


def register(
    name: str, *, load: Callable[[], T], models: Iterable, ignore_fields: Iterable[str] = ()
) -> Callable[[], T]:
    """A getter for reference data `name` (unique, e.g. "appeals.categories"): `load()` once
    per process, again after a row of one of `models` changed (which drops only the data
    registered with that model, and every memo). `load` should return an immutable value
    (a tuple, a frozen mapping) of fully loaded rows. A save of only `ignore_fields`
    (`save(update_fields=...)`) drops nothing, as long as every registration of that model
    ignores them."""
    labels = {_label(model) for model in models}
    ignored = frozenset(ignore_fields)
    _registry[name] = labels
    for label in labels:
        first = label not in _names_of
        _names_of.setdefault(label, set()).add(name)
        _ignored[label] = ignored if first else _ignored.get(label, frozenset()) & ignored
        _connect(label)

    def getter() -> T:
        return store.get(("data", name), load)

    getter.__name__ = name.replace(".", "_")
    getter.__doc__ = f"Reference data {name!r} (pkop_portal.refdata)."
    return getter


def memo(key, build: Callable[[], T]) -> T:
    """A value built from reference data (`key` hashable, e.g. ("appeals.form", "ru")), kept
    until any reference data changes."""
    return store.get(("memo", key), build)


def version() -> int:
    """Changes whenever the kept reference data is dropped in this process."""
    return store.generation


def clear() -> None:
    """Drop every kept value in every process (after a change that sends no signal)."""
    store.clear()


# ----- The built-in reference data ---------------------------------------------------------------


def _load_consent_texts() -> Mapping:
    from pkop_portal.models import ConsentText

    newest: dict = {}
    for text in ConsentText.objects.order_by("purpose", "-valid_from", "-pk"):
        newest.setdefault(text.purpose, text)
    return MappingProxyType(newest)


def _load_calendar() -> Mapping[date, bool]:
    from pkop_portal.models import CalendarDay

    return MappingProxyType(dict(CalendarDay.objects.values_list("date", "is_working")))


def _load_hotline_lines() -> tuple:
    from pkop_portal.models import HotlineLine

    return tuple(HotlineLine.objects.filter(is_active=True).order_by("position", "id"))


_consent_texts = register(
    "pkop_portal.consent_texts", load=_load_consent_texts, models=["pkop_portal.ConsentText"]
)
_calendar = register(
    "pkop_portal.calendar", load=_load_calendar, models=["pkop_portal.CalendarDay"]
)
hotline_lines = register(
    "pkop_portal.hotline_lines", load=_load_hotline_lines, models=["pkop_portal.HotlineLine"]
)
hotline_lines.__doc__ = "The active hotline phone lines in display order (a tuple)."


def consent_text(*, purpose: str):
    """The newest ConsentText of `purpose` (a ConsentText.Purpose value), or None."""
    return _consent_texts().get(purpose)


def calendar_overrides() -> Mapping[date, bool]:
    """Every staff override of the working-day calendar: {date: is_working}."""
    return _calendar()
