"""Kustomize transformers: patches (strategic merge and JSON 6902), namespace, prefix, suffix, labels.

They run in kustomize's order after resources, components and generators:
``patchesStrategicMerge``, ``patches``, ``namespace``, ``namePrefix``,
``nameSuffix``, labels, annotations, ``patchesJson6902``. So a patch selects
objects by the names and namespaces they have *before* this level's
``namespace`` and prefix apply.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from typing import Any

from labbook.sources.flux.diagnostics import Diagnostics
from labbook.sources.flux.loader import KEPT_KINDS, load
from labbook.sources.flux.patches import PatchError, apply_json6902, apply_strategic, target_matches
from labbook.sources.flux.resource import Res, items, text
from labbook.sources.flux.tree import Tree


def is_remote(entry: str) -> bool:
    """A remote base (Git URL or HTTP), which an offline reader cannot fetch."""
    return (
        "://" in entry
        or entry.startswith(("github.com/", "gitlab.com/", "bitbucket.org/", "git@"))
        or ("?ref=" in entry)
    )


class Patcher:
    """The transformer half of a kustomize build over one source tree."""

    def __init__(self, tree: Tree, diagnostics: Diagnostics) -> None:
        self.tree = tree
        self.diag = diagnostics

    def _warn(self, path: str, line: int | None, message: str) -> None:
        self.diag.warn(self.tree.shown(path), line, message)

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

    # --- transformers ----------------------------------------------------------------------------------------

    def transform(self, folder: str, kust: dict[str, Any], objs: list[Res], where: tuple[str, int]) -> list[Res]:
        for entry in items(kust.get("patchesStrategicMerge")):
            for patch in self._patch_docs(folder, entry, where):
                objs = self._patch(objs, patch, None, where)
        for entry in items(kust.get("patches")):
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
        for entry in items(kust.get("patchesJson6902")):
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


def _labels(kust: dict[str, Any]) -> dict[str, str]:
    labels: dict[str, str] = {}
    if isinstance(kust.get("commonLabels"), dict):
        labels.update({str(k): text(v) or "" for k, v in kust["commonLabels"].items()})
    for entry in items(kust.get("labels")):
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


def with_flux_fields(kust: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """The kustomization as kustomize-controller rewrites it for a Flux Kustomization's spec."""
    out = dict(kust)
    if extra.get("namespace"):
        out["namespace"] = extra["namespace"]
    for field in ("patches", "patchesStrategicMerge", "patchesJson6902", "components"):
        if extra.get(field):
            out[field] = [*items(out.get(field)), *extra[field]]
    for field in ("namePrefix", "nameSuffix"):
        if extra.get(field):
            out[field] = extra[field]
    return out
