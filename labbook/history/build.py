"""Walk a history commit by commit: each commit's facts, and what it changed.

Commits are read parents first. A commit's state starts from its first
parent's: only the files whose blob changed are read, each blob once. A commit
with one parent changed what differs from that parent. A merge changed only
what differs from *every* parent (Git's combined-diff rule): what a branch
brought in was already counted on the branch's own commits, so merges are
never double counted. A root commit adds what it holds; a shallow clone's
boundary commit is a baseline and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from labbook.cycles import without_cycle_collection
from labbook.history.differ import Delta, commit_ref, deltas, word
from labbook.history.git import Commit
from labbook.history.sources import Files, Source
from labbook.models.history import Change, Facts, HistoryWarning


@dataclass(slots=True)
class State:
    """A commit's files, each file's partial result, and the facts they make."""

    files: Files
    """``{path: blob}``."""
    parts: dict[str, Any]
    """``{path: partial result}`` (carried over from the parent for a file that did not read)."""
    facts: Facts
    """The composed facts."""
    where: dict[str, str]
    """``{subject: path}``."""


@dataclass(slots=True)
class Record:
    """One commit as the history keeps it."""

    commit: Commit
    """The commit."""
    boundary: bool = False
    """A shallow clone's boundary commit (a baseline, not a change)."""
    files: Files | None = None
    """Its files, kept for sources that follow renames (the inventory)."""
    changes: list[Change] = field(default_factory=list)
    """What it changed."""


EMPTY = State({}, {}, {}, {})


def _nothing(sha: str) -> None:
    """No files kept for any commit."""


def _same(state: State, delta: Delta, merged: State) -> bool:
    """Whether another parent of a merge already had what the merge shows for ``delta``."""
    if delta.action == "changed":
        return state.facts.get(delta.subject, {}).get(delta.field or "") == merged.facts[delta.subject].get(
            delta.field or ""
        )
    if delta.action == "removed":
        return delta.subject not in state.facts
    return delta.subject in state.facts


class Builder:
    """Reads commits of one :class:`Source`, remembering each blob's result."""

    def __init__(self, source: Source, boundary: set[str]) -> None:
        self.source = source
        self.boundary = boundary
        self.blobs: dict[str, tuple[Any, str | None]] = {}
        self.warnings: list[HistoryWarning] = []
        self.parsed = 0
        """Commits whose files were read in this run."""
        self.kept: Callable[[str], Files | None] = _nothing
        """The files of a commit read in an earlier run, when the source keeps them (set by :meth:`run`)."""

    def _part(self, path: str, blob: str, sha: str, warn: bool = True) -> tuple[Any, bool]:
        """A file's partial result, and whether it read (``warn``: report a problem as a warning; a
        recovered state's problem was reported when the commit was first read)."""
        if blob not in self.blobs:
            part, problem = self.source.read(path, self.source.repo.blob(blob))
            self.blobs[blob] = (part, problem)
            if problem is not None and warn:
                self.warnings.append(
                    HistoryWarning(
                        origin=self.source.origin,
                        path=path,
                        commit=sha,
                        message=f"{problem} (at commit {sha[:7]}: its facts are carried over from the revision before)",
                    )
                )
        part, problem = self.blobs[blob]
        return part, problem is None

    def state(self, commit: Commit, parent: State | None, parent_sha: str | None, files: Files | None = None) -> State:
        """The state of ``commit``, from its first parent's when known."""
        if files is None:
            files = self.source.select(commit, parent.files if parent else None, parent_sha)
        if parent is not None and (files is parent.files or files == parent.files):
            return parent
        if parent is None:
            parts: dict[str, Any] = {}
            for path, blob in files.items():
                part, ok = self._part(path, blob, commit.sha)
                parts[path] = part if ok else None
        else:
            # only the files whose blob changed (set operations: no Python loop over every file)
            parts = dict(parent.parts)
            for path in parent.files.keys() - files.keys():
                del parts[path]
            changed = files.items() - parent.files.items()
            # read in the files' order, so that warnings come in that order
            ordered = [item for item in files.items() if item in changed] if len(changed) > 1 else changed
            for path, blob in ordered:
                part, ok = self._part(path, blob, commit.sha)
                parts[path] = part if ok else parent.parts.get(path)
            if list(parts) != list(files):
                parts = {path: parts[path] for path in files}
            elif files.keys() == parent.files.keys():
                quick = self.source.recompose(parent.parts, parent.facts, parent.where, parts, [p for p, _ in ordered])
                if quick is not None:
                    return State(files, parts, *quick)
        facts, where = self.source.compose(parts)
        return State(files, parts, facts, where)

    def changes(self, commit: Commit, state: State, parents: list[State]) -> list[Change]:
        """What ``commit`` changed, given its state and its parents' states."""
        if commit.sha in self.boundary:
            return []
        first = parents[0] if parents else EMPTY
        if first is state:
            return []
        found = deltas(first.facts, state.facts)
        for other in parents[1:]:
            found = [d for d in found if not _same(other, d, state)]
        if not found:
            return []
        ref = commit_ref(commit)
        where = {**first.where, **state.where}
        return [word(d, first.facts, state.facts, where, self.source.origin, ref) for d in found]

    def recover(self, sha: str, files: Files | None = None) -> State:
        """The state of a commit read in an earlier run, from its files (when kept) or its tree. A file
        that does not read carries its facts over from the first parent's, as when it was read."""
        commit = self.source.repo.commit(sha)
        if files is None:
            files = self.source.select(commit, None, None)
        parts: dict[str, Any] = {}
        broken = []
        for path, blob in files.items():
            part, ok = self._part(path, blob, sha, warn=False)
            parts[path] = part if ok else None
            if not ok:
                broken.append(path)
        if broken and commit.parents and commit.sha not in self.boundary:
            parent = self.recover(commit.parents[0], self.kept(commit.parents[0]))
            for path in broken:
                parts[path] = parent.parts.get(path)
        facts, where = self.source.compose(parts)
        return State(files, parts, facts, where)

    def run(
        self, commits: list[Commit], known: dict[str, State], kept: Callable[[str], Files | None] | None = None
    ) -> list[Record]:
        """Read ``commits`` (parents first). ``known`` holds the states of commits already read and is
        extended with every commit read; a parent read in an earlier run is recovered from ``kept``
        (its files, when the source keeps them) or its tree."""
        kept = self.kept = kept or _nothing
        keep_files = self.source.keeps_files
        records: list[Record] = []
        with without_cycle_collection():
            self._run(commits, known, kept, keep_files, records)
        return records

    def _run(
        self,
        commits: list[Commit],
        known: dict[str, State],
        kept: Callable[[str], Files | None],
        keep: bool,
        records: list[Record],
    ) -> None:
        for commit in commits:
            for p in commit.parents:
                if p not in known:
                    known[p] = self.recover(p, kept(p))
            parents = [known[p] for p in commit.parents]
            first_sha = commit.parents[0] if commit.parents else None
            state = self.state(commit, known.get(first_sha) if first_sha else None, first_sha)
            self.parsed += 1
            known[commit.sha] = state
            records.append(
                Record(
                    commit,
                    commit.sha in self.boundary,
                    state.files if keep else None,
                    self.changes(commit, state, parents),
                )
            )
