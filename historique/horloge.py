"""The time every service reads: now, or the moment the demo generator replays.

Services never call `timezone.now()` themselves: the demo builds 2015-2020 through the
same services as real work, and its events, versions and decisions must carry the dates
they would have had, not the day the demo was generated.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime

from django.utils import timezone

_moment_rejoue: ContextVar[datetime | None] = ContextVar("moment_rejoue", default=None)


def maintenant() -> datetime:
    return _moment_rejoue.get() or timezone.now()


def aujourdhui() -> date:
    return timezone.localdate(maintenant())


@contextmanager
def rejouer_a(moment: datetime) -> Iterator[None]:
    """Run the block as if it were `moment` (an aware datetime): only the demo does this."""
    if timezone.is_naive(moment):
        raise ValueError("rejouer_a expects an aware datetime")
    jeton = _moment_rejoue.set(moment)
    try:
        yield
    finally:
        _moment_rejoue.reset(jeton)
