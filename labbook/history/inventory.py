"""The whole inventory as of a commit: the four files read from Git, validated by the inventory's own loader.

Files are named ``<commit>:<path>`` (Git's own notation: ``git show 61cb798:inventory/rdma.yaml``
prints that revision), so every problem and every location says which revision it is about. A file
the commit does not have yet is an empty section when its model allows one (``rdma.yaml`` before
the lab had RDMA: no links, no capabilities), else a problem.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from dataclasses import dataclass, field

from pydantic import ValidationError

from labbook.errors import Problem
from labbook.history.sources import InventorySource
from labbook.load.inventory import MODELS, assemble, parse_tree
from labbook.load.yaml import LocatedDict
from labbook.models.history import CommitRef
from labbook.models.inventory import SECTIONS, Inventory


@dataclass(frozen=True)
class InventoryOn:
    """The inventory as of a date, or why there is none."""

    date: dt.date
    """The date asked about."""
    commit: CommitRef | None = None
    """The last commit on or before it (first-parent line of ``HEAD``), when there is one."""
    inventory: Inventory | None = None
    """The inventory in that commit, when it loads."""
    problems: list[Problem] = field(default_factory=list)
    """Why it does not load (files named ``<commit>:<path>``)."""
    why: str | None = None
    """One line saying why there is no inventory for this date, when there is none."""


def revision_name(sha: str, path: str) -> str:
    """``61cb798:inventory/rdma.yaml``: a file as of a commit."""
    return f"{sha[:7]}:{path}"


def inventory_at(source: InventorySource, sha: str) -> tuple[Inventory | None, list[Problem]]:
    """The inventory in commit ``sha`` of ``source``'s repository: ``(inventory, problems)``."""
    paths = source.paths_at(sha)
    paths["site"] = posixpath.join(posixpath.dirname(paths["hardware"]), "site.yaml")
    trees = {}
    for section in SECTIONS:
        shown = revision_name(sha, paths[section])
        blob = source.repo.blob_at(sha, paths[section])
        if blob is not None:
            trees[section] = parse_tree(shown, section, source.repo.blob(blob))
            continue
        try:
            MODELS[section].model_validate({})
            trees[section] = (shown, LocatedDict((1, 1)), [])
        except ValidationError:
            trees[section] = (shown, None, [Problem(shown, None, None, "not in this commit (expected the file)")])
    return assemble(trees)
