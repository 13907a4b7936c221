"""Load ``journal/YYYY-MM-DD-slug.md`` entries, collecting every problem.

:func:`read_journal` returns ``(journal, problems)``; the journal is None when
a problem is an error. Markdown files that would never be read (``.markdown``,
``.MD`` …) are warnings, and so are tags or series that look like a typo of
one other entries use.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from labbook.errors import BadInput, Problem
from labbook.files import display, folder_problems_to_read, os_problem, read_file
from labbook.load.yaml import decode_text, load_yaml
from labbook.models.base import ID_WORDS, suggestion
from labbook.models.journal import PLACEHOLDER, FrontMatter, Journal, JournalEntry, tag_of

NAME_RE = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})-(?P<slug>[a-z0-9][-a-z0-9]*)\.md$")
"""What a journal file must be called."""

MARKDOWN = (".md", ".markdown", ".mdown", ".mkd", ".mkdn", ".mdwn", ".mdtxt", ".txt")
"""Suffixes of files meant as entries; only ``.md`` ones are read."""

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


def _front_problem(shown: str, text: str) -> Problem:
    if _FENCE.match(text):
        return Problem(
            shown,
            1,
            1,
            "front matter is not closed (expected a '---' line after the title, date and other keys)",
            "add a line with only '---' before the text",
        )
    return Problem(shown, 1, 1, "no front matter (expected a '---' block with title and date first)")


def _refine(known_ids: set[str] | None):
    def refine(loc: tuple[Any, ...], value: Any) -> str | None:
        if loc[:1] == ("tags",):
            fixed = tag_of(str(value))
            maybe = f"did you mean {fixed!r}? " if fixed else ""
            return f"got {str(value)!r} ({maybe}expected a lowercase tag: {ID_WORDS})"
        if loc[:1] == ("related",) and known_ids is not None:
            return f"unknown id {str(value)!r} ({suggestion(value, known_ids)}expected a component or node id)"
        return None

    return refine


def load_entry(path: Path, known_ids: set[str] | None = None) -> tuple[JournalEntry | None, list[Problem]]:
    """Load one entry: ``(entry, problems)``; the entry is None when a problem is an error."""
    entry, _, problems = _entry(path, known_ids)
    return entry, problems


def _entry(path: Path, known_ids: set[str] | None) -> tuple[JournalEntry | None, Any, list[Problem]]:
    shown = display(path)
    match = NAME_RE.match(path.name)
    if match is None:
        return None, None, [_bad_name(shown, path.name)]
    data, problems = read_file(path, shown)
    if data is None:
        return None, None, problems
    text, problems = decode_text(shown, data)
    if text is None:
        return None, None, problems
    split = split_front_matter(text)
    if split is None:
        return None, None, [_front_problem(shown, text)]
    yaml_text, body_line = split
    tree, problems = load_yaml(shown, yaml_text, line_offset=1)
    if problems:
        return None, None, problems
    if not isinstance(tree, dict):
        return (
            None,
            None,
            [Problem(shown, 2, 1, "front matter is not a mapping (expected keys such as title: and date:)")],
        )
    try:
        front = FrontMatter.model_validate(tree)
    except ValidationError as exc:
        from labbook.load.errors import problems_from_validation  # only a broken entry pays for it

        return None, tree, problems_from_validation(shown, tree, FrontMatter, exc, refine=_refine(known_ids))
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
        refine = _refine(known_ids)
        for i, ref in enumerate(front.related):
            if ref not in known_ids:
                line, col = marks[i]
                problems.append(Problem(shown, line, col, f"related[{i}]: {refine(('related', i), ref)}"))
    parts = text.split("\n", body_line - 1)
    body = parts[-1] if len(parts) == body_line else ""
    if not front.draft and body.strip() == PLACEHOLDER:
        problems.append(
            Problem(
                shown,
                body_line + body.count("\n", 0, body.index(PLACEHOLDER)),
                1,
                f"the entry still says {PLACEHOLDER!r} (expected its text, or draft: true until it is written)",
            )
        )
    # validated parts: assembled without building JournalEntry's validator (start-up time)
    entry = JournalEntry.model_construct(path=shown, slug=front.slug or match["slug"], front=front, body_line=body_line)
    return (None if problems else entry), tree, problems


def _bad_name(shown: str, name: str) -> Problem:
    stem = name.rsplit(".", 1)[0]
    fixed = re.match(r"^(\d{4}-\d{2}-\d{2})-(.+)$", stem)
    hint = f"rename it to {fixed[1]}-{tag_of(fixed[2])}.md" if fixed and tag_of(fixed[2]) else None
    return Problem(shown, None, None, "file name is not a journal entry name (expected YYYY-MM-DD-slug.md)", hint)


def stray_files(directory: Path) -> list[Problem]:
    """Warnings for markdown-like files that are not ``*.md`` and so are never read."""
    out = []
    try:
        paths = sorted(p for p in directory.iterdir() if not p.name.startswith("."))
    except OSError:
        return out
    for path in paths:
        lower = path.name.lower()
        if path.name.endswith(".md") or not lower.endswith(MARKDOWN) or not path.is_file():
            continue
        bad = _bad_name(display(path), path.name)
        out.append(Problem(bad.file, None, None, f"not read: {bad.message}", bad.hint, warning=True))
    return out


def read_journal(
    directory: Path, known_ids: set[str] | None = None, *, files: Iterable[Path] | None = None
) -> tuple[Journal | None, list[Problem]]:
    """Every entry in ``directory``: ``(journal, problems)``; the journal is None when a problem is an error.

    ``known_ids`` (components and nodes) enables the ``related`` check.
    """
    problems: list[Problem] = []
    if files is None:
        unusable = folder_problems_to_read(directory, "journal folder", "a folder of YYYY-MM-DD-slug.md")
        if unusable:
            return None, unusable
        problems += stray_files(directory)
        try:
            files = sorted(directory.glob("*.md"))
        except OSError as exc:
            return None, [os_problem(exc)]
    entries: list[JournalEntry] = []
    trees: dict[str, Any] = {}
    slugs: dict[str, str] = {}
    for path in files:
        entry, tree, found = _entry(path, known_ids)
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
        trees[entry.path] = tree
        entries.append(entry)
    entries.sort(key=lambda e: (e.date, e.slug), reverse=True)
    journal = Journal.model_construct(entries=entries)
    for entry, field, index, written, meant in journal.near_misses():
        node = trees[entry.path]
        line, col = node[field].item_marks[index] if index is not None else node.value_marks[field]
        where = f"{field}[{index}]" if index is not None else field
        problems.append(
            Problem(
                entry.path,
                line,
                col,
                f"{where}: {written!r} is used by no other entry (did you mean {meant!r}?)",
                warning=True,
            )
        )
    return (None if any(not p.warning for p in problems) else journal), problems


def load_journal(directory: Path, known_ids: set[str] | None = None, *, files: Iterable[Path] | None = None) -> Journal:
    """:func:`read_journal` for library callers: the journal, or :class:`BadInput` with every error."""
    journal, problems = read_journal(directory, known_ids, files=files)
    if journal is None:
        raise BadInput([p for p in problems if not p.warning])
    return journal
