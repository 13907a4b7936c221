"""Snapshot files: the cluster facts the checker uses, recorded for offline checks.

A snapshot holds API objects cut down to the fields in
:mod:`labbook.sources.cluster.wire`, filtered further to the node labels,
capacities, annotations and conditions the check reads. Secrets are never
read; ``managedFields`` and ``last-applied-configuration`` never survive the
cut. Loading a snapshot runs the same validation and parsing as a live read,
strictly: unknown fields, wrong types and reads the current inventory needs but
the snapshot never made are bad input (exit 2) with ``file:line:col``.

This module never imports ``kubernetes``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
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
from labbook.models.observed import ClusterObserved
from labbook.sources.cluster import parse as cluster_parse
from labbook.sources.cluster import wire
from labbook.sources.cluster.plan import NAD_RESOURCE_ANNOTATION, ROLE_PREFIX, SRIOV_CONFIG_KEY, ReadPlan

FORMAT = 1
"""``labbook_snapshot`` version written and understood."""
HEADER = """\
# labbook cluster snapshot: the facts `labbook drift cluster --snapshot` checks, and nothing else.
# Written by `labbook snapshot`; no Secrets are read, managedFields and last-applied annotations are dropped.
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
    objects: list[wire.WireObject]
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
            target=self.file,
            revision=self.stamp,
            resources=plan.capacity,
            labels=plan.labels,
            absent_kinds=self.absent_kinds,
        )


def stamp(when: datetime) -> str:
    """UTC ISO-8601 to the second, with ``Z``."""
    return when.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def read_key(path: str, field_selector: str | None) -> str:
    """How a read is recorded: ``/api/v1/nodes`` or ``…/daemonsets?fieldSelector=metadata.name=x``."""
    return path + (f"?fieldSelector={field_selector}" if field_selector else "")


# --- writing -----------------------------------------------------------------------------------------


def _meta(obj: wire.WireObject, **extra: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": obj.metadata.name}
    if obj.metadata.namespace:
        meta["namespace"] = obj.metadata.namespace
    meta.update({k: v for k, v in extra.items() if v})
    return meta


def _ready(conditions: list[wire.Condition]) -> list[dict[str, Any]]:
    return [c.model_dump(by_alias=True, exclude_none=True) for c in conditions if c.type == "Ready"]


def _nad_config(config: str | None) -> str | None:
    cni, problem = cluster_parse.cni_type(config)
    return config if problem or cni is None else json.dumps({"type": cni})


def _sriov_config(text: str) -> str:
    try:
        entries = cluster_parse.sriov_resources(text)
    except ValueError:
        return text  # keep it as found: the check reports it
    keep = []
    for e in entries:
        sel = e.get("selectors")
        sel = [sel] if isinstance(sel, dict) else sel if isinstance(sel, list) else []
        cut = [{k: s[k] for k in ("vendors", "devices", "pfNames") if k in s} for s in sel if isinstance(s, dict)]
        entry = {k: e[k] for k in ("resourceName", "resourcePrefix") if k in e}
        keep.append({**entry, "selectors": cut[0] if len(cut) == 1 else cut})
    return json.dumps({"resourceList": keep}, indent=2) + "\n"


def project(obj: wire.WireObject, plan: ReadPlan, node_label_keys: Iterable[str] = ()) -> dict[str, Any]:
    """``obj`` as the snapshot records it: only the fields and keys the check reads."""
    head: dict[str, Any] = {"apiVersion": obj.api_version, "kind": obj.kind}
    if isinstance(obj, wire.Node):
        wanted = set(plan.labels) | set(node_label_keys)
        labels = {k: v for k, v in obj.metadata.labels.items() if k in wanted or k.startswith(ROLE_PREFIX)}
        status: dict[str, Any] = {
            "capacity": {k: obj.status.capacity[k] for k in plan.capacity if k in obj.status.capacity}
        }
        if obj.status.node_info:
            status["nodeInfo"] = obj.status.node_info.model_dump(by_alias=True, exclude_none=True)
        return {**head, "metadata": _meta(obj, labels=dict(sorted(labels.items()))), "status": status}
    if isinstance(obj, wire.HelmRelease):
        spec = obj.spec.model_dump(by_alias=True, exclude_none=True)
        hr_status: dict[str, Any] = {"conditions": _ready(obj.status.conditions)}
        if obj.status.history:
            hr_status["history"] = [obj.status.history[0].model_dump(by_alias=True, exclude_none=True)]
        if obj.status.last_attempted_revision:
            hr_status["lastAttemptedRevision"] = obj.status.last_attempted_revision
        return {**head, "metadata": _meta(obj), **({"spec": spec} if spec else {}), "status": hr_status}
    if isinstance(obj, wire.Kustomization):
        ks_status: dict[str, Any] = {"conditions": _ready(obj.status.conditions)}
        if obj.status.last_applied_revision:
            ks_status["lastAppliedRevision"] = obj.status.last_applied_revision
        return {**head, "metadata": _meta(obj), "status": ks_status}
    if isinstance(obj, wire.NetworkAttachmentDefinition):
        notes = {k: v for k, v in obj.metadata.annotations.items() if k == NAD_RESOURCE_ANNOTATION}
        config = _nad_config(obj.spec.config)
        return {**head, "metadata": _meta(obj, annotations=notes), "spec": {"config": config} if config else {}}
    if isinstance(obj, wire.ConfigMap):
        data = {SRIOV_CONFIG_KEY: _sriov_config(obj.data[SRIOV_CONFIG_KEY])} if SRIOV_CONFIG_KEY in obj.data else {}
        return {**head, "metadata": _meta(obj), "data": data}
    assert isinstance(obj, wire.DaemonSet)
    selector = obj.spec.template.spec.node_selector
    return {
        **head,
        "metadata": _meta(obj),
        "spec": {"template": {"spec": {"nodeSelector": dict(selector)}}} if selector else {},
        "status": obj.status.model_dump(by_alias=True),
    }


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def render(
    objects: Sequence[wire.WireObject],
    plan: ReadPlan,
    *,
    context: str,
    taken_at: datetime,
    absent_kinds: Sequence[str] = (),
) -> str:
    """The snapshot file's text: header comment, envelope, projected objects in read order."""
    selector_keys = {k for o in objects if isinstance(o, wire.DaemonSet) for k in o.spec.template.spec.node_selector}
    doc = {
        "labbook_snapshot": FORMAT,
        "context": context,
        "taken_at": stamp(taken_at),
        "reads": [read_key(c.path, c.field_selector) for c in plan.calls],
        "absent_kinds": list(absent_kinds),
        "objects": [project(o, plan, selector_keys) for o in objects],
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


def _duplicates(shown: str, tree: Any, objects: list[wire.WireObject], index: list[int]) -> list[Problem]:
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
    known_kinds = sorted({k for _, k in wire.MODELS})
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
        if read_key(call.path, call.field_selector) not in made:
            line, col = tree.key_marks.get("reads") or _mark(tree, "reads")
            problems.append(
                Problem(
                    shown,
                    line,
                    col,
                    f"reads: the inventory needs {call.describe()} ({read_key(call.path, call.field_selector)}), "
                    "which this snapshot never read "
                    "(expected a snapshot taken with this inventory: run labbook snapshot again)",
                )
            )
    if problems:
        raise BadInput(sorted(problems, key=lambda p: (p.line or 0, p.col or 0)))
    return Snapshot(shown, envelope.context, envelope.taken_at, good, list(envelope.absent_kinds))
