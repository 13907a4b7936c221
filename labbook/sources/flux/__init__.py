"""The Flux repository reader: what Flux would deploy from a checked-out repo, offline, in pure Python.

``read_repo`` is the one entry point other parts use; ``build`` keeps the
per-Kustomization detail (``labbook init`` and the kustomize oracle use it).
"""

from __future__ import annotations

from pathlib import Path

from labbook.files import display
from labbook.models.observed import FluxObserved, ObservedRepoSource
from labbook.sources.flux.observe import observe
from labbook.sources.flux.reader import Build, FluxKustomization, build

__all__ = ["Build", "FluxKustomization", "build", "observe_build", "read_repo"]


def read_repo(repo: Path, path: str | None = None, source: str | None = None, verbose: bool = False) -> FluxObserved:
    """What Flux would deploy from ``repo`` starting at ``path`` (auto-detected when None).

    ``source`` (``KIND/NAMESPACE/NAME``) names the Flux source that is this
    repository; ``verbose`` lists every warning instead of each cause once.
    Raises :class:`~labbook.errors.BadInput` for a repo, ``--path`` or
    ``--source`` that is wrong or a repo with no Flux entry point; everything
    else it cannot read is a warning in the result.
    """
    return observe_build(build(repo, path, source, verbose))


def observe_build(found: Build) -> FluxObserved:
    """The observed model of a :func:`build` result."""
    fields = observe(found.objects, found.diagnostics)
    return FluxObserved(
        target=display(found.repo),
        revision=found.revision,
        entry=found.entry,
        entry_reason=found.entry_how,
        repo_sources=[
            ObservedRepoSource(kind=k[0], namespace=k[1], name=k[2], reason=why)
            for k, why in found.repo_sources.items()
        ],
        warnings=found.warnings,
        **fields,
    )
