"""What commands do with their output: print or write a report, pick the exit code, fit tables to the terminal."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from labbook.errors import EXIT_DRIFT, EXIT_OK
from labbook.files import atomic_write
from labbook.formats import render
from labbook.models.report import Report

MIN_COLUMN = 8
"""A column is never cut narrower than this."""


def emit(report: Report, args: argparse.Namespace) -> int:
    """Honour ``--format``, ``--output`` and ``--report``; 0 when in sync, 1 on drift."""
    text = render(report, args.format)
    if getattr(args, "report", None):
        atomic_write(Path(args.report), render(report, "json"))
    if getattr(args, "output", None):
        atomic_write(Path(args.output), text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    return EXIT_OK if report.in_sync else EXIT_DRIFT


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
