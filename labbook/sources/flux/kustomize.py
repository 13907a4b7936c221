"""``kustomize build`` for the objects the reader needs, in pure Python.

It follows kustomize v5 (what kustomize-controller runs):

- resources (files and folders) accumulate first, then ``components`` operate on
  everything accumulated so far, then generators, then the transformers in
  kustomize's order: strategic-merge patches, ``patches``, ``namespace``,
  ``namePrefix``, ``nameSuffix``, labels, annotations, JSON 6902 patches;
- ``namespace`` sets the namespace of every namespaced object and renames
  Namespace objects to it; prefixes and suffixes skip Namespaces;
- a folder without a kustomization file is read as kustomize-controller reads a
  Flux Kustomization's path: every YAML file below it, and every sub-folder that
  has its own kustomization file as a resource.

Only the kinds in :data:`~labbook.sources.flux.loader.KEPT_KINDS` travel
through the build; everything else is dropped when parsed. Problems become
warnings with file:line, never exceptions.
"""

from __future__ import annotations

import posixpath
from typing import Any

from labbook.sources.flux import generators
from labbook.sources.flux.loader import KEPT_KINDS
from labbook.sources.flux.resource import Res, items, text
from labbook.sources.flux.transform import Patcher, with_flux_fields
from labbook.sources.flux.tree import YAML_SUFFIXES

KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
"""File names kustomize recognises, in its order."""

UNEVALUATED = ("replacements", "vars", "generators", "transformers", "helmCharts")
"""Kustomization fields the reader does not evaluate (it says so when they appear)."""


class Kustomizer(Patcher):
    """Builds the kustomize folders of one source tree."""

    def kustomization_file(self, folder: str) -> str | None:
        """The kustomization file of ``folder`` (artifact path), if it has one."""
        for name in KUSTOMIZATION_FILES:
            path = posixpath.join(folder, name) if folder else name
            if self.tree.is_file(path):
                return path
        return None

    def build(self, folder: str, extra: dict[str, Any] | None = None) -> list[Res]:
        """The objects ``folder`` builds to; ``extra`` adds kustomization fields as Flux's generator does."""
        return self._build(folder, extra, (), None, root=True)

    # --- loading ---------------------------------------------------------------------------------------------

    def _load(self, kfile: str) -> tuple[dict[str, Any] | None, int]:
        docs, problem = self.tree.repo.parse(self.tree.real(kfile), keep_all=True)
        if problem:
            self._warn(kfile, problem.line, problem.message)
            return None, 1
        objs = [d for d in docs if d.obj is not None]
        if len(objs) != 1 or not isinstance(objs[0].obj, dict):
            self._warn(kfile, 1, "not a single kustomization mapping (expected one YAML mapping)")
            return None, 1
        kust, line = objs[0].obj, objs[0].line
        api = text(kust.get("apiVersion")) or ""
        if api.startswith("kustomize.toolkit.fluxcd.io"):
            self._warn(kfile, line, "is a Flux Kustomization, not a kustomize file (expected kustomize.config.k8s.io)")
            return None, line
        for field in UNEVALUATED:
            if kust.get(field):
                self._warn(kfile, line, f"`{field}` is not evaluated by the offline reader (results may differ)")
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

    def _docs(self, path: str) -> list[Res]:
        docs, problem = self.tree.repo.parse(self.tree.real(path))
        if problem:
            self._warn(path, problem.line, problem.message)
            return []
        out: list[Res] = []
        real = self.tree.real(path)
        for doc in docs:
            if doc.obj is None:
                if doc.kind is None:
                    self._warn(path, doc.line, "document is not a Kubernetes object (expected `kind:`)")
                continue
            if not isinstance(doc.obj, dict):
                self._warn(path, doc.line, "document is not a mapping (expected a Kubernetes object)")
            elif doc.kind == "List":
                listed = items(doc.obj.get("items"))
                out += [Res(i, real, doc.line) for i in listed if isinstance(i, dict) and i.get("kind") in KEPT_KINDS]
            else:
                out.append(Res(doc.obj, real, doc.line))
        named = [r for r in out if r.name]
        for res in out:
            if not res.name:
                self.diag.warn(res.file, res.line, f"{res.kind} has no metadata.name (kustomize refuses it)")
        return named

    # --- accumulation ----------------------------------------------------------------------------------------

    def _build(
        self,
        folder: str,
        extra: dict[str, Any] | None,
        stack: tuple[str, ...],
        acc: list[Res] | None,
        *,
        root: bool = False,
        component: bool = False,
    ) -> list[Res]:
        if folder in stack:
            self._warn(folder, None, "kustomization includes itself (expected no cycles)")
            return acc or []
        kfile = self.kustomization_file(folder)
        if kfile is None:
            if not root:
                self._warn(folder, None, "folder has no kustomization.yaml (kustomize cannot build it)")
                return acc or []
            kust, where = self._generated(folder), (self.tree.shown(folder), 1)
        else:
            loaded, line = self._load(kfile)
            if loaded is None:
                return acc or []
            kust, where = loaded, (self.tree.real(kfile), line)
            kind = text(kust.get("kind"))
            if component and kind != "Component":
                self._warn(kfile, line, "listed under `components` but is not `kind: Component`")
            elif not component and kind == "Component":
                self._warn(kfile, line, "a `kind: Component` listed as a resource (expected it under `components`)")
        if extra:
            kust = with_flux_fields(kust, extra)
        stack = (*stack, folder)
        out = list(acc or [])
        for entry in [*items(kust.get("resources")), *items(kust.get("bases"))]:
            out += self._resource(folder, str(entry), stack, where)
        for entry in items(kust.get("components")):
            path = self._local(folder, str(entry), where, "component")
            if path is None:
                continue
            if not self.tree.is_dir(path):
                if not (extra and extra.get("ignoreMissingComponents")):
                    self._warn_at(where, f"component {entry!r} not found (expected a folder in the source)")
                continue
            out = self._build(path, None, stack, out, component=True)
        out = generators.combine(out, generators.generate(self.tree, folder, kust, where, self.diag.warn))
        return self.transform(folder, kust, out, where)

    def _resource(self, folder: str, entry: str, stack: tuple[str, ...], where: tuple[str, int]) -> list[Res]:
        path = self._local(folder, entry, where, "resource")
        if path is None:
            return []
        if self.tree.is_file(path):
            return self._docs(path)
        if self.tree.is_dir(path):
            return self._build(path, None, stack, None)
        self._warn_at(where, f"resource {entry!r} not found (expected a file or folder in the source)")
        return []
