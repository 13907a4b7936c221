"""``commonLabels`` and ``labels`` (kustomize ``LabelTransformer``): added to every object's ``metadata.labels``.

Selectors and pod templates they also reach change nothing the reader reports;
the labels themselves matter to later patch targets and to Flux
(``kustomize.toolkit.fluxcd.io/substitute: disabled``).
"""

from __future__ import annotations

from typing import Any

from labbook.sources.flux.resource import Res, items, text
from labbook.sources.flux.transformers.base import Level


def wanted(kust: dict[str, Any]) -> dict[str, str]:
    """The labels a kustomization adds, ``labels`` entries in order, then ``commonLabels`` (kustomize's order)."""
    labels: dict[str, str] = {}
    for entry in items(kust.get("labels")):
        if isinstance(entry, dict) and isinstance(entry.get("pairs"), dict):
            labels.update({str(k): text(v) or "" for k, v in entry["pairs"].items()})
    if isinstance(kust.get("commonLabels"), dict):
        labels.update({str(k): text(v) or "" for k, v in kust["commonLabels"].items()})
    return labels


def apply(level: Level, objs: list[Res]) -> list[Res]:
    """Add the labels."""
    labels = wanted(level.kust)
    if not labels:
        return objs
    return [res.with_meta(labels={**res.labels, **labels}) for res in objs]
