"""The files Flux sees: the repository minus ignored files, read and parsed once.

source-controller packs a Git checkout into an artifact after dropping what
``.sourceignore`` files (gitignore syntax, each scoped to its folder), the
source's ``spec.ignore`` and its built-in exclusions name, and symlinks
(source-controller internal/controller ``reconcileArtifact`` and
internal/storage ``SourceIgnoreFilter``/``Archive``). :class:`Repo` lists exactly
those files and parses each at most once. A :class:`Tree` is one source's view of them: the repo
itself, a folder of it (an OCI artifact pushed from ``./kubernetes``), or an
``ArtifactGenerator`` composition.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterator
from pathlib import Path

from labbook.sources.flux import gitignore
from labbook.sources.flux.loader import Doc, FileProblem, load

VCS_IGNORES = (".git/", ".gitignore", ".gitmodules", ".gitattributes")
"""fluxcd/pkg sourceignore ``ExcludeVCS``: always left out."""
DEFAULT_IGNORES = (
    # sourceignore.ExcludeExt, ExcludeCI and ExcludeExtra in fluxcd/pkg
    *("*.jpg", "*.jpeg", "*.gif", "*.png", "*.wmv", "*.flv", "*.tar.gz", "*.zip"),
    *(".github/", ".circleci/", ".travis.yml", ".gitlab-ci.yml", "appveyor.yml", ".drone.yml", "cloudbuild.yaml"),
    *("codeship-services.yml", "codeship-steps.yml"),
    *("**/.goreleaser.yml", "**/.sops.yaml", "**/.flux.yaml"),
)
"""What source-controller leaves out when the repository names nothing to ignore itself (no ``.sourceignore``
pattern and no ``spec.ignore``): its ``SourceIgnoreFilter`` then uses ``NewDefaultMatcher``; otherwise only
:data:`VCS_IGNORES` and the repository's own patterns apply."""

IGNORE_FILE = ".sourceignore"
YAML_SUFFIXES = (".yaml", ".yml")
KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
"""File names kustomize recognises, in its order (``konfig.RecognizedKustomizationFileNames``)."""


def _ignore_patterns(root: Path, found: list[str]) -> list[gitignore.Pattern]:
    """Every ``.sourceignore`` pattern, root file first, then sub-folders in walk order, each scoped to its folder
    (fluxcd/pkg ``sourceignore.LoadIgnorePatterns``)."""
    out: list[gitignore.Pattern] = []
    for rel in found:
        domain = tuple(p for p in posixpath.dirname(rel).split("/") if p)
        try:
            lines = (root / rel).read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            continue
        out += gitignore.patterns(lines, domain)
    return out


def spec_ignore(text: str | None) -> list[gitignore.Pattern]:
    """The patterns of a source's ``spec.ignore`` (gitignore syntax, relative to the source root)."""
    return gitignore.patterns(text.splitlines()) if text else []


class Repo:
    """A checked-out repository: its visible files, their bytes and their parsed documents.

    source-controller archives a checkout minus its built-in exclusions, minus what
    ``.sourceignore`` files name, minus a source's own ``spec.ignore`` (each later list
    overriding the earlier ones). :attr:`files` is what a source without ``spec.ignore``
    sees; :meth:`visible` applies a ``spec.ignore`` on top.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._all: list[str] | None = None
        self._sourceignore: list[gitignore.Pattern] = []
        self._visible: dict[str, list[str]] = {}
        self._parsed: dict[tuple[str, bool, bool], tuple[list[Doc], FileProblem | None]] = {}
        self._bytes: dict[str, bytes] = {}
        self.unreadable: list[str] = []
        """Folders the walk could not enter (permissions), repo-relative."""
        self.elsewhere: list[str] = []
        """Folders on another filesystem (a mount point, e.g. ``/proc``), not entered."""

    @property
    def files(self) -> list[str]:
        """Repo-relative POSIX paths of every file Flux would see, in walk order."""
        return self.visible(None)

    def visible(self, ignore: str | None) -> list[str]:
        """The files a source sees whose ``spec.ignore`` is ``ignore``."""
        key = ignore or ""
        found = self._visible.get(key)
        if found is None:
            every = self._walk()
            own = [*self._sourceignore, *spec_ignore(ignore)]
            base = gitignore.patterns(list(VCS_IGNORES if own else (*VCS_IGNORES, *DEFAULT_IGNORES)))
            matcher = gitignore.Matcher([*base, *own])
            found = [p for p in every if not matcher.excluded(p)]
            self._visible[key] = found
        return found

    def _walk(self) -> list[str]:
        if self._all is not None:
            return self._all
        out: list[str] = []
        ignores: list[str] = []
        root = str(self.root)
        try:
            device = os.stat(root).st_dev
        except OSError:
            device = None

        def unreadable(exc: OSError) -> None:
            where = os.path.relpath(exc.filename or root, root).replace(os.sep, "/")
            self.unreadable.append("" if where == "." else where)

        for folder, dirs, names in os.walk(root, onerror=unreadable):
            rel = os.path.relpath(folder, root).replace(os.sep, "/")
            rel = "" if rel == "." else rel + "/"
            kept = []
            for d in sorted(dirs):
                if d == ".git":
                    continue
                try:
                    same = device is None or os.stat(os.path.join(folder, d)).st_dev == device
                except OSError:
                    same = True  # os.walk reports it when it cannot enter it
                if same:
                    kept.append(d)
                else:
                    self.elsewhere.append(rel + d)
            dirs[:] = kept
            for name in sorted(names):
                if os.path.islink(os.path.join(folder, name)):
                    continue  # source-controller archives regular files only
                out.append(rel + name)
                if name == IGNORE_FILE:
                    ignores.append(rel + name)
        self._sourceignore = _ignore_patterns(self.root, ignores)
        self._all = out
        return out

    def objects(self, paths: list[str] | None = None) -> Iterator[tuple[str, Doc]]:
        """Every object (kinds the reader keeps) of every YAML file Flux would see, or of ``paths``, unbuilt."""
        for path in self.files if paths is None else paths:
            if not path.endswith(YAML_SUFFIXES):
                continue
            docs, problem = self.parse(path)
            if problem is None:
                yield from ((path, doc) for doc in docs if isinstance(doc.obj, dict))

    def grep(self, needles: list[str]) -> list[str]:
        """The YAML files whose text contains one of ``needles`` (a cheap pass before parsing only those)."""
        wanted = [n.encode() for n in needles if n]
        out = []
        for path in self.files:
            if path.endswith(YAML_SUFFIXES):
                try:
                    data = self.read(path)
                except OSError:
                    continue
                if any(n in data for n in wanted):
                    out.append(path)
        return out

    def read(self, rel: str) -> bytes:
        """The bytes of a repo file (read once)."""
        data = self._bytes.get(rel)
        if data is None:
            data = self._bytes[rel] = (self.root / rel).read_bytes()
        return data

    def parse(self, rel: str, *, keep_all: bool = False, values: bool = False) -> tuple[list[Doc], FileProblem | None]:
        """The documents of a repo file, parsed once per mode (see :func:`~labbook.sources.flux.loader.load`)."""
        key = (rel, keep_all, values)
        found = self._parsed.get(key)
        if found is None:
            try:
                found = load(self.read(rel), keep_all=keep_all, values=values)
            except OSError as exc:
                found = ([], FileProblem(None, f"cannot read: {exc.strerror or exc}"))
            self._parsed[key] = found
        return found


class Tree:
    """One source's files: artifact path -> repo path, and the folders they imply."""

    def __init__(self, repo: Repo, files: dict[str, str], label: str, prefix: str | None = "") -> None:
        self.repo = repo
        self.files = files
        self.label = label
        """How the source is named in messages, e.g. ``GitRepository flux-system/flux-system``."""
        self.prefix = prefix
        """The repo folder this tree is (``""`` for the repo root), or None for a composed artifact."""
        dirs = {""}
        for path in files:
            parent = posixpath.dirname(path)
            while parent not in dirs:
                dirs.add(parent)
                parent = posixpath.dirname(parent)
        self.dirs = dirs
        self._listing: dict[str, list[str]] | None = None
        self._subdirs: dict[str, list[str]] | None = None

    @classmethod
    def subfolder(cls, repo: Repo, prefix: str, label: str, ignore: str | None = None) -> Tree:
        """The repo itself (``prefix`` empty) or one folder of it as an artifact root, minus ``spec.ignore``."""
        files = repo.visible(ignore)
        if not prefix:
            return cls(repo, {p: p for p in files}, label)
        lead = prefix.rstrip("/") + "/"
        return cls(repo, {p[len(lead) :]: p for p in files if p.startswith(lead)}, label, lead[:-1])

    def is_dir(self, path: str) -> bool:
        """True for a folder that holds at least one visible file."""
        return path in self.dirs

    def is_file(self, path: str) -> bool:
        """True for a visible file."""
        return path in self.files

    def kustomization_file(self, folder: str) -> str | None:
        """The kustomization file of ``folder`` (artifact path), if it has one."""
        for name in KUSTOMIZATION_FILES:
            path = posixpath.join(folder, name) if folder else name
            if path in self.files:
                return path
        return None

    def children(self, folder: str) -> list[str]:
        """Artifact paths of the files directly in ``folder``, in name order."""
        if self._listing is None:
            listing: dict[str, list[str]] = {}
            for path in sorted(self.files):
                listing.setdefault(posixpath.dirname(path), []).append(path)
            self._listing = listing
        return self._listing.get(folder, [])

    def subdirs(self, folder: str) -> list[str]:
        """Artifact paths of the folders directly in ``folder``, in name order."""
        if self._subdirs is None:
            subdirs: dict[str, list[str]] = {}
            for d in sorted(self.dirs):
                if d:
                    subdirs.setdefault(posixpath.dirname(d), []).append(d)
            self._subdirs = subdirs
        return self._subdirs.get(folder, [])

    def real(self, path: str) -> str:
        """The repo path behind an artifact path."""
        return self.files[path]

    def repo_folder(self, folder: str) -> str | None:
        """The repo folder an artifact folder comes from, when there is one (a composed artifact may have none)."""
        if self.prefix is not None:
            return posixpath.join(self.prefix, folder) if self.prefix else folder
        lead = folder + "/" if folder else ""
        for path, real in self.files.items():
            if path.startswith(lead) and real.endswith("/" + path[len(lead) :]):
                return real[: -len(path) + len(lead) - 1] if lead else real[: -len(path) - 1]
        return None

    def shown(self, path: str) -> str:
        """An artifact file or folder as the user finds it in the repo."""
        if path in self.files:
            return self.files[path]
        if self.prefix is None:
            return f"{self.label}:{path or '.'}"
        joined = posixpath.join(self.prefix, path) if self.prefix else path
        return joined or "."
