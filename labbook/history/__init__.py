"""The lab through time: meaningful changes read from the Git history of the inventory and the Flux repository.

``read_history`` is the one entry point; the :class:`Timeline` it returns
answers what the site and ``labbook new --from-changes`` ask: every change,
the lab as of a date, what changed since, and why history is missing when it is.
"""

from __future__ import annotations

from labbook.history.timeline import CACHE, Timeline, read_history

__all__ = ["CACHE", "Timeline", "read_history"]
