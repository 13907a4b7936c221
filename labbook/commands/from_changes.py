"""``labbook new --from-changes [SINCE]``: a draft whose body lists what changed in the lab since a date.

SINCE is a date, or left out for "since the newest journal entry" (every change when the journal
is empty). The changes are those :meth:`labbook.history.Timeline.since` gives: made after the
last commit on or before that date. The draft gets a heading per kind of change with the facts
under it, and empty "What happened" and "What I learned" headings for the owner: nothing is
written that the history does not say. ``related:`` lists the components and nodes the changes
are about that today's inventory still has (a removed node is named in the body only).
"""

from __future__ import annotations

import argparse
import datetime as dt
from dataclasses import dataclass

from labbook.config import HISTORY_OFF
from labbook.errors import BadInput, Problem
from labbook.models.journal import JournalEntry


@dataclass(frozen=True)
class Drafted:
    """What the draft says."""

    since: dt.date | None
    """Changes after this date (None: every change)."""
    body: str
    """The entry's markdown body."""
    related: list[str]
    """Component and node ids of today's inventory the changes are about."""
    count: int
    """How many changes it lists."""

    def title(self) -> str:
        """A title that only states the period: ``Changes since 2025-12-14``."""
        return f"Changes since {self.since.isoformat()}" if self.since else "Changes so far"


def since_date(value: str, entries: list[JournalEntry]) -> dt.date | None:
    """``--from-changes``'s SINCE: a date, else the newest entry's date, else None (every change)."""
    if value:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise BadInput(
                Problem("--from-changes", None, None, f"{value!r} is not a date (expected YYYY-MM-DD, or nothing)")
            ) from None
    return max((e.date for e in entries), default=None)


def draft_changes(args: argparse.Namespace, since: dt.date | None, known: set[str]) -> Drafted:
    """The draft's body from the lab's history (``args.history``); bad input when none can be read."""
    from labbook.history import read_history
    from labbook.render.history import draft

    if args.history is None:
        raise BadInput(f"labbook.yaml: {HISTORY_OFF} (remove it to draft from changes)")
    timeline = read_history(args.history.inventory, args.history.flux)
    unreadable = [s for s in timeline.history.repos if not s.readable]
    if unreadable:
        raise BadInput([f"{s.message}{f' ({s.fix})' if s.fix else ''}" for s in unreadable])
    changes = timeline.since(since)
    body, related = draft(changes)
    return Drafted(since, body, [r for r in related if r in known], len(changes))
