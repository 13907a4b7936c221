"""Pausing CPython's cycle collector around work that builds many long-lived objects without cycles."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def without_cycle_collection() -> Iterator[None]:
    """Pause the cycle collector (and restore it as it was).

    Reading a large cluster, or a Git history commit by commit, allocates many objects that live
    on and hold no reference cycles worth collecting (parsed pieces, models, facts): the collector
    would scan them over and over, a third of the time for 5,000 cluster objects and a quarter of
    a cold history read (``bench/cluster_drift.py``, ``bench/history.py``). Nested uses are fine.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
