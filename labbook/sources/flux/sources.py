"""Which Flux sources are this repository, and what files each one holds.

A Flux Kustomization reads its ``spec.path`` from a source. The reader can
only follow sources that are the checked-out repository itself:

- ``GitRepository flux-system/flux-system`` (what ``flux bootstrap`` and the
  Flux Operator create) is the repository root;
- ``OCIRepository flux-system/flux-system`` (the Flux Operator syncing an
  artifact pushed from the repo) is the repository root or a folder of it,
  inferred from where the Kustomization paths exist;
- an ``ExternalArtifact`` made by an ``ArtifactGenerator`` whose sources are the
  repository is composed from the generator's ``copy`` rules, with
  source-watcher's cp-like semantics.

Anything else is another repository, which an offline reader cannot see.
"""

from __future__ import annotations

import fnmatch
import posixpath
from typing import Any

from labbook.sources.flux.resource import Res, items, text
from labbook.sources.flux.tree import Repo, Tree

SELF = "flux-system"
"""Name and namespace of the source that is the repository, by Flux convention."""


def ref_key(ref: Any, default_namespace: str) -> tuple[str, str, str] | None:
    """(kind, namespace, name) of a ``sourceRef``."""
    if not isinstance(ref, dict) or not text(ref.get("name")):
        return None
    return (text(ref.get("kind")) or "", text(ref.get("namespace")) or default_namespace, text(ref.get("name")) or "")


class Sources:
    """The repository's own sources and their trees."""

    def __init__(self, repo: Repo, entry: str) -> None:
        self.repo = repo
        self.entry = entry
        self._roots: dict[tuple[str, str, str], str] = {("GitRepository", SELF, SELF): ""}
        self._trees: dict[tuple[str, str, str], Tree] = {}
        self.generators: dict[tuple[str, str], tuple[Res, dict[str, Any]]] = {}
        """ArtifactGenerator artifacts seen so far: (namespace, artifact name) -> (generator, artifact spec)."""

    def is_self(self, key: tuple[str, str, str]) -> bool:
        """Whether a Git/OCI source is this repository."""
        return key in self._roots or (key[0] == "OCIRepository" and key[1:] == (SELF, SELF))

    def add_generator(self, res: Res) -> None:
        """Remember the artifacts an ArtifactGenerator makes."""
        for artifact in items(res.spec.get("artifacts")):
            if isinstance(artifact, dict) and text(artifact.get("name")):
                self.generators.setdefault((res.namespace, text(artifact["name"]) or ""), (res, artifact))

    def tree(self, key: tuple[str, str, str], path: str) -> Tree | None:
        """The tree of a self source, its root inferred so that ``path`` exists; None if it is not self."""
        if not self.is_self(key):
            return None
        if key not in self._roots:
            self._roots[key] = self._infer_root(path)
        root = self._roots[key]
        if key not in self._trees:
            self._trees[key] = Tree.subfolder(self.repo, root, f"{key[0]} {key[1]}/{key[2]}")
        return self._trees[key]

    def _infer_root(self, path: str) -> str:
        """The repo folder an OCI artifact was pushed from: the root, an ancestor of the entry point, or the
        one folder holding ``path``."""
        whole = Tree.subfolder(self.repo, "", "repo")
        candidates = [""]
        parent = posixpath.dirname(self.entry)
        while parent:
            candidates.append(parent)
            parent = posixpath.dirname(parent)
        for root in candidates:
            if whole.is_dir(posixpath.normpath(posixpath.join(root, path)) if path else root):
                return root
        if path:
            roots = sorted(d[: -len(path) - 1] for d in whole.dirs if d.endswith("/" + path))
            if len(roots) == 1:
                return roots[0]
        return ""

    def artifact(self, namespace: str, name: str) -> tuple[Tree | None, str | None]:
        """The tree of an ExternalArtifact, or why it cannot be composed."""
        found = self.generators.get((namespace, name))
        if found is None:
            return None, f"no ArtifactGenerator in the repo makes ExternalArtifact {namespace}/{name}"
        generator, artifact = found
        aliases: dict[str, Tree] = {}
        for source in items(generator.spec.get("sources")):
            key = ref_key(source, generator.namespace)
            alias = text(source.get("alias")) if isinstance(source, dict) else None
            if key is None or not alias:
                continue
            probe = self._probe_path(artifact, alias)
            tree = self.tree(key, probe)
            if tree is not None:
                aliases[alias] = tree
        files: dict[str, str] = {}
        for op in items(artifact.get("copy")):
            if isinstance(op, dict):
                problem = _copy(op, aliases, files)
                if problem:
                    return None, f"ArtifactGenerator {generator.namespace}/{generator.name}: {problem}"
        return Tree(self.repo, files, f"ExternalArtifact {namespace}/{name}", None), None

    @staticmethod
    def _probe_path(artifact: dict[str, Any], alias: str) -> str:
        for op in items(artifact.get("copy")):
            source = text(op.get("from")) if isinstance(op, dict) else None
            source = source or ""
            if source.startswith(f"@{alias}/"):
                literal = []
                for part in source[len(alias) + 2 :].split("/"):
                    if any(c in part for c in "*?["):
                        break
                    literal.append(part)
                return "/".join(p for p in literal if p)
        return ""


def _copy(op: dict[str, Any], aliases: dict[str, Tree], files: dict[str, str]) -> str | None:
    """Apply one ``copy`` operation; returns a problem when a source is not this repository."""
    source, dest = text(op.get("from")) or "", text(op.get("to")) or ""
    alias, _, pattern = source.lstrip("@").partition("/")
    if not source.startswith("@") or not dest.startswith("@artifact/"):
        return f"copy from {source!r} to {dest!r} is malformed (expected @alias/path and @artifact/path)"
    tree = aliases.get(alias)
    if tree is None:
        return f"source @{alias} is not this repository"
    dest_path = posixpath.normpath(dest[len("@artifact/") :] or ".")
    dest_path = "" if dest_path == "." else dest_path
    excludes = [str(e) for e in items(op.get("exclude"))]

    def put(target: str, real_artifact_path: str) -> None:
        rel = posixpath.relpath(real_artifact_path, base) if base else real_artifact_path
        if not any(fnmatch.fnmatchcase(rel, e) for e in excludes):
            files[posixpath.normpath(target)] = tree.real(real_artifact_path)

    if not any(c in pattern for c in "*?[]"):
        path = posixpath.normpath(pattern) if pattern.strip("/") else ""
        path = "" if path == "." else path
        base = path
        if tree.is_dir(path):
            into = posixpath.join(dest_path, posixpath.basename(path)) if path else dest_path
            for f in _under(tree, path):
                put(posixpath.join(into, posixpath.relpath(f, path) if path else f), f)
        elif tree.is_file(path):
            base = posixpath.dirname(path)
            into_dir = dest.endswith("/") or dest_path in {posixpath.dirname(p) for p in files}
            put(posixpath.join(dest_path, posixpath.basename(path)) if into_dir else dest_path, path)
        elif not op.get("optional"):
            return f"copy source {source!r} does not exist"
        return None
    base = "/".join(p for p in pattern.split("/") if not any(c in p for c in "*?[]"))
    segments = [("*" if s == "**" else s) for s in pattern.strip("/").split("/")]
    matched = [p for p in _depth(tree, len(segments)) if _glob(p, segments)]
    prefix = pattern[: -len("/**")] if pattern.endswith("/**") else None
    for match in matched:
        rel = match[len(prefix) + 1 :] if prefix is not None and match.startswith(prefix + "/") else match
        target = posixpath.join(dest_path, rel)
        if tree.is_dir(match):
            for f in _under(tree, match):
                put(posixpath.join(target, posixpath.relpath(f, match)), f)
        else:
            put(target, match)
    if not matched and not op.get("optional"):
        return f"no files match {source!r}"
    return None


def _under(tree: Tree, folder: str) -> list[str]:
    lead = folder + "/" if folder else ""
    return [p for p in tree.files if p.startswith(lead)]


def _depth(tree: Tree, depth: int) -> set[str]:
    """Every file and folder path of ``tree`` with exactly ``depth`` segments."""
    found: set[str] = set()
    for path in [*tree.files, *tree.dirs]:
        parts = path.split("/") if path else []
        if len(parts) >= depth:
            found.add("/".join(parts[:depth]))
    return found


def _glob(path: str, segments: list[str]) -> bool:
    parts = path.split("/")
    return len(parts) == len(segments) and all(fnmatch.fnmatchcase(p, s) for p, s in zip(parts, segments, strict=True))
