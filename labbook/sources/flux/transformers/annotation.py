"""``commonAnnotations`` (kustomize ``AnnotationsTransformer``): added to every object's ``metadata.annotations``."""

from __future__ import annotations

from labbook.sources.flux.resource import Res, text
from labbook.sources.flux.transformers.base import Level


def apply(level: Level, objs: list[Res]) -> list[Res]:
    """Add the annotations."""
    raw = level.kust.get("commonAnnotations")
    if not isinstance(raw, dict) or not raw:
        return objs
    annotations = {str(k): text(v) or "" for k, v in raw.items()}
    return [res.with_meta(annotations={**res.annotations, **annotations}) for res in objs]
