"""``labbook history``: the lab's meaningful changes, read from the Git history of the inventory (and of the
Flux repository), newest first. Which histories: ``history:`` in ``labbook.yaml``, else the inventory's
own repository and ``flux.repo``; ``--inventory`` and ``--repo`` win.

``--format json`` prints ``{"labbook_history": 1, "repos": [...], "changes": [...], "warnings": [...]}``
(see :class:`labbook.models.history.History`). Revisions that did not read are warnings on stderr, once
each; a shallow clone is a warning with its fix. A folder outside Git is bad input (exit 2).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from labbook.config import HISTORY_OFF
from labbook.errors import BadInput, Collector, Problem
from labbook.history import read_history
from labbook.load.inventory import load_inventory
from labbook.load.journal import load_journal
from labbook.models.history import History
from labbook.render import history as render


def _since(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BadInput(f"labbook history: --since {value!r} is not a date (expected YYYY-MM-DD)") from None


def run(args: argparse.Namespace, found: Collector) -> int:
    """Print the timeline; 0 when read (even in part), 2 when no history can be read."""
    since = _since(args.since)
    if args.history is None:
        raise BadInput(f"labbook.yaml: {HISTORY_OFF} (remove it to read the history)")
    inventory, flux = args.history.inventory, args.history.flux
    if not inventory.is_dir():
        raise BadInput(f"{inventory.as_posix()}: inventory folder not found (expected a folder of YAML files)")
    if flux is not None and not flux.is_dir():
        raise BadInput(f"{flux.as_posix()}: Flux repository folder not found (expected a checked-out folder)")
    timeline = read_history(inventory, flux, cache_dir=False if args.no_cache else None)
    history = timeline.history
    unreadable = [s for s in history.repos if not s.readable]
    if unreadable:
        raise BadInput([f"{s.message}{f' ({s.fix})' if s.fix else ''}" for s in unreadable])
    for status in history.repos:
        if status.status == "shallow":
            found.add(Problem.of(f"{status.message} ({status.fix})", warning=True))
    for w in history.warnings:
        found.add(Problem.of(w.message, warning=True))
    if since is not None:
        history = History(
            repos=history.repos,
            changes=[c for c in history.changes if c.commit.day >= since],
            warnings=history.warnings,
        )
    if args.format == "json":
        out = json.dumps({"labbook_history": 1, **history.model_dump(mode="json")}, indent=2) + "\n"
    elif args.format == "markdown":
        inv = _quiet(load_inventory, Path(args.inventory))
        journal = _quiet(load_journal, Path(args.journal))
        out = render.changes_page(history, inv, journal, drafts=True)
    else:
        out = render.text(history)
    sys.stdout.write(out)
    return 0


def _quiet(loader, path: Path):  # type: ignore[no-untyped-def]
    """The loaded inventory or journal, or None when it does not load (links are then left out)."""
    try:
        return loader(path)
    except BadInput:
        return None
