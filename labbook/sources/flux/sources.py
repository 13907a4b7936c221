"""Which Flux sources are this repository, how that was decided, and what files each one holds.

A Flux Kustomization reads its ``spec.path`` from a source. The reader can
only follow sources that are the checked-out repository itself. Which ones those
are is decided as a person would, and said:

1. ``--source KIND/NAMESPACE/NAME``, when given;
2. else the Git sources whose URL is one of the checkout's git remotes
   (https, ssh and scp-like forms compare equal);
3. else the source of the Kustomization that syncs the entry folder (the
   ``flux-system`` Kustomization of ``flux bootstrap``, the one the Flux Operator
   makes, a root that syncs itself), or else the one source the root
   Kustomizations in the entry folder read;
4. else, as an assumption said in the report, ``GitRepository flux-system/flux-system``
   (what ``flux bootstrap`` creates).

A source with the same URL as one decided above is this repository too (the
same repository over SSH, say). An ``OCIRepository`` that is this repository is
an artifact pushed from the repository root or one folder of it, inferred from
where the Kustomization paths exist. An ``ExternalArtifact`` made by an
``ArtifactGenerator`` whose sources are this repository is composed from the
generator's ``copy`` rules, with source-watcher's cp-like semantics.

Anything else is another repository, which an offline reader cannot see.
"""

from __future__ import annotations

import fnmatch
import posixpath
from typing import Any

from labbook.sources.flux.git import normalize_url
from labbook.sources.flux.resource import Res, items, text
from labbook.sources.flux.tree import Repo, Tree

SELF = "flux-system"
"""Name and namespace of the source ``flux bootstrap`` creates for the repository."""
REPO_KINDS = ("GitRepository", "OCIRepository", "Bucket")
"""Source kinds that can be this repository."""

Key = tuple[str, str, str]
"""(kind, namespace, name) of a source."""


def ref_key(ref: Any, default_namespace: str) -> Key | None:
    """(kind, namespace, name) of a ``sourceRef``."""
    if not isinstance(ref, dict) or not text(ref.get("name")):
        return None
    return (text(ref.get("kind")) or "", text(ref.get("namespace")) or default_namespace, text(ref.get("name")) or "")


def label(key: Key) -> str:
    """``Kind namespace/name``."""
    return f"{key[0]} {key[1]}/{key[2]}"


def parse_source(value: str) -> Key | None:
    """``KIND/NAMESPACE/NAME`` (``--source``), or None when it is not that shape."""
    parts = value.strip().split("/")
    if len(parts) != 3 or not all(p.strip() for p in parts) or parts[0] not in REPO_KINDS:
        return None
    return (parts[0], parts[1], parts[2])


class Sources:
    """The repository's own sources, why each is one, and their trees."""

    def __init__(self, repo: Repo, entry: str) -> None:
        self.repo = repo
        self.entry = entry
        self.chosen: dict[Key, str] = {}
        """Sources that are this repository -> how that was decided."""
        self.rules: set[str] = set()
        """The rules that chose a source so far: ``--source``, ``git remote``, ``entry``, ``assumed``."""
        self.remote_urls: dict[str, str] = {}
        """Normalised URL of each git remote -> remote name."""
        self.objects: dict[Key, Res] = {}
        """Source objects seen in the build."""
        self._roots: dict[Key, str] = {}
        self._trees: dict[Key, Tree] = {}
        self.generators: dict[tuple[str, str], tuple[Res, dict[str, Any]]] = {}
        """ArtifactGenerator artifacts seen so far: (namespace, artifact name) -> (generator, artifact spec)."""

    # --- deciding ----------------------------------------------------------------------------------------------

    def choose(self, key: Key, why: str, rule: str, root: str | None = None) -> None:
        """Record that ``key`` is this repository (``root``: the repo folder an artifact is pushed from)."""
        self.chosen.setdefault(key, why)
        self.rules.add(rule)
        if root is not None:
            self._roots.setdefault(key, root)

    def see(self, res: Res) -> None:
        """A source object the build applies."""
        key = (res.kind, res.namespace, res.name)
        self.objects.setdefault(key, res)
        url = normalize_url(text(res.spec.get("url")))
        if "git remote" in self.rules and url in self.remote_urls:
            self.choose(key, f"its URL is the checkout's git remote `{self.remote_urls[url]}`", "git remote")

    def url_of(self, key: Key) -> str | None:
        """The normalised URL of a source the build applied."""
        res = self.objects.get(key)
        return normalize_url(text(res.spec.get("url"))) if res is not None else None

    def decided(self, key: Key) -> bool | None:
        """Whether a source is this repository; None while its object is not seen and that could still matter."""
        if key in self.chosen:
            return True
        res = self.objects.get(key)
        if res is None:
            return None
        url = self.url_of(key)
        for other, _ in list(self.chosen.items()):
            if url is not None and url == self.url_of(other) and key[0] == other[0]:
                self.choose(key, f"same URL as {label(other)}", "same URL", self._roots.get(other))
                return True
        return False

    @property
    def settled(self) -> bool:
        """Whether a rule other than ``--source`` has decided (the entry's build need not tell)."""
        return bool(self.rules - {"--source"})

    def is_self(self, key: Key) -> bool:
        """Whether a source is this repository, once everything that could tell has been read."""
        return bool(self.decided(key))

    def add_generator(self, res: Res) -> None:
        """Remember the artifacts an ArtifactGenerator makes."""
        for artifact in items(res.spec.get("artifacts")):
            if isinstance(artifact, dict) and text(artifact.get("name")):
                self.generators.setdefault((res.namespace, text(artifact["name"]) or ""), (res, artifact))

    def tree(self, key: Key, path: str) -> Tree | None:
        """The tree of a self source, its root inferred so that ``path`` exists; None if it is not self."""
        if not self.is_self(key):
            return None
        if key not in self._roots:
            self._roots[key] = self._infer_root(path) if key[0] != "GitRepository" else ""
        if key not in self._trees:
            res = self.objects.get(key)
            ignore = text(res.spec.get("ignore")) if res is not None else None
            self._trees[key] = Tree.subfolder(self.repo, self._roots[key], label(key), ignore)
        return self._trees[key]

    def _infer_root(self, path: str) -> str:
        """The repo folder an artifact was pushed from: the root, an ancestor of the entry point, or the
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
