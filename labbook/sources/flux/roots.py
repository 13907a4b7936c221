"""Root Flux Kustomizations: the ones nothing else in the repository includes.

Before Flux bootstrap and the Flux Operator, a cluster was often started by hand
(``kubectl apply -k clusters/<name>``): that folder holds the repository's own
GitRepository and a first Flux Kustomization, and everything else hangs below.
This module finds such starting points without building anything, from the
structure alone:

- what a folder includes is what its kustomization file lists (``resources``,
  ``bases``, ``components``, recursively), or, without one, every YAML file below
  it as kustomize-controller generates it;
- a Flux Kustomization *includes* the files its ``spec.path`` includes (a path
  that is the whole repository is left out: it reads another source, such as the
  Flux manifests, far more often than this one);
- a root is a Flux Kustomization no other one includes. Its entry folder is the
  path it syncs when it includes itself (the bootstrap shape), else the highest
  folder whose kustomization file includes it;
- an entry whose root Kustomizations all point at folders that do not exist is
  dead (a retired tree) and left out, as is one nested in another entry
  (a commented-out app); when some entries declare a GitRepository, they are the
  clusters, and entries that do not are left out.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Any

from labbook.sources.flux.resource import items, text
from labbook.sources.flux.transformers.base import is_remote
from labbook.sources.flux.tree import YAML_SUFFIXES, Repo, Tree

FLUX_KUSTOMIZE = "kustomize.toolkit.fluxcd.io"


def normalize(path: str) -> str:
    """A Flux ``spec.path`` as a clean relative POSIX path (``""`` for the root)."""
    clean = posixpath.normpath(path.replace("\\", "/").strip().lstrip("/")) if path.strip() else ""
    return "" if clean == "." else clean


@dataclass
class Doc:
    """A Flux Kustomization as written in a file."""

    file: str
    line: int
    namespace: str
    name: str
    path: str
    """``spec.path``, normalised."""
    source: tuple[str, str] | None
    """``spec.sourceRef`` (kind, name)."""
    spec: dict[str, Any]


@dataclass
class Candidate:
    """A folder Flux could start from."""

    folder: str
    roots: list[Doc] = field(default_factory=list)
    """The root Kustomizations it holds (or, for a self-managing root, the one that syncs it)."""
    self_managing: Doc | None = None
    """The root Kustomization whose own path is this folder, when there is one."""
    declares_git: bool = False
    """Whether what it includes declares a GitRepository (the mark of a cluster's entry)."""


class Structure:
    """What includes what in one repository, read once."""

    def __init__(self, repo: Repo) -> None:
        self.repo = repo
        self.tree = Tree.subfolder(repo, "", "repo")
        self._reach: dict[str, frozenset[str]] = {}
        self.docs: list[Doc] = []
        self.git_files: set[str] = set()
        for path, doc in repo.objects():
            obj = doc.obj
            if doc.kind == "GitRepository":
                self.git_files.add(path)
            if doc.kind != "Kustomization" or not (text(obj.get("apiVersion")) or "").startswith(FLUX_KUSTOMIZE):
                continue
            meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
            spec = obj.get("spec") if isinstance(obj.get("spec"), dict) else {}
            ref = spec.get("sourceRef") if isinstance(spec.get("sourceRef"), dict) else None
            source = (text(ref.get("kind")) or "", text(ref.get("name")) or "") if ref else None
            self.docs.append(
                Doc(
                    path,
                    doc.line,
                    text(meta.get("namespace")) or "",
                    text(meta.get("name")) or "",
                    normalize(text(spec.get("path")) or ""),
                    source,
                    spec,
                )
            )

    def kfile(self, folder: str) -> str | None:
        """The kustomization file of a folder."""
        return self.tree.kustomization_file(folder)

    def reach(self, folder: str, generated: bool = True, stack: tuple[str, ...] = ()) -> frozenset[str]:
        """The files a build of ``folder`` includes (``generated``: read it as kustomize-controller does when it
        has no kustomization file)."""
        key = f"{folder}\0{generated}"
        if key in self._reach:
            return self._reach[key]
        if folder in stack:
            return frozenset()
        stack = (*stack, folder)
        kfile = self.kfile(folder)
        out: set[str] = set()
        if kfile is not None:
            out.add(kfile)
            docs, problem = self.repo.parse(kfile, keep_all=True, values=True)
            kust = docs[0].obj if docs and not problem and isinstance(docs[0].obj, dict) else {}
            for entry in [*items(kust.get("resources")), *items(kust.get("bases")), *items(kust.get("components"))]:
                if is_remote(str(entry)):
                    continue
                path = normalize(posixpath.join(folder, str(entry)))
                if self.tree.is_file(path):
                    out.add(path)
                elif self.tree.is_dir(path):
                    out |= self.reach(path, False, stack)
        elif generated:
            for path in self.tree.children(folder):
                if path.endswith(YAML_SUFFIXES):
                    out.add(path)
            for sub in self.tree.subdirs(folder):
                out |= self.reach(sub, self.kfile(sub) is None, stack)
        found = frozenset(out)
        self._reach[key] = found
        return found

    def targets(self, doc: Doc) -> frozenset[str]:
        """What a Flux Kustomization's path includes, read from this repository."""
        if not doc.path or not self.tree.is_dir(doc.path):
            return frozenset()
        return self.reach(doc.path)

    def candidates(self) -> tuple[list[Candidate], list[str]]:
        """Entry folders from root Kustomizations, and the dead ones left out (with why)."""
        included: dict[str, set[int]] = {}
        for i, doc in enumerate(self.docs):
            for path in self.targets(doc):
                included.setdefault(path, set()).add(i)
        found: dict[str, Candidate] = {}
        for i, doc in enumerate(self.docs):
            by = included.get(doc.file, set())
            if by - {i}:
                continue
            if i in by:
                cand = found.setdefault(doc.path, Candidate(doc.path))
                cand.self_managing = doc
            else:
                cand = found.setdefault(self._home(doc.file), Candidate(self._home(doc.file)))
            cand.roots.append(doc)
        dead: list[str] = []
        alive: list[Candidate] = []
        for cand in sorted(found.values(), key=lambda c: c.folder):
            if not any(self._exists(d) for d in cand.roots if d.path):
                dead.append(f"{cand.folder or '.'} (its Kustomizations point at folders that do not exist)")
                continue
            cand.declares_git = bool(self.reach(cand.folder) & self.git_files)
            alive.append(cand)
        alive = [c for c in alive if not any(o is not c and _inside(c.folder, o.folder) for o in alive)]
        if any(c.declares_git for c in alive):
            alive = [c for c in alive if c.declares_git]
        return alive, dead

    def _exists(self, doc: Doc) -> bool:
        """Whether a Kustomization's path is a folder of the repository: at its root for a GitRepository, or
        below it too for an artifact that may be pushed from a sub-folder."""
        if self.tree.is_dir(doc.path):
            return True
        git = doc.source is None or doc.source[0] == "GitRepository"
        return not git and any(d.endswith("/" + doc.path) for d in self.tree.dirs)

    def _home(self, file: str) -> str:
        """The highest folder whose kustomization file includes ``file`` (else the file's own folder)."""
        folder = posixpath.dirname(file)
        best = folder
        probe = folder
        while True:
            if self.kfile(probe) is not None and file in self.reach(probe, False):
                best = probe
            if not probe:
                return best
            probe = posixpath.dirname(probe)


def _inside(folder: str, other: str) -> bool:
    return other == "" or folder.startswith(other + "/")
