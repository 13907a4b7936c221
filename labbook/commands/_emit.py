"""What commands do with their output: print or write a report, pick the exit code, fit tables to the terminal.

A report saved with ``--report`` is bound to the inputs it judged (digests taken
before the check read them), and a check that fails to run replaces the saved
report with one that says so: the site never shows the last good verdict of a
check that no longer runs.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from labbook.errors import EXIT_DRIFT, EXIT_OK, LabbookError
from labbook.files import atomic_write
from labbook.formats import render
from labbook.models.report import Inputs, Report

SOURCES = {"drift_flux": "flux", "drift_cluster": "cluster", "drift_docs": "docs"}
"""Which report each drift command writes."""

MIN_COLUMN = 8
"""A column is never cut narrower than this."""


def emit(report: Report, args: argparse.Namespace, inputs: Inputs | None = None) -> int:
    """Honour ``--format``, ``--output`` and ``--report``; 0 when in sync, 1 on drift.

    ``inputs`` are the digests of what the check judged (see :mod:`labbook.load.inputs`);
    they go into the saved report, which the site reads, and not into the output.
    """
    text = render(report, args.format)
    if getattr(args, "report", None):
        saved = report if inputs is None or report.inputs else report.model_copy(update={"inputs": inputs})
        atomic_write(Path(args.report), render(saved, "json"))
    if getattr(args, "output", None):
        atomic_write(Path(args.output), text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    return EXIT_OK if report.in_sync else EXIT_DRIFT


def _target(args: argparse.Namespace, source: str) -> str:
    if source == "flux":
        return getattr(args, "repo", None) or "(default repository)"
    if source == "docs":
        return getattr(args, "docs", None) or "docs"
    if getattr(args, "snapshot", None):
        return args.snapshot
    if getattr(args, "in_cluster", False):
        return "in-cluster"
    return getattr(args, "context", None) or "(current context)"


def record_failure(args: argparse.Namespace, error: str) -> None:
    """When a drift command with ``--report`` fails to run, write a report that says so.

    Best effort: if even that cannot be written, the command's own error is what the user sees.
    """
    source = SOURCES.get(getattr(args, "handler", ""))
    path = getattr(args, "report", None)
    if source is None or not path:
        return
    report = Report(
        source=source,  # type: ignore[arg-type]
        target=_target(args, source),
        generated_at=datetime.now(UTC).replace(microsecond=0),
        error=error or "the check did not run",
    )
    with contextlib.suppress(OSError, LabbookError):
        atomic_write(Path(path), render(report, "json"))


def terminal_width() -> int | None:
    """Columns of the terminal stdout is, or None when it is a file or a pipe (then nothing is cut)."""
    try:
        if not sys.stdout.isatty():
            return None
        return os.get_terminal_size(sys.stdout.fileno()).columns
    except (OSError, ValueError, AttributeError):
        return None


def fit(rows: Sequence[Sequence[str]], width: int | None, gap: int = 2) -> list[str]:
    """Rows as aligned text lines no wider than ``width``: the widest columns are cut first, with '…'."""
    if not rows:
        return []
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    if width is not None:
        while sum(widths) + gap * (len(widths) - 1) > width:
            widest = max(range(len(widths)), key=lambda i: widths[i])
            if widths[widest] <= MIN_COLUMN:
                break
            widths[widest] -= 1
    pad = " " * gap

    def cell(text: str, w: int) -> str:
        return (text if len(text) <= w else text[: w - 1] + "…").ljust(w)

    return [pad.join(cell(c, w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]
