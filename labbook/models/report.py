"""The drift report every check produces (``labbook_report: 1``). Pure: no I/O."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, computed_field

from labbook.models.location import Location

__all__ = ["Counts", "DriftLabel", "Finding", "FindingCode", "Location", "Report", "ReportWarning", "three_way"]

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

    @computed_field  # type: ignore[prop-decorator]
    @property
    def in_sync(self) -> bool:
        """True when there is no finding."""
        return not self.findings

    @computed_field  # type: ignore[prop-decorator]
    @property
    def counts(self) -> Counts:
        """Summary numbers."""
        return Counts(checked=len(self.subjects), drift=len(self.findings), warnings=len(self.warnings))
