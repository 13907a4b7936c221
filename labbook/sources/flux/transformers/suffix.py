"""``nameSuffix`` (kustomize ``SuffixTransformer``): appended to every name the prefix transformer would rename."""

from __future__ import annotations

from labbook.sources.flux.resource import Res, text
from labbook.sources.flux.transformers.base import Level
from labbook.sources.flux.transformers.prefix import renamed


def apply(level: Level, objs: list[Res]) -> list[Res]:
    """Append the suffix."""
    suffix = text(level.kust.get("nameSuffix")) or ""
    if not suffix:
        return objs
    return [res.with_meta(remember=True, name=res.name + suffix) if renamed(res) else res for res in objs]
