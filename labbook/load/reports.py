"""Read the drift reports (``labbook_report: 1``) that ``make check`` writes, for the site.

An absent report is not an error (the site says "not checked"); a report that
is there but unreadable is, with the file and, where known, the line.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from labbook.errors import BadInput, Problem
from labbook.files import display, read_bytes
from labbook.load.errors import problems_from_validation
from labbook.load.yaml import LoadError, decode, parse
from labbook.models.report import Report

KINDS = ("flux", "cluster", "docs")
"""Report files the site looks for: ``<reports>/<kind>.json``."""

DERIVED = ("in_sync", "counts")
"""Keys ``--format json`` writes that are computed from the rest (ignored when read back)."""


def load_report(path: Path, kind: str | None = None) -> Report:
    """One report file; :class:`BadInput` with every problem (file:line where known).

    ``kind`` is the source the file must be the report of (``flux.json`` holds ``source: flux``).
    """
    shown = display(path)
    try:
        text = decode(shown, read_bytes(path, shown))
    except LoadError as exc:
        raise BadInput(exc.problem) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadInput(
            Problem(shown, exc.lineno, exc.colno, f"invalid JSON: {exc.msg} (expected a labbook report)")
        ) from exc
    if not isinstance(data, dict):
        raise BadInput(Problem(shown, 1, 1, f"got a {type(data).__name__} (expected a labbook_report: 1 object)"))
    if data.get("labbook_report") != 1:
        got = data.get("labbook_report")
        raise BadInput(
            Problem(shown, None, None, f"labbook_report: got {got!r} (expected 1; is this a labbook drift report?)")
        )
    # JSON is YAML: the located tree gives pydantic errors a line; fall back to the plain data.
    try:
        tree = parse(shown, text)
    except LoadError:
        tree = data
    if not isinstance(tree, dict):
        tree = data
    for key in DERIVED:
        tree.pop(key, None)
    try:
        report = Report.model_validate(tree)
    except ValidationError as exc:
        raise BadInput(problems_from_validation(shown, tree, Report, exc)) from exc
    if kind is not None and report.source != kind:
        line, col = getattr(tree, "value_marks", {}).get("source", (None, None))
        raise BadInput(Problem(shown, line, col, f"source: got {report.source!r} (expected {kind!r} in {path.name})"))
    return report


def load_reports(directory: Path) -> dict[str, Report | None]:
    """``flux``, ``cluster`` and ``docs`` reports from ``directory``; None for each one absent."""
    out: dict[str, Report | None] = {}
    problems: list[Problem | str] = []
    for kind in KINDS:
        path = directory / f"{kind}.json"
        if not path.exists():
            out[kind] = None
            continue
        try:
            out[kind] = load_report(path, kind)
        except BadInput as exc:
            problems += exc.problems
    if problems:
        raise BadInput(problems)
    return out
