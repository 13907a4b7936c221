"""The owner's prose, read into the figures and claims it states: a :class:`~labbook.models.observed.DocsObserved`.

Two kinds of prose, read with the same wording rules (:mod:`.figures`):

- the hand-written pages in ``docs/`` (:mod:`.markdown`: literal text only);
- the prose fields of the inventory (:mod:`.inventory`): the tagline, the notes,
  the design choices, every field the models type as ``Prose``.

Journal entries (``docs/journal``, Material's ``blog/posts``, and the journal
folder itself) are dated history: they describe the lab as it was on their date,
so they are not read with the pages; :mod:`.journal` reads each against the
inventory of its date.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from labbook.errors import BadInput, Problem
from labbook.files import display, read_bytes
from labbook.models.inventory import Inventory
from labbook.models.observed import DocsObserved, ObservedFigure
from labbook.models.report import ReportWarning
from labbook.sources.prose.figures import DEFAULT_NAME_SHAPES, Reader, Terms
from labbook.sources.prose.inventory import read_inventory
from labbook.sources.prose.markdown import IGNORE, SKIPPED_DIRS, pages, scan, visible_text

__all__ = [
    "DEFAULT_NAME_SHAPES",
    "IGNORE",
    "SKIPPED_DIRS",
    "Terms",
    "page",
    "pages",
    "read_docs",
    "scan",
    "visible_text",
]


def page(path: Path, reader: Reader) -> tuple[list[ObservedFigure], list[ReportWarning]]:
    """One markdown file's figures and claims, or a warning when it cannot be read."""
    file = display(path)
    try:
        text = read_bytes(path, file).decode("utf-8-sig")
    except BadInput as exc:
        return [], [ReportWarning(file=file, message=str(p).removeprefix(f"{file}: ")) for p in exc.problems]
    except UnicodeDecodeError as exc:
        line = exc.object.count(b"\n", 0, exc.start) + 1
        return [], [ReportWarning(file=file, line=line, message="not UTF-8, page skipped (expected UTF-8 text)")]
    return scan(text.replace("\r\n", "\n"), file, reader=reader), []


def read_docs(
    directory: Path,
    terms: Terms | Iterable[str] = (),
    inventory_dir: Path | None = None,
    inventory: Inventory | None = None,
) -> DocsObserved:
    """Scan every page under ``directory`` and, when given, the inventory's prose; unreadable pages become warnings.

    A missing folder, or one without a single page, is bad input: a check of nothing
    must not pass as "in sync".
    """
    shown = display(directory)
    if not directory.is_dir():
        raise BadInput(Problem(shown, None, None, "docs folder not found (expected a folder of markdown pages)"))
    found = pages(directory)
    if not found:
        raise BadInput(
            Problem(
                shown, None, None, "no markdown pages in the docs folder (expected the site's pages, e.g. index.md)"
            )
        )
    reader = Reader(Terms.of(terms))
    figures: list[ObservedFigure] = []
    warnings: list[ReportWarning] = []
    for path in found:
        more, problems = page(path, reader)
        figures += more
        warnings += problems
    files: list[str] = []
    if inventory_dir is not None and inventory is not None:
        more, files, problems = read_inventory(inventory_dir, inventory, reader)
        figures += more
        warnings += problems
    return DocsObserved(
        target=shown,
        pages=[display(p) for p in found],
        inventory=files,
        figures=figures,
        warnings=warnings,
    )
