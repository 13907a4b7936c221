"""``kustomize build`` for the objects the reader needs, in pure Python.

It follows kustomize v5.7 (what kustomize-controller and ``kubectl`` 1.34 run),
``KustTarget.accumulateTarget`` in api/internal/target/kusttarget.go:

- ``resources`` (files and folders) accumulate first, then the generators
  (``configMapGenerator``, ``secretGenerator``), then ``components`` operate on
  everything accumulated so far, then the built-in transformers run in
  kustomize's order (:mod:`labbook.sources.flux.transformers`);
- when the whole build ends, generated names get their content hash;
- a folder without a kustomization file is read as kustomize-controller reads a
  Flux Kustomization's path: every YAML file below it, and every sub-folder that
  has its own kustomization file as a resource.

For speed, only the kinds in :data:`~labbook.sources.flux.loader.KEPT_KINDS` are
read, and a HelmRelease's ``spec.values`` is not. For a build kustomize accepts,
that changes nothing the reader reports: a kustomization that uses
``replacements`` (which may read or write any kind and any field, also through a
component) has every document of its build read in full, and a JSON 6902 patch
inside ``spec.values`` is left out only where the values were not read. A build
kustomize would refuse only because of a skipped document (two Deployments with
one name, a patch naming a Deployment that is not there) is not detected. What kustomize would
refuse (an unparseable or missing resource, a patch or replacement that cannot
apply …) raises :class:`~labbook.sources.flux.transformers.BuildError`: Flux
applies nothing from that Kustomization. What an offline reader cannot fetch (a
remote base) or a partial copy may lack (a generator's input file) is a warning,
and the rest is built.
"""

from __future__ import annotations

import posixpath
from typing import Any

from labbook.sources.flux import fluxspec, generators
from labbook.sources.flux.diagnostics import Diagnostics
from labbook.sources.flux.loader import KEPT_KINDS
from labbook.sources.flux.resource import Res, items, text
from labbook.sources.flux.transformers import NEEDS_EVERY_KIND, BuildError, Level, transform
from labbook.sources.flux.tree import YAML_SUFFIXES, Tree

NOT_EVALUATED = {
    "vars": "`vars` is deprecated in kustomize (replaced by `replacements`) and not evaluated by the offline "
    "reader: $(VAR) references stay as written",
    "generators": "generator plugins (`generators:`) are not run by the offline reader: what they make is not seen",
    "transformers": "transformer plugins (`transformers:`) are not run by the offline reader: their changes are "
    "not seen",
    "validators": "validator plugins (`validators:`) are not run by the offline reader",
    "helmCharts": "`helmCharts` are not inflated by the offline reader (kustomize-controller does not run Helm "
    "either: it refuses them)",
}
"""Kustomization fields the reader does not evaluate, and what the warning says (once per cause)."""


class Kustomizer:
    """Builds the kustomize folders of one source tree."""

    def __init__(self, tree: Tree, diagnostics: Diagnostics) -> None:
        self.tree = tree
        self.diag = diagnostics

    def kustomization_file(self, folder: str) -> str | None:
        """The kustomization file of ``folder`` (artifact path), if it has one."""
        return self.tree.kustomization_file(folder)

    def build(self, folder: str, spec: dict[str, Any] | None = None) -> list[Res]:
        """The objects ``folder`` builds to, with a Flux Kustomization ``spec`` written into its kustomization.

        Raises :class:`BuildError` where kustomize would fail.
        """
        out = self._build(folder, spec or {}, (), None, root=True)
        return generators.add_hashes(out)

    # --- loading ---------------------------------------------------------------------------------------------

    def _warn(self, path: str, line: int | None, message: str, cause: str | None = None) -> None:
        self.diag.warn(self.tree.shown(path), line, message, cause)

    def _load(self, kfile: str) -> tuple[dict[str, Any] | None, int]:
        docs, problem = self.tree.repo.parse(self.tree.real(kfile), keep_all=True, values=True)
        if problem:
            raise BuildError(f"{self.tree.shown(kfile)}:{problem.line or 1}: {problem.message}")
        objs = [d for d in docs if d.obj is not None]
        if len(objs) != 1 or not isinstance(objs[0].obj, dict):
            raise BuildError(f"{self.tree.shown(kfile)} is not a single kustomization mapping")
        kust, line = objs[0].obj, objs[0].line
        api = text(kust.get("apiVersion")) or ""
        if api.startswith("kustomize.toolkit.fluxcd.io"):
            raise BuildError(f"{self.tree.shown(kfile)} is a Flux Kustomization, not a kustomize file")
        for field, why in NOT_EVALUATED.items():
            if kust.get(field):
                self._warn(kfile, line, why, why)
        return kust, line

    def _generated(self, folder: str) -> dict[str, Any]:
        """What kustomize-controller writes for a folder with no kustomization file."""
        resources: list[str] = []

        def walk(path: str) -> None:
            entries = [(f, False) for f in self.tree.children(path)] + [(d, True) for d in self.tree.subdirs(path)]
            for entry, is_dir in sorted(entries, key=lambda e: posixpath.basename(e[0])):
                if is_dir:
                    if self.kustomization_file(entry) is not None:
                        resources.append(posixpath.relpath(entry, folder or "."))
                    else:
                        walk(entry)
                elif entry.endswith(YAML_SUFFIXES):
                    resources.append(posixpath.relpath(entry, folder or "."))

        walk(folder)
        return {"resources": resources}

    def _docs(self, path: str, full: bool) -> list[Res]:
        real = self.tree.real(path)
        docs, problem = self.tree.repo.parse(real, keep_all=full, values=full)
        if problem:
            raise BuildError(f"{self.tree.shown(path)}:{problem.line or 1}: {problem.message}")
        out: list[Res] = []
        for doc in docs:
            if doc.obj is None:
                if doc.kind is None:
                    self._warn(path, doc.line, "document is not a Kubernetes object (expected `kind:`)")
                continue
            if not isinstance(doc.obj, dict):
                self._warn(path, doc.line, "document is not a mapping (expected a Kubernetes object)")
            elif doc.kind == "List":
                listed = [i for i in items(doc.obj.get("items")) if isinstance(i, dict)]
                out += [Res(i, real, doc.line) for i in listed if full or i.get("kind") in KEPT_KINDS]
            else:
                out.append(Res(doc.obj, real, doc.line, elided=doc.elided))
        for res in out:
            if not res.name:
                self.diag.warn(res.file, res.line, f"{res.kind} has no metadata.name (kustomize refuses it)")
        return [r for r in out if r.name]

    # --- accumulation ----------------------------------------------------------------------------------------

    def _build(
        self,
        folder: str,
        spec: dict[str, Any] | None,
        stack: tuple[str, ...],
        acc: list[Res] | None,
        *,
        root: bool = False,
        component: bool = False,
        full: bool = False,
    ) -> list[Res]:
        if folder in stack:
            raise BuildError(f"{self.tree.shown(folder)} includes itself (kustomize: cycle detected)")
        kfile = self.kustomization_file(folder)
        if kfile is None:
            if not root:
                raise BuildError(f"{self.tree.shown(folder)} has no kustomization.yaml (kustomize cannot build it)")
            kust, where = self._generated(folder), (self.tree.shown(folder), 1)
        else:
            loaded, line = self._load(kfile)
            assert loaded is not None
            kust, where = loaded, (self.tree.real(kfile), line)
            kind = text(kust.get("kind"))
            if component and kind != "Component":
                self._warn(kfile, line, "listed under `components` but is not `kind: Component`")
            elif not component and kind == "Component":
                self._warn(kfile, line, "a `kind: Component` listed as a resource (expected it under `components`)")
        if spec:
            kust = fluxspec.kustomization(
                spec, kust, lambda c: self.tree.is_dir(posixpath.normpath(posixpath.join(folder, c)))
            )
        full = full or self._needs_every_kind(folder, kust, stack)
        level = Level(self.tree, self.diag, folder, kust, where, full)
        stack = (*stack, folder)
        out = list(acc or [])
        for entry in [*items(kust.get("resources")), *items(kust.get("bases"))]:
            out += self._resource(level, str(entry), stack)
        out = generators.combine(out, generators.generate(self.tree, folder, kust, where, self._gen_warn))
        for entry in items(kust.get("components")):
            path = level.local(str(entry), "component")
            if path is None:
                continue
            if not self.tree.is_dir(path):
                raise BuildError(f"component {entry!r} not found in {self.tree.label} (listed in {where[0]})")
            out = self._build(path, None, stack, out, component=True, full=full)
        return transform(level, out)

    def _needs_every_kind(self, folder: str, kust: dict[str, Any], stack: tuple[str, ...]) -> bool:
        """Whether this kustomization or one of its components (which transform what it accumulated) uses a
        field that may touch any kind."""
        if any(kust.get(f) for f in NEEDS_EVERY_KIND):
            return True
        for entry in items(kust.get("components")):
            path = posixpath.normpath(posixpath.join(folder, str(entry)))
            kfile = None if path in stack else self.kustomization_file(path)
            if kfile is None:
                continue
            docs, problem = self.tree.repo.parse(self.tree.real(kfile), keep_all=True, values=True)
            inner = docs[0].obj if docs and not problem and isinstance(docs[0].obj, dict) else {}
            if self._needs_every_kind(path, inner, (*stack, folder)):
                return True
        return False

    def _gen_warn(self, file: str, line: int | None, message: str) -> None:
        cause = "generator input files not found (their data is not seen; kustomize fails if they are really missing)"
        self.diag.warn(file, line, message, cause if "not found" in message else None)

    def _resource(self, level: Level, entry: str, stack: tuple[str, ...]) -> list[Res]:
        path = level.local(entry, "resource")
        if path is None:
            return []
        if self.tree.is_file(path):
            return self._docs(path, level.full)
        if self.tree.is_dir(path):
            return self._build(path, None, stack, None, full=level.full)
        raise BuildError(f"resource {entry!r} listed in {level.where[0]} is not in {self.tree.label}")
