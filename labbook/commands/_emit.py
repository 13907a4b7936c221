"""What every drift command does with its report: print or write it, save JSON, pick the exit code."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from labbook.errors import EXIT_DRIFT, EXIT_OK
from labbook.files import atomic_write
from labbook.formats import render
from labbook.models.report import Report


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
