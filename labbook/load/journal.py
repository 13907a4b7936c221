"""Load ``journal/YYYY-MM-DD-slug.md`` entries, collecting every problem."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from pydantic import ValidationError

from labbook.errors import BadInput, Problem
from labbook.files import display, read_bytes
from labbook.load.errors import problems_from_validation
from labbook.load.yaml import LoadError, decode, parse
from labbook.models.journal import FrontMatter, Journal, JournalEntry

NAME_RE = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})-(?P<slug>[a-z0-9][-a-z0-9]*)\.md$")
"""What a journal file must be called."""

_FENCE = re.compile(r"^---[ \t]*\r?$", re.MULTILINE)


def split_front_matter(text: str) -> tuple[str, int] | None:
    """The front-matter YAML and the 1-based line the body starts on, or None."""
    if not (text.startswith("---\n") or text.startswith("---\r\n")):
        return None
    start = text.index("\n") + 1
    end = _FENCE.search(text, start)
    if end is None:
        return None
    body_line = text.count("\n", 0, end.end()) + 2
    return text[start : end.start()], body_line


def load_entry(path: Path, known_ids: set[str] | None = None) -> tuple[JournalEntry | None, list[Problem]]:
    """Load one entry; problems instead of exceptions, so a caller can collect them."""
    shown = display(path)
    match = NAME_RE.match(path.name)
    if match is None:
        return None, [Problem(shown, None, None, "file name is not a journal entry name (expected YYYY-MM-DD-slug.md)")]
    try:
        text = decode(shown, read_bytes(path, shown))
    except LoadError as exc:
        return None, [exc.problem]
    except BadInput as exc:
        return None, [p for p in exc.problems if isinstance(p, Problem)]
    split = split_front_matter(text)
    if split is None:
        return None, [Problem(shown, 1, 1, "no front matter (expected a '---' block with title and date first)")]
    yaml_text, body_line = split
    try:
        tree = parse(shown, yaml_text, line_offset=1)
    except LoadError as exc:
        return None, [exc.problem]
    if not isinstance(tree, dict):
        return None, [Problem(shown, 2, 1, "front matter is not a mapping (expected keys such as title: and date:)")]
    try:
        front = FrontMatter.model_validate(tree)
    except ValidationError as exc:
        return None, problems_from_validation(shown, tree, FrontMatter, exc)
    problems = []
    if front.date.isoformat() != match["date"]:
        line, col = tree.value_marks["date"]
        problems.append(
            Problem(
                shown,
                line,
                col,
                f"date: {front.date.isoformat()} differs from the file name (expected {match['date']})",
            )
        )
    if known_ids is not None:
        marks = tree["related"].item_marks if "related" in tree else []
        for i, ref in enumerate(front.related):
            if ref not in known_ids:
                line, col = marks[i]
                problems.append(
                    Problem(shown, line, col, f"related[{i}]: unknown id {ref!r} (expected a component or node id)")
                )
    entry = JournalEntry(path=shown, slug=front.slug or match["slug"], front=front, body_line=body_line)
    return (None if problems else entry), problems


def load_journal(directory: Path, known_ids: set[str] | None = None, *, files: Iterable[Path] | None = None) -> Journal:
    """Load every entry in ``directory``; :class:`BadInput` lists every problem.

    ``known_ids`` (components and nodes) enables the ``related`` check.
    """
    if files is None:
        if not directory.is_dir():
            raise BadInput(Problem(display(directory), None, None, "journal folder not found (expected a folder)"))
        files = sorted(directory.glob("*.md"))
    entries: list[JournalEntry] = []
    problems: list[Problem] = []
    slugs: dict[str, str] = {}
    for path in files:
        entry, found = load_entry(path, known_ids)
        problems += found
        if entry is None:
            continue
        if entry.slug in slugs:
            problems.append(
                Problem(
                    entry.path,
                    1,
                    1,
                    f"slug {entry.slug!r} is also used by {slugs[entry.slug]} (expected one entry per slug)",
                )
            )
            continue
        slugs[entry.slug] = entry.path
        entries.append(entry)
    if problems:
        raise BadInput(problems)
    entries.sort(key=lambda e: (e.date, e.slug), reverse=True)
    return Journal(entries=entries)
