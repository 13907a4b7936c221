"""``namespace`` (kustomize ``NamespaceTransformer``).

Every namespaced object gets the namespace, whatever it had; a ``v1``
``Namespace`` object is renamed to it; cluster-scoped kinds are left alone
(kustomize api/filters/namespace). Each object remembers its identity before,
and two objects that end with the same identity fail the build.
"""

from __future__ import annotations

from labbook.sources.flux.resource import Res, text
from labbook.sources.flux.transformers.base import BuildError, Level


def apply(level: Level, objs: list[Res]) -> list[Res]:
    """Set the namespace."""
    namespace = text(level.kust.get("namespace"))
    if not namespace:
        return objs
    out = []
    seen: set[tuple[str, str, str, str]] = set()
    for res in objs:
        if res.kind == "Namespace" and res.api_version == "v1":
            res = res.with_meta(remember=True, name=namespace)
        elif res.namespaced:
            res = res.with_meta(remember=True, namespace=namespace)
        if res.key() in seen:
            raise BuildError(f"namespace transformation produces ID conflict: {res.describe()} ({res.where()})")
        seen.add(res.key())
        out.append(res)
    return out
