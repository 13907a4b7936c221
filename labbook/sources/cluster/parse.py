"""API objects (live or from a snapshot) -> :class:`ClusterObserved`. Pure: no I/O.

Live reads and snapshot files go through the same two steps: :func:`validate`
checks each object against the wire model of its kind, and :func:`observe`
turns the valid objects into the observed model the drift engine compares.
Both look the kind up in :data:`~labbook.sources.cluster.kinds.BY_TYPE`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from labbook.models.cluster import ClusterObserved
from labbook.sources.cluster.kinds import BY_TYPE, KINDS, ReadContext
from labbook.sources.cluster.plan import ReadPlan
from labbook.sources.cluster.wire import Typed, Wire, object_name

__all__ = ["Invalid", "object_name", "observe", "read_context", "validate"]


@dataclass(frozen=True, slots=True)
class Invalid:
    """An object that does not have the shape the checker needs."""

    index: int
    """Position in the list of objects."""
    model: type[Wire] | None
    """The wire model it failed, or None when its kind is not one the checker reads."""
    error: ValidationError | None
    """What pydantic found, when a model was tried."""
    message: str = ""
    """What is wrong, when no model was tried."""


def validate(objects: Sequence[Any], *, strict: bool = False) -> tuple[list[Typed], list[Invalid]]:
    """Each object against the wire model of its ``apiVersion`` and ``kind``; every problem collected.

    ``strict`` refuses fields the checker does not use (snapshot files).
    """
    good: list[Typed] = []
    bad: list[Invalid] = []
    known = ", ".join(f"{k.kind} ({k.api_version})" for k in KINDS)
    for i, obj in enumerate(objects):
        if not isinstance(obj, Mapping):
            bad.append(Invalid(i, None, None, f"got a {type(obj).__name__} (expected an API object mapping)"))
            continue
        kind = BY_TYPE.get((obj.get("apiVersion"), obj.get("kind")))  # type: ignore[arg-type]
        if kind is None:
            got = f"{obj.get('kind')!r} ({obj.get('apiVersion')})"
            bad.append(Invalid(i, None, None, f"kind {got} is not read by the checker (expected one of: {known})"))
            continue
        try:
            good.append(kind.model.model_validate(obj, extra="forbid" if strict else None))  # type: ignore[arg-type]
        except ValidationError as exc:
            bad.append(Invalid(i, kind.model, exc))
    return good, bad


def read_context(objects: Sequence[Typed], plan: ReadPlan) -> ReadContext:
    """What parsing and projecting need: the plan's node keys, and the label keys DaemonSet placement reads."""
    keys = set(plan.labels)
    for obj in objects:
        keys |= BY_TYPE[(obj.api_version, obj.kind)].label_keys(obj)
    return ReadContext(capacity=plan.capacity, labels=frozenset(keys))


def observe(
    objects: Sequence[Typed],
    plan: ReadPlan,
    *,
    target: str,
    revision: str | None,
    observed_at: datetime | None,
    absent_kinds: Sequence[str] = (),
) -> ClusterObserved:
    """The observed cluster: each object parsed by its kind into that kind's field.

    Live reads and snapshots keep exactly the same node labels (the plan's, the role
    labels and the keys DaemonSet placement reads), so they observe exactly the same thing.
    """
    ctx = read_context(objects, plan)
    parts: dict[str, list[Any]] = {k.field: [] for k in KINDS}
    for obj in objects:
        kind = BY_TYPE[(obj.api_version, obj.kind)]
        parts[kind.field].extend(kind.parse(obj, ctx))
    return ClusterObserved(
        target=target,
        revision=revision,
        observed_at=observed_at,
        absent_kinds=list(dict.fromkeys(absent_kinds)),
        warnings=ctx.warnings,
        **parts,
    )
