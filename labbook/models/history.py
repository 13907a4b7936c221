"""The lab through time: changes read from Git, and the lab as of a date. Pure: no I/O.

A *fact* is one thing a reader cares about, as text: a node's memory, a
component's chart version, the VFs on a node, a capability's status. A
revision's facts are ``{subject: {field: value}}``; a :class:`Change` is one
fact that appeared, went away or took another value in one commit.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import deque
from collections.abc import Callable, Iterable
from itertools import repeat
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict

Facts = dict[str, dict[str, str]]
"""``{subject: {field: value}}``, e.g. ``{"component/cilium": {"version kube-system/cilium": "1.18.4"}}``."""

Action = Literal["added", "removed", "changed", "renamed"]
"""What happened to a subject or one of its facts."""

Origin = Literal["inventory", "flux"]
"""Which history a change comes from: the inventory's (what the docs claim) or the Flux repository's
(what was deployed)."""

StatusCode = Literal["ok", "shallow", "no-git", "no-commits", "unavailable"]
"""Whether history could be read, and if not, why."""


_T = TypeVar("_T", bound=BaseModel)


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


@functools.cache
def trusted_maker(cls: type[_T]) -> Callable[[Iterable[dict[str, Any]]], list[_T]]:
    """A function that makes instances of ``cls``, one per dict given, of values this program made and
    checked itself, without validating them again: the history cache's columns, checked a column at
    a time before they were written (:func:`labbook.history.layout.check`).

    Each is what ``model_construct`` builds (the same ``__dict__``, fields set, extra and private
    state) without its pass over each field: every field must be given, in the model's order, and
    the dict given becomes the instance's ``__dict__``. The instances are made, then each of those
    four is set on all of them, a pass at a time in C (``map`` over the slots' own setters): no
    Python call per instance."""
    every, new = frozenset(cls.model_fields), object.__new__
    put_dict, put_set, put_extra, put_private = (
        BaseModel.__dict__[name].__set__
        for name in ("__dict__", "__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__")
    )

    def make(values: Iterable[dict[str, Any]]) -> list[_T]:
        dicts = list(values)
        objs: list[_T] = list(map(new, repeat(cls, len(dicts))))
        deque(map(put_dict, objs, dicts), 0)
        deque(map(put_set, objs, repeat(every)), 0)
        deque(map(put_extra, objs, repeat(None)), 0)
        deque(map(put_private, objs, repeat(None)), 0)
        return objs

    return make


class CommitRef(_Out):
    """The commit a change was made in."""

    sha: str
    """Full commit id."""
    date: dt.datetime
    """Committer date, with the committer's UTC offset: when the change was committed (a rebased
    or cherry-picked commit is dated when it landed)."""
    author: str
    """Author name."""
    message: str
    """First line of the commit message."""

    @property
    def short(self) -> str:
        """The first 7 characters of :attr:`sha`, as ``git log --oneline`` shows it."""
        return self.sha[:7]

    @property
    def day(self) -> dt.date:
        """The commit's date in the committer's own time zone."""
        return self.date.date()


class Change(_Out):
    """One meaningful change: a fact added, removed or changed in one commit. Never a raw diff."""

    subject: str
    """What changed: ``node/<name>``, ``component/<id>``, ``helmrelease/<namespace>/<name>``,
    ``link/<id>``, ``sriov/<node>``, ``network/<name>``, ``nccl/<VARIABLE>`` or ``capability/<slug>``."""
    action: Action
    """``added`` or ``removed`` (the whole subject), ``changed`` (one field), ``renamed`` (same facts,
    new id)."""
    field: str | None = None
    """The fact that changed, e.g. ``memory`` or ``version kube-system/cilium``; None for a whole subject."""
    before: str | None = None
    """The value before (for ``renamed``: the old subject)."""
    after: str | None = None
    """The value after (for ``renamed``: the new subject)."""
    summary: str
    """One line for people, e.g. ``Cilium: chart cilium 1.18.3 → 1.18.4``."""
    refs: list[str] = []
    """Component ids and node names this change is about (what a journal entry's ``related:`` names)."""
    origin: Origin
    """``inventory`` or ``flux``."""
    path: str
    """Repository path of the file the fact is read from, in that commit."""
    commit: CommitRef
    """The commit that made the change."""

    @property
    def kind(self) -> str:
        """The subject's kind: ``node``, ``component``, ``helmrelease``, ``capability`` …"""
        return self.subject.partition("/")[0]


class RepoStatus(_Out):
    """Whether one repository's history could be read, and if not, why and how to fix it."""

    origin: Origin
    """Which history: ``inventory`` or ``flux``."""
    path: str
    """The folder whose history is read, as given."""
    status: StatusCode
    """``ok``; ``shallow`` (read, but history stops early); ``no-git``; ``no-commits``; ``unavailable``."""
    message: str
    """One line for people; empty when ``ok``."""
    fix: str | None = None
    """What to do about it, when something can be done."""
    head: str | None = None
    """The commit read (``HEAD``), when there is one."""
    commits: int = 0
    """Commits that touch the folder and were read."""
    parsed: int = 0
    """Of those, commits read from Git in this run (the rest came from the cache)."""

    @property
    def readable(self) -> bool:
        """True when there is history to show (``ok`` or ``shallow``)."""
        return self.status in ("ok", "shallow")


class HistoryWarning(_Out):
    """A revision that could not be read; reported once, never fatal."""

    origin: Origin
    """Which history."""
    path: str
    """Repository path of the file."""
    commit: str
    """The first commit (full id) at which the file did not read."""
    message: str
    """What was wrong; its facts are carried over from the last revision that read."""


class History(_Out):
    """Everything ``labbook history`` knows: the changes, newest first, and how each repository read."""

    repos: list[RepoStatus]
    """One per repository read (the inventory's, then the Flux repository's when given)."""
    changes: list[Change] = []
    """Changes, newest first (ties: the order within the commit)."""
    warnings: list[HistoryWarning] = []
    """Revisions that did not read, once each."""


class LabAsOf(_Out):
    """The lab as the inventory described it on a date, and what changed since."""

    date: dt.date
    """The date asked about."""
    commit: CommitRef | None
    """The last inventory commit on or before that date (on the first-parent line of ``HEAD``); None
    when the date is older than the history."""
    facts: Facts
    """The facts at that commit for the subjects asked about, in the order asked."""
    nodes: list[str] = []
    """Every node of the lab at that commit, in inventory order."""
    since: list[Change] = []
    """Changes to those subjects made after that commit (commits reachable from ``HEAD`` but not from
    it), oldest first, from every history read."""
