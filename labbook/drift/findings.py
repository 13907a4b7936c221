"""Collecting findings for a drift check: one place that locates each claim in the inventory. Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from labbook.models.inventory import Inventory
from labbook.models.location import Location
from labbook.models.report import DriftLabel, Finding, FindingCode


@dataclass
class Findings:
    """Findings and checked subjects, in the order they were met."""

    inventory: Inventory
    """Where claims are located."""
    findings: list[Finding] = field(default_factory=list)
    """Drift found so far."""
    subjects: list[str] = field(default_factory=list)
    """Subjects compared so far."""

    _seen: set[str] = field(default_factory=set)

    def checked(self, subject: str) -> None:
        """Record that ``subject`` was compared."""
        if subject not in self._seen:
            self._seen.add(subject)
            self.subjects.append(subject)

    def add(
        self,
        code: FindingCode,
        subject: str,
        message: str,
        *,
        at: tuple[str | int, ...] = (),
        field: str | None = None,
        documented: Any = None,
        observed: Any = None,
        source: Location | None = None,
        label: DriftLabel | None = None,
        claim_of: str | None = None,
    ) -> None:
        """One finding; ``at`` is the path under the subject (or under ``claim_of``, when the claim is made
        elsewhere, as for a consequence reported under its cause) where the inventory makes the claim."""
        self.checked(subject)
        self.findings.append(
            Finding(
                code=code,
                subject=subject,
                field=field,
                documented=documented,
                observed=observed,
                where=self.inventory.where(claim_of or subject, *at) if code != "undocumented" else None,
                source=source,
                message=message,
                label=label,
            )
        )
