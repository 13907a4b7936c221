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
from collections.abc import Callable
from typing import Any

from labbook.sources.flux import generators
from labbook.sources.flux.diagnostics import Diagnostics
from labbook.sources.flux.loader import KEPT_KINDS, load
from labbook.sources.flux.patches import PatchError, apply_json6902, apply_strategic, target_matches
from labbook.sources.flux.resource import Res, text
from labbook.sources.flux.tree import YAML_SUFFIXES, Tree

KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
"""File names kustomize recognises, in its order."""

UNEVALUATED = ("replacements", "vars", "generators", "transformers", "helmCharts")
"""Kustomization fields the reader does not evaluate (it says so when they appear)."""


def is_remote(entry: str) -> bool:
    """A remote base (Git URL or HTTP), which an offline reader cannot fetch."""
    return (
        "://" in entry
        or entry.startswith(("github.com/", "gitlab.com/", "bitbucket.org/", "git@"))
        or ("?ref=" in entry)
    )


class Kustomizer:
    """Builds the kustomize folders of one source tree."""

    def __init__(self, tree: Tree, diagnostics: Diagnostics) -> None:
        self.tree = tree
        self.diag = diagnostics

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

    def _warn(self, path: str, line: int | None, message: str) -> None:
        self.diag.warn(self.tree.shown(path), line, message)

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
                items = doc.obj.get("items") or []
                out += [Res(i, real, doc.line) for i in items if isinstance(i, dict) and i.get("kind") in KEPT_KINDS]
            else:
                out.append(Res(doc.obj, real, doc.line))
        return out

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
            kust = _with_flux_fields(kust, extra)
        stack = (*stack, folder)
        out = list(acc or [])
        for entry in [*(kust.get("resources") or []), *(kust.get("bases") or [])]:
            out += self._resource(folder, str(entry), stack, where)
        for entry in kust.get("components") or []:
            path = self._local(folder, str(entry), where, "component")
            if path is None:
                continue
            if not self.tree.is_dir(path):
                if not (extra and extra.get("ignoreMissingComponents")):
                    self._warn_at(where, f"component {entry!r} not found (expected a folder in the source)")
                continue
            out = self._build(path, None, stack, out, component=True)
        out = generators.combine(out, generators.generate(self.tree, folder, kust, where, self.diag.warn))
        return self._transform(folder, kust, out, where)

    def _warn_at(self, where: tuple[str, int], message: str) -> None:
        self.diag.warn(where[0], where[1], message)

    def _local(self, folder: str, entry: str, where: tuple[str, int], what: str) -> str | None:
        if is_remote(entry):
            self._warn_at(where, f"remote {what} {entry!r} is not fetched by the offline reader")
            return None
        path = posixpath.normpath(posixpath.join(folder, entry))
        if path == "." or path == "":
            return ""
        if path == ".." or path.startswith("../") or posixpath.isabs(entry):
            self._warn_at(where, f"{what} {entry!r} points outside the source (expected a path inside it)")
            return None
        return path

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

    # --- transformers ----------------------------------------------------------------------------------------

    def _transform(self, folder: str, kust: dict[str, Any], objs: list[Res], where: tuple[str, int]) -> list[Res]:
        for entry in kust.get("patchesStrategicMerge") or []:
            for patch in self._patch_docs(folder, entry, where):
                objs = self._patch(objs, patch, None, where)
        for entry in kust.get("patches") or []:
            if not isinstance(entry, dict):
                self._warn_at(where, "a `patches` entry is not a mapping (expected `patch:` or `path:`)")
                continue
            target = entry.get("target") if isinstance(entry.get("target"), dict) else None
            source = entry.get("patch") if entry.get("patch") is not None else entry.get("path")
            for patch in self._patch_docs(folder, source, where, inline=entry.get("patch") is not None):
                objs = self._patch(objs, patch, target, where)
        namespace = text(kust.get("namespace"))
        prefix, suffix = text(kust.get("namePrefix")) or "", text(kust.get("nameSuffix")) or ""
        labels = _labels(kust)
        annotations = kust.get("commonAnnotations") if isinstance(kust.get("commonAnnotations"), dict) else {}
        if namespace or prefix or suffix or labels or annotations:
            objs = [_meta(o, namespace, prefix, suffix, labels, annotations) for o in objs]
        for entry in kust.get("patchesJson6902") or []:
            if isinstance(entry, dict):
                source = entry.get("patch") if entry.get("patch") is not None else entry.get("path")
                target = entry.get("target") if isinstance(entry.get("target"), dict) else {}
                for patch in self._patch_docs(folder, source, where, inline=entry.get("patch") is not None):
                    objs = self._patch(objs, patch, target, where)
        return objs

    def _patch_docs(self, folder: str, source: Any, where: tuple[str, int], inline: bool | None = None) -> list[Any]:
        """The patch documents of an inline patch or a patch file."""
        if not isinstance(source, str):
            return [source] if isinstance(source, (dict, list)) else []
        if inline is None:  # patchesStrategicMerge entries: a file path, or an inline patch
            candidate = posixpath.normpath(posixpath.join(folder, source.strip()))
            inline = "\n" in source or not self.tree.is_file(candidate)
        if inline:
            docs, problem = load(source.encode(), keep_all=True)
            if problem:
                self._warn_at(where, f"inline patch: {problem.message}")
                return []
            return [d.obj for d in docs if d.obj is not None]
        path = self._local(folder, source, where, "patch")
        if path is None:
            return []
        if not self.tree.is_file(path):
            self._warn_at(where, f"patch file {source!r} not found (expected a file in the source)")
            return []
        docs, problem = self.tree.repo.parse(self.tree.real(path), keep_all=True)
        if problem:
            self._warn(path, problem.line, problem.message)
            return []
        return [d.obj for d in docs if d.obj is not None]

    def _patch(self, objs: list[Res], patch: Any, target: dict[str, Any] | None, where: tuple[str, int]) -> list[Res]:
        if isinstance(patch, list):
            if target is None:
                self._warn_at(where, "a JSON 6902 patch needs a `target` (expected kind and name)")
                return objs
            return self._each(objs, target, lambda r: apply_json6902(r, patch), where)
        if not isinstance(patch, dict):
            self._warn_at(where, "a patch is neither a mapping nor a list of operations")
            return objs
        if target is not None:
            return self._each(objs, target, lambda r: apply_strategic(r, patch), where)
        probe = Res(patch, "", 0)
        if probe.kind not in KEPT_KINDS:
            return objs  # it patches a kind the reader does not keep
        hits = [
            i
            for i, o in enumerate(objs)
            if (o.group, o.kind, o.name) == (probe.group, probe.kind, probe.name)
            and (o.namespace or "default") == (probe.namespace or o.namespace or "default")
        ]
        if not hits:
            self._warn_at(where, f"patch for {probe.describe()} matches no object (kustomize fails here)")
            return objs
        return self._each(objs, None, lambda r: apply_strategic(r, patch), where, only=set(hits))

    def _each(
        self,
        objs: list[Res],
        target: dict[str, Any] | None,
        fn: Callable[[Res], Res],
        where: tuple[str, int],
        only: set[int] | None = None,
    ) -> list[Res]:
        out = []
        for i, obj in enumerate(objs):
            if (i in only) if only is not None else target_matches(target or {}, obj):
                try:
                    obj = fn(obj)
                except PatchError as exc:
                    if not str(exc).startswith("path /spec/values"):
                        self._warn_at(where, f"patch on {obj.describe()} failed: {exc}")
            out.append(obj)
        return out


def _with_flux_fields(kust: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """The kustomization as kustomize-controller rewrites it for a Flux Kustomization's spec."""
    out = dict(kust)
    if extra.get("namespace"):
        out["namespace"] = extra["namespace"]
    for field in ("patches", "patchesStrategicMerge", "patchesJson6902", "components"):
        if extra.get(field):
            out[field] = [*(out.get(field) or []), *extra[field]]
    for field in ("namePrefix", "nameSuffix"):
        if extra.get(field):
            out[field] = extra[field]
    return out


def _labels(kust: dict[str, Any]) -> dict[str, str]:
    labels: dict[str, str] = {}
    if isinstance(kust.get("commonLabels"), dict):
        labels.update({str(k): text(v) or "" for k, v in kust["commonLabels"].items()})
    for entry in kust.get("labels") or []:
        if isinstance(entry, dict) and isinstance(entry.get("pairs"), dict):
            labels.update({str(k): text(v) or "" for k, v in entry["pairs"].items()})
    return labels


def _meta(
    res: Res, namespace: str | None, prefix: str, suffix: str, labels: dict[str, str], annotations: dict[str, Any]
) -> Res:
    changes: dict[str, Any] = {}
    if namespace:
        if res.kind == "Namespace":
            changes["name"] = namespace
        elif res.namespaced:
            changes["namespace"] = namespace
    if (prefix or suffix) and res.kind != "Namespace":
        changes["name"] = f"{prefix}{changes.get('name', res.name)}{suffix}"
    if labels:
        changes["labels"] = {**res.labels, **labels}
    if annotations:
        changes["annotations"] = {**res.annotations, **{str(k): text(v) or "" for k, v in annotations.items()}}
    return res.with_meta(**changes) if changes else res
