"""``patchesJson6902`` (kustomize ``PatchJson6902Transformer``, deprecated but still read): RFC 6902 operations,
inline or from a file, on the objects ``target`` selects."""

from __future__ import annotations

from labbook.sources.flux.resource import Res, items
from labbook.sources.flux.transformers.base import Level, patch_all


def apply(level: Level, objs: list[Res]) -> list[Res]:
    """Every entry, in order."""
    for entry in items(level.kust.get("patchesJson6902")):
        if not isinstance(entry, dict):
            continue
        inline = entry.get("patch") is not None
        source = entry.get("patch") if inline else entry.get("path")
        target = entry.get("target") if isinstance(entry.get("target"), dict) else {}
        for patch in level.documents(source, inline):
            objs = patch_all(level, objs, patch, target)
    return objs
