"""``namePrefix`` (kustomize ``PrefixTransformer``): prepended to every name except a Namespace's, a
CustomResourceDefinition's and an APIService's (``prefixFieldSpecsToSkip``)."""

from __future__ import annotations

from labbook.sources.flux.resource import Res, text
from labbook.sources.flux.transformers.base import Level

SKIPPED = frozenset({("", "Namespace"), ("apiextensions.k8s.io", "CustomResourceDefinition")})
"""(group, kind) never renamed; ``Namespace`` and ``CustomResourceDefinition`` in any group, as kustomize selects
them by kind alone, and ``APIService`` in ``apiregistration.k8s.io`` (see :func:`renamed`)."""


def renamed(res: Res) -> bool:
    """Whether kustomize's prefix and suffix transformers rename ``res``."""
    if res.kind in ("Namespace", "CustomResourceDefinition"):
        return False
    return not (res.kind == "APIService" and res.group == "apiregistration.k8s.io")


def apply(level: Level, objs: list[Res]) -> list[Res]:
    """Prepend the prefix."""
    prefix = text(level.kust.get("namePrefix")) or ""
    if not prefix:
        return objs
    return [res.with_meta(remember=True, name=prefix + res.name) if renamed(res) else res for res in objs]
