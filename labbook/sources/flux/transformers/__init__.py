"""kustomize's built-in transformers, one module each, in the order kustomize runs them.

The order is kustomize's ``configureBuiltinTransformers`` (sigs.k8s.io/kustomize
api/internal/target/kusttarget_configplugin.go at kustomize/v5.7.1, what
``kubectl`` 1.34 and kustomize-controller build with). Every kustomization level
runs the table on everything it accumulated (resources, generators, components).
Adding a transformer is one module and one row.

``replicas`` and ``images`` only change workload replica counts and container
images, which the reader never reports, so their rows say so instead of naming a
module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from labbook.sources.flux.resource import Res
from labbook.sources.flux.transformers import (
    annotation,
    labels,
    namespace,
    patch,
    patch_json6902,
    patch_strategic,
    prefix,
    replacements,
    suffix,
)
from labbook.sources.flux.transformers.base import BuildError, Level

__all__ = ["TRANSFORMERS", "BuildError", "Level", "Transformer", "transform"]


@dataclass(frozen=True)
class Transformer:
    """One row of the table."""

    name: str
    """kustomize's name for it (``builtinhelpers.BuiltinPluginType``)."""
    fields: tuple[str, ...]
    """The kustomization fields it reads."""
    apply: Callable[[Level, list[Res]], list[Res]] | None
    """What it does to the objects; None when it cannot change anything the reader reports."""
    why_not: str = ""
    """Why ``apply`` is None."""


TRANSFORMERS: tuple[Transformer, ...] = (
    Transformer("PatchStrategicMergeTransformer", ("patchesStrategicMerge",), patch_strategic.apply),
    Transformer("PatchTransformer", ("patches",), patch.apply),
    Transformer("NamespaceTransformer", ("namespace",), namespace.apply),
    Transformer("PrefixTransformer", ("namePrefix",), prefix.apply),
    Transformer("SuffixTransformer", ("nameSuffix",), suffix.apply),
    Transformer("LabelTransformer", ("labels", "commonLabels"), labels.apply),
    Transformer("AnnotationsTransformer", ("commonAnnotations",), annotation.apply),
    Transformer("PatchJson6902Transformer", ("patchesJson6902",), patch_json6902.apply),
    Transformer("ReplicaCountTransformer", ("replicas",), None, "changes workload replica counts only"),
    Transformer("ImageTagTransformer", ("images",), None, "changes container images only"),
    Transformer("ReplacementTransformer", ("replacements",), replacements.apply),
)
"""kustomize's built-in transformers, in kustomize's order."""

NEEDS_EVERY_KIND = frozenset({"replacements"})
"""Fields whose transformer may read or write objects of any kind, so that a build using them reads every
document, not only the kinds the reader keeps."""


def transform(level: Level, objs: list[Res]) -> list[Res]:
    """Run the table on one level's objects."""
    kust = level.kust
    for row in TRANSFORMERS:
        if row.apply is not None and any(kust.get(f) for f in row.fields):
            objs = row.apply(level, objs)
    return objs
