"""The drift report every check produces (``labbook_report: 1``). Pure: no I/O."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, computed_field

from labbook.models.location import Location

__all__ = [
    "Counts",
    "DriftLabel",
    "Finding",
    "FindingCode",
    "Inputs",
    "Location",
    "Report",
    "ReportWarning",
    "Standing",
    "three_way",
]

Standing = Literal["verified", "stale", "failed"]
"""Whether a report still speaks for the files as they are: ``verified`` (it judged exactly
these), ``stale`` (they changed since, or it does not say what it judged) or ``failed``
(the check did not run)."""

FindingCode = Literal["missing", "undocumented", "mismatch", "not-ready", "unschedulable", "suspended"]
"""What kind of drift a finding is: ``unschedulable`` is a cordoned node, ``suspended`` a Flux object
whose reconciliation is suspended."""

DriftLabel = Literal["docs-stale", "not-reconciled", "out-of-band"]
"""Three-way verdict for a version that differs between docs, Git and cluster."""


def three_way(
    *,
    docs_match_git: bool,
    desired_matches_git: bool,
    runs_desired: bool,
    flux_reason: bool,
    git_not_applied: bool = False,
) -> DriftLabel:
    """The label of a field that differs, from docs D, Git G, the cluster's desired C and running R.

    - ``out-of-band``: C ≠ G, someone changed the object in the cluster (``not-reconciled``
      instead when Flux itself applied C and has not applied Git's commit yet:
      ``git_not_applied``);
    - ``docs-stale``: D ≠ G and C = G;
    - ``not-reconciled``: C = G and R ≠ C, and Flux says why (not applied yet, or the upgrade failed);
    - ``out-of-band``: C = G and R ≠ C with no Flux-driven reason.
    """
    if not desired_matches_git:
        return "not-reconciled" if git_not_applied else "out-of-band"
    if not docs_match_git:
        return "docs-stale"
    if not runs_desired and flux_reason:
        return "not-reconciled"
    return "out-of-band"


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Finding(_Out):
    """One difference between what the docs claim and what a source shows."""

    code: FindingCode
    """``missing``, ``undocumented``, ``mismatch``, ``not-ready``, ``unschedulable`` or ``suspended``."""
    subject: str
    """What it is about: ``component/<id>``, ``node/<name>``, ``rdma/<id>``, ``docs/<file>``."""
    field: str | None = None
    """The field that differs, e.g. ``chart.version``; None for whole objects."""
    documented: Any = None
    """The value the inventory or docs claim."""
    observed: Any = None
    """The value the source shows."""
    where: Location | None = None
    """Where the claim is made (inventory or docs file:line)."""
    source: Location | None = None
    """Where the observation comes from (repo file:line or cluster object)."""
    message: str
    """One sentence for people."""
    label: DriftLabel | None = None
    """Three-way verdict (cluster check with ``--repo`` only)."""


class ReportWarning(_Out):
    """Something a source could not fully read; never drift on its own."""

    file: str
    """File (or object) concerned."""
    line: int | None = None
    """1-based line."""
    message: str
    """What was skipped or left unresolved."""

    @property
    def place(self) -> str:
        """``file:line``, or the file alone when the line is unknown."""
        return f"{self.file}:{self.line}" if self.line else self.file

    def __str__(self) -> str:
        return f"{self.place}: {self.message}"


class Counts(_Out):
    """Summary numbers."""

    checked: int
    """Subjects compared."""
    drift: int
    """Findings."""
    warnings: int
    """Warnings."""


class Inputs(_Out):
    """The files a check judged, as digests: what ties a verdict to the inventory (and docs) it is about.

    Keys are paths relative to their folder (``hardware.yaml``, ``infrastructure/gpu-ai.md``),
    values the SHA-256 of the bytes, taken before the check read them. The repo commit or
    snapshot stamp is the report's own ``revision``.
    """

    inventory: dict[str, str]
    """Each inventory file (``<section>.yaml``) and its digest."""
    docs: dict[str, str] | None = None
    """Each docs page the docs check read and its digest (docs check only)."""
    journal: dict[str, str] | None = None
    """Each journal entry (``<file name>.md``) and its digest (docs check only: it judges each entry
    against the inventory of its date)."""

    def changes(self, now: Inputs) -> list[str]:
        """What differs in ``now``: ``inventory/hardware.yaml``-style names, changed, added or removed, sorted.

        Only the folders this record covers are compared (a Flux report records no docs).
        """
        out = _changed("inventory", self.inventory, now.inventory)
        if self.docs is not None:
            out += _changed("docs", self.docs, now.docs or {})
        if self.journal is not None:
            out += _changed("journal", self.journal, now.journal or {})
        return out


def _changed(folder: str, then: dict[str, str], now: dict[str, str]) -> list[str]:
    return [f"{folder}/{name}" for name in sorted(set(then) | set(now)) if then.get(name) != now.get(name)]


class Report(_Out):
    """The result of one check against one source."""

    labbook_report: Literal[1] = 1
    """Format version."""
    source: Literal["flux", "cluster", "docs"]
    """What was compared with the docs."""
    target: str
    """The repo path, cluster context or docs folder."""
    revision: str | None = None
    """Git commit of the repo, or the snapshot's stamp, when known."""
    generated_at: datetime
    """When the check ran (ISO-8601)."""
    context: list[str] = []
    """How the source was read, one line each, for the report's header (for a Flux repository: the entry point
    and which Flux source is the repository itself, and how each was decided)."""
    subjects: list[str] = []
    """Every subject compared, in order (one JUnit testcase each)."""
    findings: list[Finding] = []
    """Drift, in a stable order."""
    warnings: list[ReportWarning] = []
    """Non-fatal reading problems."""
    inputs: Inputs | None = None
    """Digests of the files the check judged; None in a report that predates them (never fresh)."""
    error: str | None = None
    """Why the check could not run (its exit-2 or exit-3 message); such a report is never in sync."""

    @computed_field  # type: ignore[prop-decorator]
    @property
    def in_sync(self) -> bool:
        """True when the check ran and found nothing."""
        return not self.findings and self.error is None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def counts(self) -> Counts:
        """Summary numbers."""
        return Counts(checked=len(self.subjects), drift=len(self.findings), warnings=len(self.warnings))

    def standing(self, now: Inputs) -> tuple[Standing, list[str]]:
        """``verified``, ``stale`` or ``failed`` for the files as they are ``now``, with the files that changed."""
        if self.error is not None:
            return "failed", []
        if self.inputs is None:
            return "stale", []
        changed = self.inputs.changes(now)
        return ("stale" if changed else "verified"), changed
