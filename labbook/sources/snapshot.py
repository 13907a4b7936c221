"""Snapshot files: the cluster facts the checker uses, recorded for offline checks.

A snapshot holds API objects cut down by each kind's projection
(:meth:`labbook.sources.cluster.kinds.base.Kind.project`) to the fields, node
labels, capacities, annotations and conditions the check reads. Secrets are
never read; ``last-applied-configuration`` never survives the cut, and of
``managedFields`` only the manager of the one compared field (a chart version,
an OCI ref) does, with that field's path. Loading a snapshot runs the same
validation and parsing as a live read,
strictly: unknown fields, wrong types and reads the current inventory needs but
the snapshot never made are bad input (exit 2) with ``file:line:col``.

This module never imports ``kubernetes``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from labbook.errors import BadInput, Problem
from labbook.files import display, read_bytes
from labbook.load.errors import problems_from_validation
from labbook.load.yaml import LoadError, decode, parse
from labbook.models.cluster import ClusterObserved
from labbook.sources.cluster import parse as cluster_parse
from labbook.sources.cluster.kinds import BY_TYPE, KINDS
from labbook.sources.cluster.plan import ReadPlan
from labbook.sources.cluster.wire import Typed

FORMAT = 1
"""``labbook_snapshot`` version written and understood."""
HEADER = """\
# labbook cluster snapshot: the facts `labbook drift cluster --snapshot` checks, and nothing else.
# Written by `labbook snapshot`; no Secrets are read, last-applied annotations are dropped, and of
# managedFields only the manager of a compared field (chart version, OCI ref) is kept.
"""


class SnapshotFile(BaseModel):
    """The envelope of a snapshot file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    labbook_snapshot: Literal[1]
    """Format version."""
    context: str = Field(min_length=1)
    """Kubeconfig context (or ``in-cluster``) the snapshot was taken from."""
    taken_at: AwareDatetime
    """When it was taken."""
    reads: list[str] = []
    """The list requests that were made (REST path and field selector)."""
    absent_kinds: list[str] = []
    """Kinds whose CRD the cluster did not serve."""
    objects: list[Any] = []
    """The API objects, cut down to what the checker uses."""


@dataclass(frozen=True)
class Snapshot:
    """A loaded snapshot."""

    file: str
    """Path as shown to people."""
    context: str
    """Context it was taken from."""
    taken_at: datetime
    """When it was taken."""
    objects: list[Typed]
    """Validated objects."""
    absent_kinds: list[str]
    """Kinds not served."""

    @property
    def stamp(self) -> str:
        """``2026-01-31T12:00:00Z``: the report's revision."""
        return stamp(self.taken_at)

    def observed(self, plan: ReadPlan) -> ClusterObserved:
        """The observed cluster, parsed exactly as a live read is."""
        return cluster_parse.observe(
            self.objects,
            plan,
            target=self.file,
            revision=self.stamp,
            observed_at=self.taken_at,
            absent_kinds=self.absent_kinds,
        )


def stamp(when: datetime) -> str:
    """UTC ISO-8601 to the second, with ``Z``."""
    return when.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


# --- writing -----------------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def render(
    objects: Sequence[Typed],
    plan: ReadPlan,
    *,
    context: str,
    taken_at: datetime,
    absent_kinds: Sequence[str] = (),
) -> str:
    """The snapshot file's text: header comment, envelope, each object projected by its kind, in read order."""
    ctx = cluster_parse.read_context(objects, plan)
    doc = {
        "labbook_snapshot": FORMAT,
        "context": context,
        "taken_at": stamp(taken_at),
        "reads": [c.key for c in plan.calls],
        "absent_kinds": list(absent_kinds),
        "objects": [BY_TYPE[(o.api_version, o.kind)].project(o, ctx) for o in objects],
    }
    body = yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=120)
    return HEADER + body


# --- reading -----------------------------------------------------------------------------------------


def _mark(tree: Any, *path: str | int) -> tuple[int | None, int | None]:
    node, mark = tree, getattr(tree, "start", None)
    for step in path:
        marks = getattr(node, "value_marks" if isinstance(step, str) else "item_marks", None)
        try:
            mark, node = marks[step], node[step]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            break
    return mark if mark else (None, None)


def _duplicates(shown: str, tree: Any, objects: list[Typed], index: list[int]) -> list[Problem]:
    seen: dict[str, int] = {}
    out = []
    for obj, i in zip(objects, index, strict=True):
        key = cluster_parse.object_name(obj)
        if key in seen:
            first = _mark(tree, "objects", seen[key])[0]
            line, col = _mark(tree, "objects", i)
            out.append(
                Problem(
                    shown, line, col, f"objects[{i}]: {key} again, first on line {first} (expected each object once)"
                )
            )
        else:
            seen[key] = i
    return out


def load(path: Path, plan: ReadPlan) -> Snapshot:
    """Read and validate a snapshot for ``plan``; every problem is raised together as :class:`BadInput`."""
    shown = display(path)
    try:
        tree = parse(shown, decode(shown, read_bytes(path, shown)))
    except LoadError as exc:
        raise BadInput(exc.problem) from None
    if not isinstance(tree, dict):
        raise BadInput(Problem(shown, 1, 1, "not a snapshot (expected a mapping with labbook_snapshot: 1)"))
    try:
        envelope = SnapshotFile.model_validate(tree)
    except ValidationError as exc:
        raise BadInput(problems_from_validation(shown, tree, SnapshotFile, exc)) from None
    problems: list[Problem] = []
    raw = tree.get("objects") or []
    good, bad = cluster_parse.validate(raw, strict=True)
    for b in bad:
        if b.model is None or b.error is None:
            line, col = (
                _mark(tree, "objects", b.index, "kind")
                if isinstance(raw[b.index], dict)
                else _mark(tree, "objects", b.index)
            )
            problems.append(Problem(shown, line, col, f"objects[{b.index}]: {b.message}"))
        else:
            problems += problems_from_validation(shown, raw[b.index], b.model, b.error, loc_prefix=("objects", b.index))
    valid_index = [i for i in range(len(raw)) if i not in {b.index for b in bad}]
    problems += _duplicates(shown, tree, good, valid_index)
    known_kinds = sorted({k.kind for k in KINDS})
    for i, kind in enumerate(envelope.absent_kinds):
        if kind not in known_kinds:
            line, col = _mark(tree, "absent_kinds", i)
            problems.append(
                Problem(
                    shown,
                    line,
                    col,
                    f"absent_kinds[{i}]: unknown kind {kind!r} (expected one of: {', '.join(known_kinds)})",
                )
            )
    made = set(envelope.reads)
    for call in plan.calls:
        if call.key not in made:
            line, col = tree.key_marks.get("reads") or _mark(tree, "reads")
            problems.append(
                Problem(
                    shown,
                    line,
                    col,
                    f"reads: the inventory needs {call.describe()} ({call.key}), "
                    "which this snapshot never read "
                    "(expected a snapshot taken with this inventory: run labbook snapshot again)",
                )
            )
    if problems:
        raise BadInput(sorted(problems, key=lambda p: (p.line or 0, p.col or 0)))
    return Snapshot(shown, envelope.context, envelope.taken_at, good, list(envelope.absent_kinds))
