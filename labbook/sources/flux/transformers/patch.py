"""``patches`` (kustomize ``PatchTransformer``): strategic-merge or JSON 6902, inline or from a file.

A ``target`` selects objects by group, version, kind, name and namespace
(anchored regular expressions) and label or annotation selectors; without one,
a strategic-merge patch picks its object by its own kind and name.
"""

from __future__ import annotations

from labbook.sources.flux.resource import Res, items
from labbook.sources.flux.transformers.base import BuildError, Level, patch_all


def apply(level: Level, objs: list[Res]) -> list[Res]:
    """Every entry, in order."""
    for entry in items(level.kust.get("patches")):
        if not isinstance(entry, dict):
            raise BuildError("a `patches` entry is not a mapping (expected `patch:` or `path:`)")
        target = entry.get("target") if isinstance(entry.get("target"), dict) else None
        inline = entry.get("patch") is not None
        source = entry.get("patch") if inline else entry.get("path")
        for patch in level.documents(source, inline):
            objs = patch_all(level, objs, patch, target)
    return objs
