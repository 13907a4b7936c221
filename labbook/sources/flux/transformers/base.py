"""What every transformer gets: the kustomization being built (:class:`Level`) and a way to fail like kustomize."""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from labbook.sources.flux.diagnostics import Diagnostics
from labbook.sources.flux.loader import KEPT_KINDS, load
from labbook.sources.flux.patches import PatchError, apply_json6902, apply_strategic, target_matches
from labbook.sources.flux.resource import Res
from labbook.sources.flux.tree import Tree

REMOTE_CAUSE = "remote kustomize inputs are not fetched by the offline reader (what they add is not seen)"


class BuildError(Exception):
    """kustomize fails here, so Flux applies nothing from the Flux Kustomization being built."""


def is_remote(entry: str) -> bool:
    """A remote base (Git URL or HTTP), which an offline reader cannot fetch."""
    return (
        "://" in entry
        or entry.startswith(("github.com/", "gitlab.com/", "bitbucket.org/", "git@"))
        or ("?ref=" in entry)
    )


@dataclass
class Level:
    """One kustomization file (or the one kustomize-controller generates) while it is being built."""

    tree: Tree
    """The source tree it belongs to."""
    diag: Diagnostics
    """Where warnings go."""
    folder: str
    """Its folder, as a path in the source."""
    kust: dict[str, Any]
    """Its fields (after a Flux Kustomization's spec was written into it, at the top)."""
    where: tuple[str, int]
    """Repo file:line of the kustomization file (or the folder, for a generated one)."""
    full: bool = False
    """True when every kind was read, not only the kinds the reader keeps (``replacements`` need them)."""

    def warn(self, message: str, cause: str | None = None) -> None:
        """A warning located at the kustomization file."""
        self.diag.warn(self.where[0], self.where[1], message, cause)

    def local(self, entry: str, what: str) -> str | None:
        """The source path of a file or folder the kustomization names, or None (with a warning) when remote.

        Paths may leave the kustomization's folder (kustomize-controller builds with no load restrictor) but
        not the source.
        """
        if is_remote(entry):
            self.warn(f"remote {what} {entry!r} is not fetched by the offline reader", REMOTE_CAUSE)
            return None
        path = posixpath.normpath(posixpath.join(self.folder, entry))
        if path in (".", ""):
            return ""
        if path == ".." or path.startswith("../") or posixpath.isabs(entry):
            self.warn(f"{what} {entry!r} points outside the source (expected a path inside it)")
            return None
        return path

    def documents(self, source: Any, inline: bool | None = None, *, what: str = "patch") -> list[Any]:
        """The YAML documents of an inline text (or mapping/list) or of a file the kustomization names."""
        if not isinstance(source, str):
            return [source] if isinstance(source, (dict, list)) else []
        if inline is None:  # patchesStrategicMerge entries: a file path, or an inline patch
            candidate = posixpath.normpath(posixpath.join(self.folder, source.strip()))
            inline = "\n" in source or not self.tree.is_file(candidate)
        if inline:
            docs, problem = load(source.encode(), keep_all=True, values=True)
            if problem:
                self.warn(f"inline {what}: {problem.message}")
                return []
            return [d.obj for d in docs if d.obj is not None]
        path = self.local(source, what)
        if path is None:
            return []
        if not self.tree.is_file(path):
            raise BuildError(f"{what} file {source!r} not found in {self.tree.label}")
        docs, problem = self.tree.repo.parse(self.tree.real(path), keep_all=True, values=True)
        if problem:
            raise BuildError(f"{what} file {self.tree.shown(path)}: {problem.message}")
        return [d.obj for d in docs if d.obj is not None]


def patch_all(level: Level, objs: list[Res], patch: Any, target: dict[str, Any] | None) -> list[Res]:
    """Apply one patch document (strategic merge or a JSON 6902 list) to the objects it targets, as kustomize
    does; a patch that cannot apply fails the build."""
    if isinstance(patch, list):
        if target is None:
            raise BuildError("a JSON 6902 patch needs a `target` (expected kind and name)")
        return _each(objs, lambda r: target_matches(target, r), lambda r: apply_json6902(r, patch))
    if not isinstance(patch, dict):
        raise BuildError("a patch is neither a mapping nor a list of operations")
    if target is not None:
        return _each(objs, lambda r: target_matches(target, r), lambda r: apply_strategic(r, patch))
    probe = Res(patch, "", 0)
    if probe.kind not in KEPT_KINDS and not level.full:
        return objs  # it patches a kind the reader did not read, which changes nothing it reports
    wanted = (probe.group, probe.kind, probe.name)

    def named(o: Res) -> bool:
        same_ns = (o.namespace or "default") == (probe.namespace or o.namespace or "default")
        return (o.group, o.kind, o.name) == wanted and same_ns

    if not any(named(o) for o in objs):
        raise BuildError(f"patch for {probe.describe()} matches no object (kustomize: no matches for Id)")
    return _each(objs, named, lambda r: apply_strategic(r, patch))


def _each(objs: list[Res], selected: Callable[[Res], bool], fn: Callable[[Res], Res | None]) -> list[Res]:
    """Patch the selected objects; a patch that deletes one (``$patch: delete``) removes it."""
    out = []
    for obj in objs:
        if selected(obj):
            try:
                patched = fn(obj)
            except PatchError as exc:
                raise BuildError(f"patch on {obj.describe()} ({obj.where()}) failed: {exc}") from None
            if patched is None:
                continue
            obj = patched
        out.append(obj)
    return out
