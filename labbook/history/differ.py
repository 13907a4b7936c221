"""Compare two revisions' facts and word each difference as a :class:`~labbook.models.history.Change`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import compress
from operator import is_not

from labbook.history.git import Commit, zone
from labbook.history.kinds import NAME, kind_of
from labbook.models.history import Action, Change, CommitRef, Facts, Origin


@dataclass(frozen=True, slots=True)
class Delta:
    """One difference between two revisions, before it is worded."""

    subject: str
    """The subject (``node/<name>`` …)."""
    action: Action
    """What happened."""
    field: str | None = None
    """The fact, for ``changed``."""
    before: str | None = None
    """The old value (old subject for ``renamed``)."""
    after: str | None = None
    """The new value (new subject for ``renamed``)."""


def deltas(old: Facts, new: Facts) -> list[Delta]:
    """Subjects added, removed, renamed (same facts under a new id, same kind) and facts changed."""
    same = old.keys() == new.keys()  # the usual case, compared in C
    removed = [] if same else [s for s in old if s not in new]
    added = [] if same else [s for s in new if s not in old]
    out: list[Delta] = []
    for subject in list(added):
        twin = next(
            (r for r in removed if r.partition("/")[0] == subject.partition("/")[0] and old[r] == new[subject]), None
        )
        if twin is not None:
            removed.remove(twin)
            added.remove(subject)
            out.append(Delta(subject, "renamed", None, twin, subject))
    out += [Delta(s, "removed") for s in removed]
    out += [Delta(s, "added") for s in added]
    if same and list(old) == list(new):  # the same subjects in the same order: pair them up in C
        pairs = compress(zip(new, new.values(), old.values(), strict=True), map(is_not, new.values(), old.values()))
    else:
        pairs = ((subject, facts, old.get(subject)) for subject, facts in new.items())
    for subject, facts, before in pairs:
        if before is None or before is facts or before == facts:  # unchanged items share their facts
            continue
        for field in dict.fromkeys([*before, *facts]):
            if field != NAME and before.get(field) != facts.get(field):
                out.append(Delta(subject, "changed", field, before.get(field), facts.get(field)))
    return out


def commit_ref(commit: Commit) -> CommitRef:
    """The :class:`CommitRef` of a commit, dated in the committer's time zone."""
    tz = zone(commit.offset)
    return CommitRef(
        sha=commit.sha,
        date=dt.datetime.fromtimestamp(commit.time, tz),
        author=commit.author,
        message=commit.message,
    )


def word(delta: Delta, old: Facts, new: Facts, where: dict[str, str], origin: Origin, ref: CommitRef) -> Change:
    """The :class:`Change` for a delta: its summary and refs from the subject's kind."""
    kind = kind_of(delta.subject)
    facts = new.get(delta.subject) or old.get(delta.before or delta.subject) or old.get(delta.subject) or {}
    if delta.action == "added":
        summary = kind.added(delta.subject, facts)
    elif delta.action == "removed":
        summary = kind.removed(delta.subject, facts)
    elif delta.action == "renamed":
        summary = f"{kind.noun} {kind.ident(delta.before or '')} renamed to {kind.ident(delta.subject)}"
    else:
        summary = kind.changed(delta.subject, facts, delta.field or "", delta.before, delta.after)
    refs = kind.refs(delta.subject, facts)
    if delta.action == "renamed" and delta.before:
        refs = list(dict.fromkeys([*kind.refs(delta.before, facts), *refs]))
    return Change(
        subject=delta.subject,
        action=delta.action,
        field=delta.field,
        before=delta.before,
        after=delta.after,
        summary=summary,
        refs=refs,
        origin=origin,
        path=where.get(delta.subject, ""),
        commit=ref,
    )
