"""The variables each Flux Kustomization substitutes with, from the ConfigMaps and Secrets the build declares.

A Kustomization waits while a non-optional ``substituteFrom`` names a ConfigMap
or Secret not declared yet (:meth:`PostBuild.blocked`). When nothing else can be
built, it is built anyway, and :meth:`PostBuild.settle` says at the end which
ones were never declared, and whether one declared later by the build would have
changed a substitution (then the reader reads the repository once more with them
known from the start, as the cluster has them once applied).
"""

from __future__ import annotations

from typing import Any

from labbook.sources.flux import substitute
from labbook.sources.flux.diagnostics import Diagnostics
from labbook.sources.flux.resource import Res, items, text
from labbook.sources.flux.substitute import Variables, VarSource

VarKey = tuple[str, str, str]
"""(kind, namespace, name) of a ConfigMap or Secret."""


def _post(spec: dict[str, Any]) -> dict[str, Any]:
    post = spec.get("postBuild")
    return post if isinstance(post, dict) else {}


class PostBuild:
    """Declared variable sources, and the substitution of each Kustomization."""

    def __init__(self, diag: Diagnostics, seeded: dict[VarKey, VarSource] | None = None) -> None:
        self.diag = diag
        self.seeded = dict(seeded or {})
        self.vars: dict[VarKey, VarSource] = dict(self.seeded)
        """Every ConfigMap and Secret declared so far (and the seeded ones)."""
        self._told: set[VarKey] = set()
        self._late: list[tuple[tuple[str, int | None], str, list[tuple[str, str]], bool]] = []

    def declare(self, res: Res) -> None:
        """A ConfigMap or Secret the build applies."""
        self.vars.setdefault((res.kind, res.namespace, res.name), substitute.var_source(res))

    def blocked(self, namespace: str, spec: dict[str, Any]) -> bool:
        """Whether a Kustomization substitutes from a ConfigMap or Secret not declared yet."""
        for ref in items(_post(spec).get("substituteFrom")):
            if not isinstance(ref, dict) or ref.get("optional"):
                continue
            if (text(ref.get("kind")) or "", namespace, text(ref.get("name")) or "") not in self.vars:
                return True
        return False

    def variables(
        self, where: tuple[str, int | None], namespace: str, spec: dict[str, Any], objs: list[Res]
    ) -> Variables:
        """What a Kustomization (declared at ``where``) substitutes its objects with."""
        post = _post(spec)
        if not post:
            return Variables()
        found: list[VarSource] = []
        missing: list[tuple[str, str]] = []
        for ref in items(post.get("substituteFrom")):
            if not isinstance(ref, dict):
                continue
            kind, name = text(ref.get("kind")) or "", text(ref.get("name")) or ""
            source = self.vars.get((kind, namespace, name))
            if source is None:
                if not ref.get("optional"):
                    missing.append((kind, name))
                continue
            if source.encrypted and (kind, namespace, name) not in self._told:
                self._told.add((kind, namespace, name))
                names = ", ".join(sorted(source.values)) or "none"
                self.diag.warn(
                    source.res.file,
                    source.res.line,
                    f"Secret {namespace}/{name} is SOPS-encrypted: its variables ({names}) stay unresolved "
                    "${…} placeholders offline",
                    "SOPS-encrypted Secrets: their variables stay unresolved ${…} placeholders offline",
                )
            found.append(source)
        if missing:
            self._late.append((where, namespace, missing, any("${" in str(o.obj) for o in objs)))
        inline = post.get("substitute") if isinstance(post.get("substitute"), dict) else {}
        variables = substitute.collect(found, inline)
        if variables.invalid:
            self.diag.warn(*where, f"variable names Flux rejects were dropped: {', '.join(sorted(variables.invalid))}")
        return variables

    def settle(self) -> bool:
        """Warn about ``substituteFrom`` sources never declared; True when one declared later in the build would have
        changed a substitution made before it was known (read again, seeded with :attr:`vars`)."""
        retry = False
        for where, namespace, missing, uses in self._late:
            never = [(k, n) for k, n in missing if (k, namespace, n) not in self.vars]
            if uses and len(never) < len(missing) and not self.seeded:
                retry = True
            for kind, name in never:
                self.diag.warn(
                    *where,
                    f"substituteFrom {kind} {namespace}/{name} is not in the repo (expected it declared in Git, or "
                    "`optional: true`); its variables stay empty",
                    "substituteFrom ConfigMaps/Secrets not declared in the repo: their variables stay empty",
                )
        return retry
