"""The fields every Kubernetes object shares, as the cluster check reads them. Pure: no I/O.

Each kind's own fields live with its class in :mod:`labbook.sources.cluster.kinds`.
The models validate objects as the API server sends them (unknown fields
ignored) and as a snapshot file stores them (unknown fields refused, with
``model_validate(..., extra="forbid")``). Shapes: ``ObjectMeta``, ``Condition``
and ``ManagedFieldsEntry`` of ``k8s.io/apimachinery/pkg/apis/meta/v1``
(``types.go``); quantities as ``k8s.io/apimachinery/pkg/api/resource`` writes them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from labbook.models import cluster

_QUANTITY = re.compile(r"^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$")
_SUFFIX = {
    "": Decimal(1),
    "n": Decimal("1e-9"),
    "u": Decimal("1e-6"),
    "m": Decimal("1e-3"),
    "k": Decimal("1e3"),
    "M": Decimal("1e6"),
    "G": Decimal("1e9"),
    "T": Decimal("1e12"),
    "P": Decimal("1e15"),
    "E": Decimal("1e18"),
    **{s: Decimal(1024**i) for i, s in enumerate(("Ki", "Mi", "Gi", "Ti", "Pi", "Ei"), start=1)},
}


def quantity_value(text: str) -> Decimal:
    """The number a Kubernetes quantity such as ``127601212Ki`` or ``500m`` stands for.

    ``kubernetes.utils.parse_quantity`` does the same, but importing it loads the
    whole client (~0.35 s), which a snapshot check must not pay for.
    """
    m = _QUANTITY.match(text)
    if m is None:
        raise ValueError(f"got {text!r} (expected a Kubernetes quantity such as 32, 500m or 127601212Ki)")
    number, suffix = Decimal(m.group(1)), m.group(2) or ""
    if suffix[:1] in ("e", "E"):
        return number.scaleb(int(suffix[1:]))
    return number * _SUFFIX[suffix]


def _quantity(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str):
        quantity_value(value)
    return value


Quantity = Annotated[str, BeforeValidator(_quantity)]
"""A quantity kept as the API server wrote it, checked to parse."""


def whole(q: str | None) -> int | None:
    """A quantity as a whole number (device counts, CPUs)."""
    return None if q is None else int(quantity_value(q))


class Wire(BaseModel):
    """An API object fragment: camelCase aliases, unknown fields ignored unless asked."""

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


class ObjectMeta(Wire):
    """``metadata``."""

    name: str = Field(min_length=1)
    """Object name."""
    namespace: str | None = None
    """Namespace; None for cluster-scoped objects."""
    labels: dict[str, str] = {}
    """Labels."""
    annotations: dict[str, str] = {}
    """Annotations."""
    generation: int | None = None
    """``metadata.generation``: bumped by the API server on every spec change."""


class ManagedFieldsEntry(Wire):
    """One ``metadata.managedFields`` entry (server-side apply field ownership)."""

    manager: str | None = None
    """Field manager, e.g. ``kustomize-controller`` or ``kubectl-patch``."""
    operation: str | None = None
    """``Apply`` or ``Update``."""
    subresource: str | None = None
    """``status`` for status writes."""
    fields_v1: dict[str, Any] | None = Field(default=None, alias="fieldsV1")
    """The fields owned, as a FieldsV1 tree (``f:spec`` → ``f:chart`` → …)."""


class ManagedMeta(ObjectMeta):
    """``metadata`` of the kinds whose field managers the check names."""

    managed_fields: list[ManagedFieldsEntry] = Field(default=[], alias="managedFields")
    """Who owns which field."""

    def manager_of(self, *path: str) -> str | None:
        """The manager that owns the field at ``path`` (``spec``, ``chart``, …), a non-Flux one first."""
        owners = []
        for entry in self.managed_fields:
            node: Any = entry.fields_v1
            for step in path:
                node = node.get(f"f:{step}") if isinstance(node, Mapping) else None
            if node is not None and entry.manager:
                owners.append(entry.manager)
        others = [m for m in owners if m not in cluster.FLUX_MANAGERS]
        return (others or owners or [None])[0]


class Condition(Wire):
    """One ``status.conditions`` entry."""

    type: str
    """Condition type, e.g. ``Ready``."""
    status: str
    """``True``, ``False`` or ``Unknown``."""
    reason: str | None = None
    """Machine-readable reason."""
    message: str | None = None
    """What the controller says."""
    last_transition_time: datetime | None = Field(default=None, alias="lastTransitionTime")
    """When the status last changed."""


def condition(conditions: list[Condition], kind: str = "Ready") -> cluster.Condition | None:
    """The ``kind`` condition, as the observed model keeps it."""
    c = next((c for c in conditions if c.type == kind), None)
    if c is None:
        return None
    status = c.status if c.status in ("True", "False") else "Unknown"
    return cluster.Condition(status=status, reason=c.reason, message=c.message, since=c.last_transition_time)


def ready_only(conditions: list[Condition]) -> list[dict[str, Any]]:
    """The Ready condition as a snapshot keeps it."""
    return [c.model_dump(mode="json", by_alias=True, exclude_none=True) for c in conditions if c.type == "Ready"]


class Typed(Wire):
    """Any object: ``apiVersion``, ``kind``, ``metadata``."""

    api_version: str = Field(alias="apiVersion")
    """``apiVersion``."""
    kind: str
    """``kind``."""
    metadata: ObjectMeta
    """``metadata``."""

    @property
    def namespace(self) -> str:
        """Namespace (``default`` when the object has none but should)."""
        return self.metadata.namespace or "default"


def object_name(obj: Mapping[str, Any] | Typed) -> str:
    """``Kind namespace/name`` (or ``Kind name``) for messages and origins."""
    if isinstance(obj, Typed):
        meta = obj.metadata
        return f"{obj.kind} {meta.namespace}/{meta.name}" if meta.namespace else f"{obj.kind} {meta.name}"
    kind = obj.get("kind", "object")
    meta = obj.get("metadata") if isinstance(obj.get("metadata"), Mapping) else {}
    name, ns = meta.get("name", "?"), meta.get("namespace")  # type: ignore[union-attr]
    return f"{kind} {ns}/{name}" if ns else f"{kind} {name}"


def meta_dict(obj: Typed, **extra: Any) -> dict[str, Any]:
    """``metadata`` as a snapshot keeps it: name, namespace, and the non-empty ``extra`` keys."""
    meta: dict[str, Any] = {"name": obj.metadata.name}
    if obj.metadata.namespace:
        meta["namespace"] = obj.metadata.namespace
    meta.update({k: v for k, v in extra.items() if v not in (None, {}, [])})
    return meta
