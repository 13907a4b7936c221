"""Git access for history, through pygit2 (libgit2 in-process).

Chosen over the ``git`` CLI and dulwich by measuring the three on the same
1,000-commit walk (``bench/history.py``; figures in its docstring). Only this
module imports pygit2, so the rest of labbook runs, and the site builds without
history, when it is missing.

Shallow clones: libgit2 shows a shallow boundary commit as having no parents.
History must not read that as "everything was added here", so the boundary
commits are taken from the repository's ``shallow`` file and treated as a
baseline, not as a root.
"""

from __future__ import annotations

import datetime as dt
import functools
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

try:
    import pygit2
except ImportError:  # pragma: no cover - pygit2 is a pinned dependency
    pygit2 = None

FETCH_FIX = "fetch the full history: `git fetch --unshallow`, or `fetch-depth: 0` for actions/checkout"
"""What to do about a shallow clone."""


class NotARepo(Exception):
    """The folder is not in a Git work tree, or Git cannot be read here; ``str()`` says why in one line."""

    def __init__(self, message: str, status: str = "no-git", fix: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        """``no-git`` or ``unavailable``."""
        self.fix = fix
        """What to do about it."""


@dataclass(frozen=True, slots=True)
class Commit:
    """The parts of a commit history uses."""

    sha: str
    """Full id."""
    parents: tuple[str, ...]
    """Parent ids (none for a root, and for a shallow boundary)."""
    time: int
    """Committer time, seconds since the epoch."""
    offset: int
    """Committer UTC offset in minutes."""
    author: str
    """Author name."""
    message: str
    """First line of the message."""


@functools.lru_cache(maxsize=64)
def zone(offset: int) -> dt.timezone:
    """The time zone of a committer's UTC offset in minutes (as Git records it), one object per offset."""
    return dt.timezone(dt.timedelta(minutes=offset))


def _commit(c: Any, names: dict[str, str] | None = None) -> Commit:
    """A commit; ``names``: the ids of commits made before, so that a parent's id is the same string
    object as that commit's (the history cache then stores each id once)."""
    sha = str(c.id)
    parents = tuple(str(p) for p in c.parent_ids)
    if names is not None:
        names[sha] = sha
        parents = tuple(names.get(p, p) for p in parents)
    return Commit(
        sha,
        parents,
        c.commit_time,
        c.commit_time_offset,
        sys.intern(c.author.name),
        c.message.strip().partition("\n")[0],
    )


class Repo:
    """One repository: its commits, trees and blobs. Built by :func:`open_repo`."""

    def __init__(self, repo: Any, root: Path) -> None:
        self._repo = repo
        self.root = root
        """The work tree."""
        self._dirs: dict[tuple[str, str], str | None] = {}
        self._listings: dict[str, dict[str, tuple[str, str]]] = {}
        self._walks: dict[tuple[str, frozenset[str]], list[Commit]] = {}
        self._real: dict[Path, Path] = {}
        """Folders with every symlink resolved, as :func:`open_repo` found them (a run resolves each once)."""

    @functools.cached_property
    def real_root(self) -> Path:
        """The work tree, with every symlink resolved."""
        return self.root.resolve()

    def relpath(self, folder: Path) -> str:
        """``folder`` inside the work tree, as a Git path (``""`` for the root)."""
        real = self._real.get(folder) or folder.resolve()
        rel = real.relative_to(self.real_root).as_posix()
        return "" if rel == "." else rel

    def head(self) -> str | None:
        """The commit ``HEAD`` points at, or None before the first commit."""
        if self._repo.head_is_unborn:
            return None
        return str(self._repo.head.target)

    def head_log(self) -> Path:
        """The reflog of ``HEAD``: Git appends to it on every commit, checkout, merge, pull or reset
        (``core.logAllRefUpdates``, on by default in a work tree), so watching it sees the history move."""
        return Path(self._repo.path) / "logs" / "HEAD"

    def shallow_boundary(self) -> set[str]:
        """Commits whose parents a shallow clone left out (empty for a full clone)."""
        if not self._repo.is_shallow:
            return set()
        git_dir = Path(self._repo.path)
        common = git_dir / "commondir"
        if common.is_file():
            git_dir = (git_dir / common.read_text(encoding="utf-8").strip()).resolve()
        shallow = git_dir / "shallow"
        return set(shallow.read_text(encoding="utf-8").split()) if shallow.is_file() else set()

    def walk(self, head: str, hide: Iterable[str] = ()) -> list[Commit]:
        """Commits reachable from ``head`` and from none of ``hide``, parents before children (walked
        once per run: the inventory's and the Flux repository's histories often ask the same)."""
        key = (head, frozenset(hide))
        if key not in self._walks:
            self._walks[key] = self._walk(head, key[1])
        return list(self._walks[key])

    def _walk(self, head: str, hide: Iterable[str]) -> list[Commit]:
        sort = pygit2.enums.SortMode.TOPOLOGICAL | pygit2.enums.SortMode.REVERSE
        walker = self._repo.walk(head, sort)
        for sha in hide:
            try:  # no lookup first: hiding reads the commit anyway
                walker.hide(sha)
            except (KeyError, ValueError, pygit2.GitError):  # a head the repository no longer has (a rebase, then gc)
                continue
        names: dict[str, str] = {}
        return [_commit(c, names) for c in walker]

    def descends(self, sha: str, ancestor: str) -> bool:
        """Whether ``ancestor`` is ``sha`` or reachable from it."""
        if sha == ancestor:
            return True
        try:
            return bool(self._repo.descendant_of(sha, ancestor))
        except (KeyError, ValueError, pygit2.GitError):  # an id this repository does not have
            return False

    def commit(self, sha: str) -> Commit:
        """One commit."""
        return _commit(self._repo[sha])

    def tree(self, sha: str, path: str) -> str | None:
        """The id of the tree at ``path`` in commit ``sha`` (the root tree for ``""``), or None."""
        tree = self._repo[sha].tree
        if not path:
            return str(tree.id)
        try:
            entry = tree[path]
        except KeyError:
            return None
        return str(entry.id) if entry.type_str == "tree" else None

    def folder(self, sha: str, folder: str) -> str | None:
        """:meth:`tree`, remembered per commit and folder."""
        key = (sha, folder)
        tree = self._dirs.get(key, "")
        if tree == "":
            tree = self._dirs[key] = self.tree(sha, folder)
        return tree

    def blob_at(self, sha: str, path: str) -> str | None:
        """The id of the blob at ``path`` in commit ``sha``, or None.

        A folder's listing is read once per tree id, and its tree id once per commit: history asks
        for the same few files of every commit several times (renames, then the files read)."""
        folder, _, name = path.rpartition("/")
        tree = self.folder(sha, folder)
        if tree is None:
            return None
        listing = self._listings.get(tree)
        if listing is None:
            listing = self._listings[tree] = {e.name: (e.type_str, str(e.id)) for e in self._repo[tree]}
        kind, blob = listing.get(name, ("", ""))
        return blob if kind == "blob" else None

    def files(self, tree: str) -> dict[str, str]:
        """Every blob under a tree, by path relative to it."""
        out: dict[str, str] = {}
        stack = [("", self._repo[tree])]
        while stack:
            prefix, node = stack.pop()
            for entry in node:
                if entry.type_str == "tree":
                    stack.append((f"{prefix}{entry.name}/", self._repo[entry.id]))
                elif entry.type_str == "blob":
                    out[f"{prefix}{entry.name}"] = str(entry.id)
        return out

    def changed(self, old: str | None, new: str) -> dict[str, str | None]:
        """Paths whose blob differs between two trees: the new blob id, or None when deleted."""
        if old is None:
            return dict(self.files(new))
        diff = self._repo[old].diff_to_tree(self._repo[new])
        out: dict[str, str | None] = {}
        for d in diff.deltas:
            if d.status_char() == "D":
                out[d.old_file.path] = None
            else:
                out[d.new_file.path] = str(d.new_file.id)
        return out

    def renamed_from(self, parent: str, sha: str, path: str) -> str | None:
        """The path ``path`` had in ``parent``, when commit ``sha`` renamed (moved) it there."""
        diff = self._repo.diff(self._repo[parent].tree, self._repo[sha].tree)
        diff.find_similar()
        for d in diff.deltas:
            if d.status_char() == "R" and d.new_file.path == path:
                return d.old_file.path
        return None

    def blob(self, blob_id: str) -> bytes:
        """A blob's bytes (read raw from the object database: no object built, about 40% faster)."""
        return self._repo.read(blob_id)[1]


def open_repo(folder: Path, opened: dict[str, Repo] | None = None) -> Repo:
    """The repository whose work tree holds ``folder``; :class:`NotARepo` says why not. ``opened``:
    repositories already open, by Git folder (the inventory and the Flux repository are often one)."""
    if pygit2 is None:
        raise NotARepo("pygit2 is not installed, so Git history cannot be read", "unavailable", "run `make`")
    real = folder.resolve()
    found = pygit2.discover_repository(str(real))
    if found is None:
        raise NotARepo(
            f"{folder.as_posix()}: not in a Git repository, so it has no history "
            "(expected a folder inside a Git checkout)"
        )
    if opened is not None and found in opened:
        opened[found]._real[folder] = real
        return opened[found]
    try:
        repo = pygit2.Repository(found)
    except pygit2.GitError as exc:
        raise NotARepo(f"{folder.as_posix()}: cannot open its Git repository: {exc}", "unavailable") from None
    if repo.workdir is None:
        raise NotARepo(f"{folder.as_posix()} is in a bare Git repository (expected a checkout)")
    out = Repo(repo, Path(repo.workdir))
    out._real[folder] = real
    if opened is not None:
        opened[found] = out
    return out
