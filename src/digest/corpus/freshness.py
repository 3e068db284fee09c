"""Is every scheduled source current? Pure: the fetch log and today's date in, verdicts out.

A source is stale when its newest fetched day (empty days count: the fetch worked) is
more than ``max_age_days`` before today, or when it was never fetched. So a broken
scheduled fetch shows up within days instead of looking like a quiet week.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from digest.config import Source
from digest.inputs.fetchlog import Fetched


@dataclass(frozen=True)
class Freshness:
    source: str
    newest: str | None  # newest fetched day, None: never fetched
    age_days: int | None
    max_age_days: int
    line: int  # where digest.yaml defines the source

    @property
    def stale(self) -> bool:
        return self.age_days is None or self.age_days > self.max_age_days

    def describe(self) -> str:
        if self.newest is None:
            return f"source {self.source!r} has never been fetched (run digest fetch)"
        return (f"source {self.source!r}: newest fetched day {self.newest} is {self.age_days} "
                f"days old (max_age_days: {self.max_age_days}); is the scheduled fetch failing?")


def freshness(sources: Sequence[Source], log: Iterable[Fetched], today: date) -> list[Freshness]:
    """One verdict per configured source, in configuration order."""
    newest: dict[str, str] = {}
    for entry in log:
        # a future day (Hugging Face refuses it, the log keeps it) says nothing about today
        if newest.get(entry.source, "") < entry.day <= today.isoformat():
            newest[entry.source] = entry.day
    verdicts = []
    for source in sources:
        day = newest.get(source.name)
        age = (today - date.fromisoformat(day)).days if day else None
        verdicts.append(Freshness(source.name, day, age, source.max_age_days, source.line))
    return verdicts


def stale(sources: Sequence[Source], log: Iterable[Fetched], today: date) -> list[Freshness]:
    return [f for f in freshness(sources, log, today) if f.stale]
