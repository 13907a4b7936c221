"""The Flux repository reader: what Flux would deploy from a checked-out repo, offline, in pure Python.

``read_repo`` is the one entry point other parts use; ``build`` keeps the
per-Kustomization detail (``labbook init`` and the kustomize oracle use it).
"""

from __future__ import annotations

from pathlib import Path

from labbook.files import display
from labbook.models.observed import FluxObserved
from labbook.sources.flux.observe import observe
from labbook.sources.flux.reader import Build, FluxKustomization, build

__all__ = ["Build", "FluxKustomization", "build", "observe_build", "read_repo"]


def read_repo(repo: Path, path: str | None = None) -> FluxObserved:
    """What Flux would deploy from ``repo`` starting at ``path`` (auto-detected when None).

    Raises :class:`~labbook.errors.BadInput` for a repo or ``--path`` that does
    not exist or has no Flux entry point; everything else it cannot read is a
    warning in the result.
    """
    return observe_build(build(repo, path))


def observe_build(found: Build) -> FluxObserved:
    """The observed model of a :func:`build` result."""
    fields = observe(found.objects, found.diagnostics)
    return FluxObserved(
        target=display(found.repo),
        revision=found.revision,
        warnings=found.warnings,
        **fields,
    )
