"""Pausing CPython's cycle collector around work that builds many long-lived objects without cycles."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def without_cycle_collection(promote: bool = False) -> Iterator[None]:
    """Pause the cycle collector (and restore it as it was).

    Reading a large cluster, or a Git history commit by commit, allocates many objects that live
    on and hold no reference cycles worth collecting (parsed pieces, models, facts): the collector
    would scan them over and over, a third of the time for 5,000 cluster objects and a quarter of
    a cold history read (``bench/cluster_drift.py``, ``bench/history.py``). Nested uses are fine.

    ``promote``: when the outermost pause ends, move what was built straight to the oldest
    generation (``gc.freeze()`` then ``gc.unfreeze()``: two list splices) instead of letting the
    next young collection walk every object built while paused (5-20 ms for a history read). Those
    objects are still collected when they become garbage: by reference counting, or, for a cycle,
    by the next full collection, which CPython runs as the oldest generation grows. Not done when
    the process has frozen objects of its own (``gc.unfreeze()`` would release them too).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if promote and not gc.get_freeze_count():  # never unfreeze what a host process froze
                gc.freeze()
                gc.unfreeze()
            gc.enable()
