"""Read the histories and answer questions about them: what changed, the lab as of a date, what changed since."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import chain, repeat
from operator import neg
from pathlib import Path

from labbook.cycles import without_cycle_collection
from labbook.errors import Problem
from labbook.history import cache as cache_mod
from labbook.history.asked import Asked, asked_path, load_asked
from labbook.history.build import Builder, State
from labbook.history.git import FETCH_FIX, NotARepo, Repo, open_repo
from labbook.history.inventory import InventoryOn, inventory_at
from labbook.history.sources import SOURCES, InventorySource, Source
from labbook.history.table import Table
from labbook.models.history import Change, Facts, History, HistoryWarning, LabAsOf, Origin, RepoStatus
from labbook.models.inventory import Inventory

CACHE = Path(".cache") / "labbook"
"""The cache folder, relative to the top of the inventory's work tree."""


@dataclass(slots=True)
class Read:
    """One history as read: its source, builder and commits."""

    source: Source
    builder: Builder
    head: str
    table: Table
    """Every commit read, in this run or an earlier one."""
    states: dict[str, State] = field(default_factory=dict)
    """States read in this run, by commit."""
    asked: Asked = field(default_factory=lambda: Asked(None, ""))
    """Facts at commits asked about, kept between runs (:mod:`labbook.history.asked`)."""

    def as_of(self, date: dt.date) -> str | None:
        """The last commit on the first-parent line of ``HEAD`` dated on or before ``date``."""
        sha: str | None = self.head
        table = self.table
        while sha is not None and sha in table:
            if table.day(sha) <= date:
                return sha
            parents = table.parents(sha)
            sha = parents[0] if parents else None
        return None

    def ancestors(self, sha: str | None) -> set[str]:
        """``sha`` and every commit reachable from it."""
        seen: set[str] = set()
        stack = [sha] if sha else []
        while stack:
            s = stack.pop()
            if s in seen or s not in self.table:
                continue
            seen.add(s)
            stack.extend(self.table.parents(s))
        return seen

    def first_day(self) -> dt.date | None:
        """The date of the oldest commit on the first-parent line of ``HEAD``."""
        sha, day = self.head, None
        while sha in self.table:
            day = self.table.day(sha)
            parents = self.table.parents(sha)
            if not parents:
                break
            sha = parents[0]
        return day

    def facts_at(self, sha: str) -> Facts:
        """Every fact at a commit: read in this run, asked in an earlier one, or worked out from its files."""
        state = self.states.get(sha)
        if state is not None:
            if sha != self.head:  # the head's state is kept with the cache's tips
                self.asked.put(sha, state.facts)
            return state.facts
        kept = self.asked.get(sha)
        if kept is not None:
            return kept
        state = self.states[sha] = self.builder.recover(sha, self.table.files(sha))
        self.asked.put(sha, state.facts)
        return state.facts


def _status(origin: Origin, folder: Path, exc: NotARepo) -> RepoStatus:
    return RepoStatus(origin=origin, path=folder.as_posix(), status=exc.status, message=str(exc), fix=exc.fix)  # type: ignore[arg-type]


def _read_one(
    origin: Origin, folder: Path, cache_dir: Path | bool | None, opened: dict[str, Repo]
) -> tuple[RepoStatus, Read | None, list[HistoryWarning]]:
    try:
        repo = open_repo(folder, opened)
    except NotARepo as exc:
        return _status(origin, folder, exc), None, []
    head = repo.head()
    if head is None:
        msg = f"{folder.as_posix()}: the repository has no commits yet, so there is no history to read"
        return RepoStatus(origin=origin, path=folder.as_posix(), status="no-commits", message=msg), None, []
    source = SOURCES[origin](repo, folder)
    boundary = repo.shallow_boundary()
    use_cache = cache_dir is not False
    path = cache_mod.cache_path(cache_dir if isinstance(cache_dir, Path) else repo.root / CACHE, source)
    cached = cache_mod.load(path, source) if use_cache else None
    if cached is not None and set(cached.boundary) != boundary:
        cached = None
    new = repo.walk(head, cached.heads if cached else ())
    if cached is not None:  # a cached head the repository no longer has (pruned) hides nothing: never read twice
        new = [commit for commit in new if commit.sha not in cached.table]
    if source.prepare(new, head) and cached is not None:
        cached = None
        new = repo.walk(head)
        source.prepare(new, head)
    cached = cached or cache_mod.Cached(Table(source.origin))
    source.recall(cached.remembered)
    builder = Builder(source, boundary)
    known: dict[str, State] = {}
    for sha in {head, *(p for commit in new for p in commit.parents)} & cached.tips.keys():
        state = cache_mod.tip_state(source, cached.tips[sha])  # only the heads this run builds on
        if state is not None:
            known[sha] = state
    table = cached.table
    table.add(builder.run(new, known, table.files))
    asked = load_asked(asked_path(path) if use_cache else None, source.key())
    read = Read(source, builder, head, table, known, asked)
    last = cached.heads[-1] if cached.heads else None
    # the last head is reachable from HEAD when a commit read now has it as a parent (no walk asked)
    if last is None or not (any(last in commit.parents for commit in new) or repo.descends(head, last)):
        # commits may have gone out of the history (a rebase, a reset): keep only what HEAD reaches.
        # Otherwise every cached commit is reachable: they were all reachable from the last head.
        reachable = read.ancestors(head)
        table.keep(reachable)
        cached.warnings = [w for w in cached.warnings if w.commit in reachable]
        cached.heads = [h for h in cached.heads if h in reachable]
    cached.warnings = cached.warnings + builder.warnings
    heads = cached.heads
    cached.heads = [*[h for h in cached.heads if h != head][-(cache_mod.HEADS - 1) :], head]
    # nothing new since the last run (a rebuild of the site without a commit): the cache says it all
    same = not new and heads == cached.heads and len(table) == table.logged == cached.logged
    cached.tips = {
        h: known[h] if h in known else cached.tips[h] for h in cached.heads if h in known or h in cached.tips
    }
    cached.boundary = sorted(boundary)
    if use_cache and not same:
        cache_mod.save(path, source, cached)
    status = RepoStatus(
        origin=origin,
        path=folder.as_posix(),
        status="shallow" if boundary else "ok",
        message=(f"{folder.as_posix()}: shallow clone, history stops at {', '.join(sorted(b[:7] for b in boundary))}")
        if boundary
        else "",
        fix=FETCH_FIX if boundary else None,
        head=head,
        commits=len(table),
        parsed=builder.parsed,
    )
    return status, read, cached.warnings


class Timeline:
    """The histories read, and the questions the site and ``labbook new --from-changes`` ask of them."""

    def __init__(self, history: History, reads: dict[str, Read]) -> None:
        self.history = history
        """Every change, newest first, and how each repository read."""
        self._reads = reads
        self._inventories: dict[str, tuple[Inventory | None, list[Problem]]] = {}

    @property
    def available(self) -> bool:
        """Whether the inventory's history could be read (possibly only in part: shallow)."""
        return "inventory" in self._reads

    def watched(self) -> list[Path]:
        """Files that change when a history read here moves (each repository's ``HEAD`` reflog)."""
        return [read.source.repo.head_log() for read in self._reads.values()]

    def notice(self) -> str | None:
        """One line for the site when history is missing or partial (with the fix), else None."""
        for status in self.history.repos:
            if status.status != "ok":
                return status.message + (f" ({status.fix})" if status.fix else "")
        return None

    def facts_on(self, date: dt.date) -> tuple[str | None, Facts]:
        """Every fact of the inventory as of ``date`` (the last first-parent commit on or before it), and
        that commit; ``(None, {})`` when history is missing or starts later."""
        read = self._reads.get("inventory")
        sha = read.as_of(date) if read else None
        return (sha, read.facts_at(sha)) if read is not None and sha is not None else (None, {})

    def inventory_on(self, date: dt.date) -> InventoryOn:
        """The whole inventory as of ``date`` (the last first-parent commit on or before it), or why not."""
        read = self._reads.get("inventory")
        if read is None:
            return InventoryOn(date, why=self.notice() or "no history was read")
        sha = read.as_of(date)
        if sha is None:
            first = read.first_day()
            return InventoryOn(date, why=f"the history of {read.source.folder} starts later, on {first}")
        commit = read.table.ref(read.table.index[sha])
        if not read.table.files(sha) and not read.facts_at(sha):
            return InventoryOn(date, commit, why=f"{read.source.folder} is not in commit {commit.short} yet")
        if sha not in self._inventories:
            assert isinstance(read.source, InventorySource)
            self._inventories[sha] = inventory_at(read.source, sha)
        inventory, problems = self._inventories[sha]
        why = None if inventory is not None else f"the inventory in commit {commit.short} does not load"
        return InventoryOn(date, commit, inventory, problems, why)

    def as_of(self, date: dt.date, refs: list[str]) -> LabAsOf:
        """The lab on ``date`` for ``refs`` (component ids, node names), and what changed for them since."""
        read = self._reads.get("inventory")
        sha = read.as_of(date) if read else None
        facts: Facts = {}
        nodes: list[str] = []
        if read is not None and sha is not None:
            at = read.facts_at(sha)
            nodes = [s.partition("/")[2] for s in at if s.startswith("node/")]
            for ref in refs:
                for subject in (f"node/{ref}", f"component/{ref}"):
                    if subject in at:
                        facts[subject] = at[subject]
        wanted = set(refs)
        since = [c for c in self.since(date) if wanted & set(c.refs)]
        commit = read.table.ref(read.table.index[sha]) if read is not None and sha is not None else None
        return LabAsOf(date=date, commit=commit, facts=facts, nodes=nodes, since=since)

    def since(self, date: dt.date | None) -> list[Change]:
        """Changes made after the last commit on or before ``date`` (every change for None), oldest first.

        Per history: the commits reachable from ``HEAD`` but not from that commit, so a branch
        written before ``date`` and merged after it counts as after.
        """
        excluded: dict[str, set[str]] = {}
        for origin, read in self._reads.items():
            excluded[origin] = read.ancestors(read.as_of(date)) if date is not None else set()
        return [c for c in reversed(self.history.changes) if c.commit.sha not in excluded.get(c.origin, set())]


def _release_owners(facts: Facts) -> dict[str, list[str]]:
    """``{namespace/name: [component ids]}`` for every HelmRelease the inventory documents."""
    owners: dict[str, list[str]] = {}
    for subject, values in facts.items():
        if subject.startswith("component/"):
            for key in values:
                if key.startswith("chart "):
                    owners.setdefault(key[len("chart ") :], []).append(subject.partition("/")[2])
    return owners


def _owners(owners: dict[str, list[str]]) -> Callable[[str], list[str] | None]:
    """The components documented for a HelmRelease subject (by namespace and name, or by name alone
    when the file leaves the namespace to a Kustomization), or None; remembered per subject."""
    found: dict[str, list[str] | None] = {}

    def of(subject: str) -> list[str] | None:
        if subject not in found:
            ident = subject.partition("/")[2]
            ids = owners.get(ident)
            if ids is None and "/" not in ident:
                ids = [o for key, comps in owners.items() if key.rpartition("/")[2] == ident for o in comps] or None
            found[subject] = ids
        return found[subject]

    return of


def read_history(inventory: Path, flux: Path | None = None, cache_dir: Path | bool | None = None) -> Timeline:
    """Read the inventory's history, and the Flux repository's when given.

    ``cache_dir``: the cache folder (default ``.cache/labbook`` at the top of the work tree), or
    ``False`` to neither read nor write a cache. Never raises for a folder outside Git, a shallow
    clone or a revision that does not read: each repository's :class:`RepoStatus` says so.
    """
    # one pause for the whole read: the collector then runs once on what was built, not once per
    # history and per cache load (each run walked everything built before it again)
    with without_cycle_collection(promote=True):
        return _read_history(inventory, flux, cache_dir)


def _read_history(inventory: Path, flux: Path | None, cache_dir: Path | bool | None) -> Timeline:
    statuses: list[RepoStatus] = []
    reads: dict[str, Read] = {}
    warnings: list[HistoryWarning] = []
    opened: dict[str, Repo] = {}
    for origin, folder in (("inventory", inventory), ("flux", flux)):
        if folder is None:
            continue
        status, read, found = _read_one(origin, folder, cache_dir, opened)  # type: ignore[arg-type]
        statuses.append(status)
        warnings += found
        if read is not None:
            reads[origin] = read
    owners = None
    if "flux" in reads and "inventory" in reads:
        inv = reads["inventory"]
        owners = _owners(_release_owners(inv.facts_at(inv.head)))
    # newest first; ties: the later commit in its history's order, then the history read first. A
    # commit's changes stay together in their order, so commits are sorted, not changes (same order).
    keys: list[tuple[int, int, int]] = []
    groups: list[list[Change]] = []
    for n, (origin, read) in enumerate(reads.items()):
        rows, built = read.table.changes(owners if origin == "flux" else None)
        keys += zip(map(neg, read.table.times(rows)), map(neg, rows), repeat(n))
        groups += built
    order = sorted(range(len(keys)), key=keys.__getitem__)
    changes = list(chain.from_iterable(map(groups.__getitem__, order)))
    return Timeline(History(repos=statuses, changes=changes, warnings=warnings), reads)
