"""Everything a site build reads, loaded once per build: the inventory, the journal and the drift reports.

The builder integration decides where the folders are (the ``labbook`` plugin's options in
``mkdocs.yml``, see :mod:`labbook.site.settings`) and whether drafts are part of the build (the
blog's own options); :func:`load_site` then reads all three and reports every problem at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from labbook.errors import BadInput, Problem
from labbook.files import display
from labbook.load.errors import dotted
from labbook.load.inputs import read_inputs
from labbook.load.inventory import load_inventory
from labbook.load.journal import load_journal
from labbook.load.reports import KINDS, load_reports
from labbook.models.inventory import Inventory
from labbook.models.journal import Journal
from labbook.models.report import Inputs, Report


@dataclass(frozen=True)
class SitePaths:
    """The folders a build reads."""

    inventory: Path
    """Inventory folder."""
    journal: Path
    """Journal folder."""
    reports: Path
    """Drift reports folder (``make check`` writes it)."""
    docs: Path | None = None
    """The site's docs folder (``docs_dir``), whose pages the docs check judges."""
    project: Path | None = None
    """The project config (``labbook.yaml``) whose ``history:`` names the Git history the site shows."""


@dataclass(frozen=True)
class SiteData:
    """What the pages are rendered from."""

    paths: SitePaths
    """Where it was read."""
    inventory: Inventory
    """The inventory."""
    journal: Journal
    """Every entry, drafts included, newest first."""
    reports: dict[str, Report | None]
    """Latest report per source (``flux``, ``cluster``, ``docs``), None when absent."""
    drafts: bool
    """Whether drafts are part of this build (``mkdocs serve``)."""
    now: Inputs
    """Digests of the inventory and docs as this build sees them: a report that judged others is stale."""

    def report_paths(self) -> dict[str, str]:
        """Where each report is (or would be), as shown to people."""
        return {k: display(self.paths.reports / f"{k}.json") for k in KINDS}


def evidence_problems(inventory: Inventory, journal: Journal) -> list[Problem]:
    """A capability's journal evidence must be a published entry (a draft is not on the site)."""
    entries = {Path(e.path).stem: e for e in journal.entries}
    problems = []
    for i, cap in enumerate(inventory.rdma.capabilities):
        for k, ev in enumerate(cap.evidence):
            if ev.journal is None:
                continue
            entry = entries.get(ev.journal)
            if entry is not None and not entry.front.draft:
                continue
            path = ("capabilities", i, "evidence", k, "journal")
            file, line, col = inventory.locate("rdma", path)
            if entry is None:
                why = f"no journal entry {ev.journal!r} (expected the file name of an entry, without .md)"
            else:
                why = f"{ev.journal!r} is a draft (expected a published entry: drafts are not on the site)"
            problems.append(Problem(file, line, col, f"{dotted(path)}: {why}"))
    return problems


def load_site(paths: SitePaths, drafts: bool = False) -> SiteData:
    """Load the inventory, journal and reports; :class:`BadInput` lists every problem of all three."""
    problems: list[Problem | str] = []
    inventory = journal = None
    reports: dict[str, Report | None] = {}
    now = read_inputs(paths.inventory, paths.docs, paths.journal)  # first: what the pages are built from
    try:
        inventory = load_inventory(paths.inventory)
    except BadInput as exc:
        problems += exc.problems
    try:
        journal = load_journal(paths.journal, inventory.ids() if inventory else None)
    except BadInput as exc:
        problems += exc.problems
    try:
        reports = load_reports(paths.reports)
    except BadInput as exc:
        problems += exc.problems
    if inventory is not None and journal is not None:
        problems += evidence_problems(inventory, journal)
    if problems or inventory is None or journal is None:
        raise BadInput(problems)
    return SiteData(paths=paths, inventory=inventory, journal=journal, reports=reports, drafts=drafts, now=now)
