"""``patchesStrategicMerge`` (kustomize ``PatchStrategicMergeTransformer``, deprecated but still read).

Each entry is a file or an inline YAML text of strategic-merge patches; a patch
picks its object by group, kind, name and namespace.
"""

from __future__ import annotations

from labbook.sources.flux.resource import Res, items
from labbook.sources.flux.transformers.base import Level, patch_all


def apply(level: Level, objs: list[Res]) -> list[Res]:
    """Every patch of every entry, in order."""
    for entry in items(level.kust.get("patchesStrategicMerge")):
        for patch in level.documents(entry):
            objs = patch_all(level, objs, patch, None)
    return objs
