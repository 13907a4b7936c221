"""The one map from Flux Kustomization spec fields to the kustomization fields kustomize-controller writes.

Before it builds ``spec.path``, kustomize-controller rewrites (or generates) the
folder's kustomization file from the Flux Kustomization's spec (fluxcd/pkg
``kustomize/kustomize_generator.go``, ``Generator.GenerateManifest``):

- ``targetNamespace``, ``namePrefix``, ``nameSuffix`` replace ``namespace``,
  ``namePrefix``, ``nameSuffix`` when the spec sets them;
- ``patches``, ``patchesStrategicMerge``, ``patchesJson6902`` and
  ``components`` are appended to the file's own (a component that does not exist
  is dropped with ``ignoreMissingComponents``);
- ``images`` merge into the file's ``images`` by image name.

``postBuild`` does not change the kustomization: it substitutes variables in
what the build produced (see :mod:`labbook.sources.flux.substitute`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from labbook.sources.flux.resource import items, text


@dataclass(frozen=True)
class FluxField:
    """One Flux Kustomization spec field that kustomize-controller writes into the kustomization."""

    spec: str
    """The field in the Flux Kustomization's ``spec``."""
    kustomization: str
    """The kustomization field it becomes."""
    how: Literal["set", "append", "merge-by-name"]
    """Replaces the file's value, is appended to it, or merges into it entry by entry (``name``)."""


FIELDS: tuple[FluxField, ...] = (
    FluxField("targetNamespace", "namespace", "set"),
    FluxField("namePrefix", "namePrefix", "set"),
    FluxField("nameSuffix", "nameSuffix", "set"),
    FluxField("patches", "patches", "append"),
    FluxField("components", "components", "append"),
    FluxField("patchesStrategicMerge", "patchesStrategicMerge", "append"),
    FluxField("patchesJson6902", "patchesJson6902", "append"),
    FluxField("images", "images", "merge-by-name"),
)
"""Every spec field that changes what ``spec.path`` builds to, in the order kustomize-controller applies them."""

BUILD_FIELDS = (*(f.spec for f in FIELDS), "postBuild")
"""Spec fields that make two Flux Kustomizations of the same path apply different objects."""


def changes_build(spec: dict[str, Any]) -> bool:
    """Whether a Flux Kustomization spec changes what its path builds to (beyond the files themselves)."""
    return any(spec.get(name) not in (None, "", [], {}) for name in BUILD_FIELDS)


def kustomization(spec: dict[str, Any], kust: dict[str, Any], exists: Callable[[str], bool]) -> dict[str, Any]:
    """``kust`` as kustomize-controller rewrites it for a Flux Kustomization ``spec``.

    ``exists`` says whether a component path (relative to the folder) exists, for ``ignoreMissingComponents``.
    """
    out = dict(kust)
    for field in FIELDS:
        value = spec.get(field.spec)
        if field.how == "set":
            if isinstance(value, str):
                out[field.kustomization] = value
            continue
        if not isinstance(value, list) or not value:
            continue
        if field.spec == "components":
            value = [str(c) for c in value if not (spec.get("ignoreMissingComponents") and not exists(str(c)))]
        if field.how == "append":
            out[field.kustomization] = [*items(out.get(field.kustomization)), *value]
        else:
            out[field.kustomization] = _merge_by_name(items(out.get(field.kustomization)), value)
    return out


def _merge_by_name(mine: list[Any], theirs: list[Any]) -> list[Any]:
    merged = [dict(m) if isinstance(m, dict) else m for m in mine]
    for entry in theirs:
        if not isinstance(entry, dict):
            continue
        name = text(entry.get("name"))
        at = next((i for i, m in enumerate(merged) if isinstance(m, dict) and text(m.get("name")) == name), None)
        if at is None:
            merged.append(dict(entry))
        else:
            merged[at].update({k: v for k, v in entry.items() if v not in (None, "")})
    return merged
