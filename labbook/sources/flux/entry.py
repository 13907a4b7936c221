"""Where Flux starts reading a repository: the cluster entry point, and the Kustomization that syncs it.

Given ``--path`` (relative to the repository), that folder. Otherwise the first
of these that finds anything:

1. ``flux bootstrap`` layouts: a ``<path>/<namespace>/gotk-sync.yaml`` (flux2
   ``pkg/manifestgen/sync``: ``flux-system`` by default) whose Kustomization
   syncs a folder that exists; an empty one (a placeholder) stands for the
   ``GitRepository`` and ``Kustomization`` named after the namespace that
   ``flux bootstrap`` writes there, syncing ``<path>``;
2. the Flux Operator: a ``FluxInstance`` with ``spec.sync``, written as a
   manifest or as ``flux-instance`` chart values (:mod:`labbook.sources.flux.operator`);
3. root Flux Kustomizations that nothing else includes (:mod:`labbook.sources.flux.roots`);
4. the classic ``clusters/<name>`` folders (at the top or one level down).

Several answers in one step are several clusters: the error names each entry
point and the ``--path`` to pass; only the owner knows which cluster the docs
describe.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Any

from labbook.errors import BadInput, Problem
from labbook.sources.flux import operator
from labbook.sources.flux.diagnostics import Diagnostics
from labbook.sources.flux.resource import Res, text
from labbook.sources.flux.roots import FLUX_KUSTOMIZE, Structure, normalize
from labbook.sources.flux.transformers import BuildError, Level, patch
from labbook.sources.flux.tree import Repo, Tree

__all__ = ["FLUX_KUSTOMIZE", "Entry", "Root", "candidates", "entry_point", "normalize"]


@dataclass
class Root:
    """The Flux Kustomization that syncs the entry folder, as far as the repository says."""

    namespace: str
    """Its namespace."""
    name: str
    """Its name."""
    spec: dict[str, Any]
    """Its spec (``path``, ``sourceRef`` and whatever else it sets)."""
    file: str
    """Where it is declared (or where the Flux Operator is told to make it)."""
    line: int
    """Its line."""
    in_git: bool
    """True when the Kustomization object itself is in Git (it then applies itself)."""
    source: dict[str, Any] | None = None
    """The source object it reads, when the repository declares it or the Flux Operator makes it."""
    patches: list[Any] = field(default_factory=list)
    """Flux Operator ``kustomize.patches``, which patch the source and this Kustomization."""
    artifact_root: str = ""
    """For an OCI artifact, the repo folder it is pushed from (``""``: the repository root)."""

    def patched_spec(self, tree: Tree, diag: Diagnostics) -> dict[str, Any]:
        """Its spec after the Flux Operator's ``kustomize.patches``, which patch it too (they are appended to the
        kustomization the operator builds its source and Kustomization with)."""
        if not self.patches:
            return dict(self.spec)
        made = [Res(self.source, self.file, self.line)] if self.source else []
        ks = {
            "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
            "kind": "Kustomization",
            "metadata": {"name": self.name, "namespace": self.namespace},
            "spec": dict(self.spec),
        }
        made.append(Res(ks, self.file, self.line))
        level = Level(tree, diag, "", {"patches": self.patches}, (self.file, self.line))
        try:
            out = patch.apply(level, made)
        except BuildError as exc:
            diag.warn(self.file, self.line, f"Flux Operator kustomize.patches cannot apply: {exc}")
            return dict(self.spec)
        return next((o.spec for o in out if o.kind == "Kustomization"), dict(self.spec))


@dataclass
class Entry:
    """Where Flux starts."""

    folder: str
    """The entry folder, repo-relative."""
    how: str
    """How it was found, for people."""
    root: Root | None = None
    """The Kustomization syncing it, when known; None when it is applied by hand (``kubectl apply -k``)."""
    notes: list[str] = field(default_factory=list)
    """What the detection could not know for sure."""
    assumed: tuple[str, str] | None = None
    """(kind, name) of the object that declares the root without writing its namespace: the build shows where
    it lands (flux-system is assumed until then)."""


def _several(shown: str, what: str, folders: list[str]) -> BadInput:
    choices = ", ".join(folders[:10]) + (f" and {len(folders) - 10} more" if len(folders) > 10 else "")
    return BadInput(
        Problem(
            shown,
            None,
            None,
            f"several cluster entry points: {choices} (found as {what}; expected --path to choose one, "
            f"e.g. --path {folders[0]})",
        )
    )


def _bootstrap(repo: Repo, tree: Tree) -> list[Entry]:
    found: dict[str, Entry] = {}
    for path in repo.files:
        if posixpath.basename(path) != "gotk-sync.yaml" or path.count("/") < 1:
            continue
        docs, problem = repo.parse(path)
        objs = [d for d in docs if isinstance(d.obj, dict)] if not problem else []
        kust = next((d for d in objs if d.kind == "Kustomization"), None)
        if kust is None:  # <path>/<namespace>/gotk-sync.yaml, both objects named after the namespace
            folder, namespace = posixpath.split(posixpath.dirname(path))
            spec = {"path": f"./{folder}", "sourceRef": {"kind": "GitRepository", "name": namespace}}
            root = Root(namespace, namespace, spec, path, 1, in_git=False)
            how = f"flux bootstrap layout ({path} is empty: its Kustomization {namespace}/{namespace} is assumed)"
        else:
            obj = kust.obj
            meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
            spec = obj.get("spec") if isinstance(obj.get("spec"), dict) else {}
            folder = normalize(text(spec.get("path")) or "")
            ref = spec.get("sourceRef") if isinstance(spec.get("sourceRef"), dict) else {}
            source = next(
                (
                    d.obj
                    for d in objs
                    if d.kind == text(ref.get("kind"))
                    and d.obj.get("metadata", {}).get("name") == text(ref.get("name"))
                ),
                None,
            )
            name, namespace = text(meta.get("name")) or "flux-system", text(meta.get("namespace")) or "flux-system"
            root = Root(namespace, name, spec, path, kust.line, in_git=True, source=source)
            how = f"flux bootstrap: Kustomization {namespace}/{name} in {path}:{kust.line}"
        if folder and tree.is_dir(folder):
            found.setdefault(folder, Entry(folder, how, root))
    return [found[k] for k in sorted(found)]


def _operator(repo: Repo, tree: Tree) -> list[Entry]:
    found: dict[str, Entry] = {}
    for sync in operator.syncs(repo):
        path = normalize(sync.path)
        folder, prefix = _locate(tree, path, sync.kind)
        if folder is None:
            continue
        spec = {"path": f"./{path}" if path else "./", "sourceRef": {"kind": sync.kind, "name": sync.name}}
        root = Root(
            sync.namespace, sync.name, spec, sync.file, sync.line, False, sync.source_object(), sync.patches, prefix
        )
        how = f"Flux Operator: {sync.via} ({sync.file}:{sync.line}) syncs {sync.kind} {sync.name}, path {sync.path}"
        found.setdefault(folder, Entry(folder, how, root, list(sync.notes), sync.assumed))
    return [found[k] for k in sorted(found)]


def _locate(tree: Tree, path: str, kind: str) -> tuple[str | None, str]:
    """The repo folder a sync path names, and the folder an OCI artifact was pushed from (``""`` for the root)."""
    if tree.is_dir(path):
        return path, ""
    if kind == "GitRepository" or not path:
        return None, ""
    roots = sorted(d[: -len(path) - 1] for d in tree.dirs if d.endswith("/" + path))
    return (f"{roots[0]}/{path}", roots[0]) if len(roots) == 1 else (None, "")


def _roots(repo: Repo) -> list[Entry]:
    alive, _ = Structure(repo).candidates()
    out = []
    for cand in alive:
        doc = cand.self_managing
        if doc is not None:
            spec = dict(doc.spec)
            root = Root(doc.namespace or "flux-system", doc.name, spec, doc.file, doc.line, in_git=True)
            name = f"{doc.namespace or 'flux-system'}/{doc.name}"
            how = f"root Kustomization {name} ({doc.file}:{doc.line}), which syncs its own folder"
            out.append(Entry(cand.folder, how, root))
        else:
            names = ", ".join(f"{d.namespace or 'flux-system'}/{d.name}" for d in cand.roots)
            out.append(Entry(cand.folder, f"root Kustomization {names}, which nothing else in the repository includes"))
    return out


def _classic(tree: Tree) -> list[Entry]:
    folders = sorted(
        d for d in tree.dirs if posixpath.basename(posixpath.dirname(d)) == "clusters" and d.count("/") <= 2
    )
    return [Entry(f, "the clusters/<name> folder") for f in folders]


STEPS = (
    ("flux bootstrap", lambda repo, tree: _bootstrap(repo, tree)),
    ("Flux Operator", lambda repo, tree: _operator(repo, tree)),
    ("root Kustomizations", lambda repo, tree: _roots(repo)),
    ("clusters/<name> folders", lambda repo, tree: _classic(tree)),
)
"""Entry detection, in order: the first step that finds anything decides."""


def candidates(repo: Repo) -> tuple[str, list[Entry]]:
    """The entry points of the first detection step that finds any, and that step's name."""
    tree = Tree.subfolder(repo, "", "repo")
    for what, step in STEPS:
        found = step(repo, tree)
        if found:
            return what, found
    return "", []


def _checked(shown: str, tree: Tree, path: str) -> str:
    if posixpath.isabs(path) or path.startswith(("/", "\\")) or (len(path) > 1 and path[1] == ":"):
        raise BadInput(
            Problem(shown, None, None, f"--path {path!r} is absolute (expected a folder relative to --repo)")
        )
    clean = normalize(path)
    if clean == ".." or clean.startswith("../"):
        raise BadInput(Problem(shown, None, None, f"--path {path!r} leaves the repository (expected a folder in it)"))
    if not tree.is_dir(clean):
        raise BadInput(
            Problem(
                f"{shown}/{clean}" if clean else shown,
                None,
                None,
                "entry point not found or holds no files Flux reads (expected a folder such as clusters/<name>)",
            )
        )
    return clean


def entry_point(repo: Repo, shown: str, path: str | None) -> Entry:
    """The entry point. Raises :class:`BadInput` when there is none, or several and no ``--path``."""
    tree = Tree.subfolder(repo, "", "repo")
    if path is not None:
        clean = _checked(shown, tree, path)
        for _, step in STEPS[:2]:  # a bootstrap or operator root that syncs this very folder is still the root
            for entry in step(repo, tree):
                if entry.folder == clean:
                    return entry
        return Entry(clean, "--path")
    what, found = candidates(repo)
    if len(found) == 1:
        return found[0]
    if found:
        raise _several(shown, what, [e.folder for e in found])
    unreadable = repo.unreadable[:3]
    more = f"; {len(repo.unreadable)} folders could not be read, e.g. {', '.join(unreadable)}" if unreadable else ""
    raise BadInput(
        Problem(
            shown,
            None,
            None,
            f"no Flux entry point found (expected a clusters/<name> folder or Flux Kustomizations, or --path{more})",
        )
    )
