"""What the reader found: each Flux Kustomization it followed, and the whole build."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from labbook.models.report import ReportWarning
from labbook.sources.flux.diagnostics import Diagnostics
from labbook.sources.flux.entry import normalize
from labbook.sources.flux.resource import Res, text
from labbook.sources.flux.sources import Key


@dataclass
class FluxKustomization:
    """One Flux Kustomization and what it applies."""

    namespace: str
    """Its namespace (empty for an entry folder applied by hand)."""
    name: str
    """Its name (empty for an entry folder applied by hand)."""
    spec: dict[str, Any]
    """Its spec (after its parent's substitution)."""
    res: Res | None = None
    """The object in the repo; None when it is not in Git (made by the Flux Operator, or applied by hand)."""
    declared: tuple[str, int] | None = None
    """Where the repository declares it when the object itself is not in Git (FluxInstance, gotk-sync)."""
    source: str | None = None
    """The source tree it was read from, e.g. ``GitRepository flux-system/flux-system``."""
    folder: str | None = None
    """Its path inside that source, normalised."""
    repo_folder: str | None = None
    """The repo folder behind that path, when there is one."""
    skipped: str | None = None
    """Why it was not built (another repository, missing path, kustomize refuses it …)."""
    objects: list[Res] = field(default_factory=list)
    """The objects it applies (kept kinds only), after substitution."""
    shadowed: list[Res] = field(default_factory=list)
    """Objects it applies that an earlier Kustomization already applied (kept there, warned about)."""

    @property
    def path(self) -> str:
        """``spec.path`` as written."""
        return text(self.spec.get("path")) or "./"

    @property
    def by_hand(self) -> bool:
        """An entry folder applied by hand (``kubectl apply -k``), not by a Flux Kustomization."""
        return not self.name

    def describe(self) -> str:
        """``Kustomization namespace/name`` for messages."""
        return "the entry folder (applied by hand)" if self.by_hand else f"Kustomization {self.namespace}/{self.name}"

    def where(self) -> tuple[str, int | None]:
        """file:line of the object (the entry folder for an implicit root)."""
        if self.res is not None:
            return self.res.file, self.res.line
        return self.declared or (normalize(self.path) or ".", None)


@dataclass
class Build:
    """Everything the reader found in one repository."""

    repo: Path
    """The repository folder."""
    entry: str
    """The entry folder, repo-relative."""
    entry_how: str
    """How the entry point was found."""
    revision: str | None
    """The commit of the checkout, when it is one."""
    kustomizations: list[FluxKustomization]
    """Every Flux Kustomization, entry point first, in build order."""
    objects: list[Res]
    """Every object applied, each once."""
    diagnostics: Diagnostics
    """What could not be fully read (more may be added while observing)."""
    repo_sources: dict[Key, str]
    """The sources that are this repository, and how that was decided."""
    verbose: bool = False
    """List every warning rather than each cause once."""

    @property
    def warnings(self) -> list[ReportWarning]:
        """The warnings so far."""
        return self.diagnostics.warnings(self.verbose)
