"""The bottom of the use cases: the one clock, and opening the store from settings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from safeschools.settings import Settings
from safeschools.storage import Store, open_store

Clock = Callable[[], datetime]


def _local_now(settings: Settings) -> datetime:
    return datetime.now(ZoneInfo(settings.timezone)).replace(tzinfo=None, microsecond=0)


def clock_of(settings: Settings, now: Clock | None = None) -> Clock:
    """``now`` when given (tests pin it), else the local wall clock of ``settings.timezone``.

    Every write records its time with this, so one place decides what "now" means.
    """
    return now if now is not None else (lambda: _local_now(settings))


def open_store_from_settings(settings: Settings) -> Store:
    """Open (and migrate) the store the settings name."""
    return open_store(settings.database_url)
