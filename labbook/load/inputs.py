"""What a check judges, as digests: the inventory files, the docs pages and the journal entries
(:class:`~labbook.models.report.Inputs`).

A drift command records them in its report before it reads anything; the site
computes them again at build time and calls a report *stale* when they differ.
A file that cannot be read has no digest, so it always counts as changed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from labbook.models.inventory import SECTIONS
from labbook.models.report import Inputs
from labbook.sources.prose import pages


def digest(data: bytes) -> str:
    """``sha256:<hex>`` of ``data``."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _digests(files: dict[str, Path]) -> dict[str, str]:
    out = {}
    for name, path in files.items():
        try:
            out[name] = digest(path.read_bytes())
        except OSError:
            continue  # unreadable: no digest, so it never matches
    return out


def inventory_digests(directory: Path) -> dict[str, str]:
    """``{"hardware.yaml": "sha256:…", …}`` for the inventory files that exist."""
    return _digests({f"{s}.yaml": directory / f"{s}.yaml" for s in SECTIONS})


def docs_digests(directory: Path) -> dict[str, str]:
    """``{"index.md": "sha256:…", …}`` for the pages the docs check reads (journal folders left out)."""
    if not directory.is_dir():
        return {}
    return _digests({p.relative_to(directory).as_posix(): p for p in pages(directory)})


def journal_digests(directory: Path) -> dict[str, str]:
    """``{"2025-11-02-why-two-dgx-sparks.md": "sha256:…", …}`` for every journal entry."""
    if not directory.is_dir():
        return {}
    return _digests({p.name: p for p in sorted(directory.glob("*.md"))})


def read_inputs(inventory: Path, docs: Path | None = None, journal: Path | None = None) -> Inputs:
    """The inputs of a check: the inventory, and the docs pages and journal entries when given."""
    return Inputs(
        inventory=inventory_digests(inventory),
        docs=docs_digests(docs) if docs is not None else None,
        journal=journal_digests(journal) if journal is not None else None,
    )
