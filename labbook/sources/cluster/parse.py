"""API objects (live or from a snapshot) -> :class:`ClusterObserved`. Pure: no I/O.

Live reads and snapshot files go through the same two steps: :func:`validate`
checks each object against its wire model, and :func:`observe` turns the valid
objects into the observed model the drift engine compares.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from labbook.models.location import Location
from labbook.models.observed import (
    ClusterObserved,
    ObservedDaemonSet,
    ObservedHelmRelease,
    ObservedKustomization,
    ObservedNetwork,
    ObservedNode,
    ObservedSriovPool,
)
from labbook.models.report import ReportWarning
from labbook.sources.cluster import wire
from labbook.sources.cluster.plan import (
    ARCH_LABEL,
    GPU_PRODUCT_LABEL,
    GPU_RESOURCE,
    NAD_RESOURCE_ANNOTATION,
    ROLE_PREFIX,
    SRIOV_CONFIG_KEY,
)

SRIOV_DEFAULT_PREFIX = "intel.com"
"""``resourcePrefix`` the SR-IOV device plugin uses when an entry sets none."""
_REVISION_DIGEST = re.compile(r"(@sha256:[0-9a-f]+|\+[0-9a-f]{12,})$")


@dataclass(frozen=True, slots=True)
class Invalid:
    """An object that does not have the shape the checker needs."""

    index: int
    """Position in the list of objects."""
    model: type[wire.Wire] | None
    """The wire model it failed, or None when its kind is not one the checker reads."""
    error: ValidationError | None
    """What pydantic found, when a model was tried."""
    message: str = ""
    """What is wrong, when no model was tried."""


def object_name(obj: Mapping[str, Any] | wire.WireObject) -> str:
    """``Kind namespace/name`` (or ``Kind name``) for messages and origins."""
    if isinstance(obj, wire.Wire):
        kind, meta = obj.kind, obj.metadata  # type: ignore[attr-defined]
        name, ns = meta.name, meta.namespace
    else:
        kind = obj.get("kind", "object")
        meta = obj.get("metadata") if isinstance(obj.get("metadata"), Mapping) else {}
        name, ns = meta.get("name", "?"), meta.get("namespace")  # type: ignore[union-attr]
    return f"{kind} {ns}/{name}" if ns else f"{kind} {name}"


def validate(objects: Sequence[Any], *, strict: bool = False) -> tuple[list[wire.WireObject], list[Invalid]]:
    """Each object against the wire model of its ``apiVersion`` and ``kind``; every problem collected.

    ``strict`` refuses fields the checker does not use (snapshot files).
    """
    good: list[wire.WireObject] = []
    bad: list[Invalid] = []
    known = ", ".join(f"{k} ({v})" for v, k in wire.MODELS)
    for i, obj in enumerate(objects):
        if not isinstance(obj, Mapping):
            bad.append(Invalid(i, None, None, f"got a {type(obj).__name__} (expected an API object mapping)"))
            continue
        model = wire.MODELS.get((obj.get("apiVersion"), obj.get("kind")))  # type: ignore[arg-type]
        if model is None:
            got = f"{obj.get('kind')!r} ({obj.get('apiVersion')})"
            bad.append(Invalid(i, None, None, f"kind {got} is not read by the checker (expected one of: {known})"))
            continue
        try:
            good.append(model.model_validate(obj, extra="forbid" if strict else None))  # type: ignore[arg-type]
        except ValidationError as exc:
            bad.append(Invalid(i, model, exc))
    return good, bad


def _ready(conditions: list[wire.Condition]) -> tuple[bool | None, str | None]:
    cond = next((c for c in conditions if c.type == "Ready"), None)
    if cond is None:
        return None, None
    return cond.status == "True", cond.message or cond.reason


def _int(q: str | None) -> int | None:
    return None if q is None else int(wire.quantity_value(q))


def _node(obj: wire.Node, resources: Sequence[str], wanted: set[str]) -> ObservedNode:
    cap = obj.status.capacity
    labels = {k: v for k, v in obj.metadata.labels.items() if k in wanted or k.startswith(ROLE_PREFIX)}
    info = obj.status.node_info or wire.NodeSystemInfo()
    memory = cap.get("memory")
    return ObservedNode(
        name=obj.metadata.name,
        roles=sorted(k.removeprefix(ROLE_PREFIX) for k in labels if k.startswith(ROLE_PREFIX)),
        arch=labels.get(ARCH_LABEL) or info.architecture,
        os_image=info.os_image,
        kernel=info.kernel_version,
        kubelet=info.kubelet_version,
        cpu=_int(cap.get("cpu")),
        memory_ki=None if memory is None else int(wire.quantity_value(memory) / 1024),
        gpus=_int(cap.get(GPU_RESOURCE)) or 0,
        gpu_product=labels.get(GPU_PRODUCT_LABEL),
        resources={r: _int(cap[r]) for r in resources if r in cap},  # type: ignore[misc]
        labels=dict(labels),
        origin=Location(object=object_name(obj)),
    )


def deployed_version(status: wire.HelmReleaseStatus) -> str | None:
    """``status.history[0].chartVersion``, else ``lastAttemptedRevision`` without a digest."""
    if status.history and status.history[0].chart_version:
        return status.history[0].chart_version
    if status.last_attempted_revision:
        return _REVISION_DIGEST.sub("", status.last_attempted_revision)
    return None


def _helmrelease(obj: wire.HelmRelease) -> ObservedHelmRelease:
    ready, message = _ready(obj.status.conditions)
    chart = obj.status.history[0].chart_name if obj.status.history else None
    if not chart and obj.spec.chart and obj.spec.chart.spec:
        chart = obj.spec.chart.spec.chart
    return ObservedHelmRelease(
        namespace=obj.metadata.namespace or "default",
        name=obj.metadata.name,
        target_namespace=obj.spec.target_namespace,
        chart=chart,
        version=deployed_version(obj.status),
        ready=ready,
        ready_message=message,
        origin=Location(object=object_name(obj)),
    )


def _kustomization(obj: wire.Kustomization) -> ObservedKustomization:
    ready, message = _ready(obj.status.conditions)
    return ObservedKustomization(
        namespace=obj.metadata.namespace or "default",
        name=obj.metadata.name,
        ready=ready,
        ready_message=message,
        revision=obj.status.last_applied_revision,
        origin=Location(object=object_name(obj)),
    )


def cni_type(config: str | None) -> tuple[str | None, str | None]:
    """The CNI ``type`` of a NAD config (first plugin of a list), and a problem if it is not JSON."""
    if not config:
        return None, None
    try:
        data = json.loads(config)
    except ValueError as exc:
        return None, f"spec.config is not JSON: {exc}"
    if isinstance(data, dict) and isinstance(data.get("plugins"), list) and data["plugins"]:
        data = data["plugins"][0]
    kind = data.get("type") if isinstance(data, dict) else None
    return (kind if isinstance(kind, str) else None), None


def _network(obj: wire.NetworkAttachmentDefinition, warnings: list[ReportWarning]) -> ObservedNetwork:
    cni, problem = cni_type(obj.spec.config)
    if problem:
        warnings.append(ReportWarning(file=object_name(obj), message=problem))
    return ObservedNetwork(
        namespace=obj.metadata.namespace or "default",
        name=obj.metadata.name,
        resource_name=obj.metadata.annotations.get(NAD_RESOURCE_ANNOTATION),
        cni=cni,
        origin=Location(object=object_name(obj)),
    )


def _strings(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def sriov_resources(text: str) -> list[dict[str, Any]]:
    """The ``resourceList`` entries of a device-plugin ``config.json``; raises ValueError when malformed."""
    data = json.loads(text)
    entries = data.get("resourceList") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ValueError("no resourceList of objects")
    return entries


def _pools(obj: wire.ConfigMap, warnings: list[ReportWarning]) -> list[ObservedSriovPool]:
    text = obj.data.get(SRIOV_CONFIG_KEY)
    if text is None:
        warnings.append(ReportWarning(file=object_name(obj), message=f"has no data key {SRIOV_CONFIG_KEY!r}"))
        return []
    try:
        entries = sriov_resources(text)
    except ValueError as exc:
        warnings.append(ReportWarning(file=object_name(obj), message=f"{SRIOV_CONFIG_KEY} is unusable: {exc}"))
        return []
    out = []
    for entry in entries:
        selectors = entry.get("selectors") or {}
        selectors = selectors[0] if isinstance(selectors, list) and selectors else selectors
        selectors = selectors if isinstance(selectors, dict) else {}
        prefix = entry.get("resourcePrefix") or SRIOV_DEFAULT_PREFIX
        out.append(
            ObservedSriovPool(
                resource_name=f"{prefix}/{entry.get('resourceName', '')}",
                vendors=_strings(selectors.get("vendors")),
                devices=_strings(selectors.get("devices")),
                pf_names=_strings(selectors.get("pfNames")),
                origin=Location(object=object_name(obj)),
            )
        )
    return out


def _daemonset(obj: wire.DaemonSet) -> ObservedDaemonSet:
    return ObservedDaemonSet(
        namespace=obj.metadata.namespace or "default",
        name=obj.metadata.name,
        desired=obj.status.desired_number_scheduled,
        ready=obj.status.number_ready,
        node_selector=dict(obj.spec.template.spec.node_selector),
        origin=Location(object=object_name(obj)),
    )


def observe(
    objects: Sequence[wire.WireObject],
    *,
    target: str,
    revision: str | None,
    resources: Sequence[str],
    labels: Sequence[str] = (ARCH_LABEL, GPU_PRODUCT_LABEL),
    absent_kinds: Sequence[str] = (),
) -> ClusterObserved:
    """The observed cluster.

    ``resources`` are the node capacity keys read; node ``labels`` kept are these, the
    role labels and the keys the DaemonSets read select nodes by (live reads and
    snapshots then observe exactly the same thing).
    """
    extended = [r for r in resources if r not in ("cpu", "memory", GPU_RESOURCE)]
    wanted = set(labels) | {
        k for o in objects if isinstance(o, wire.DaemonSet) for k in o.spec.template.spec.node_selector
    }
    warnings: list[ReportWarning] = []
    parts: dict[str, list[Any]] = {k: [] for k in ("nodes", "helmreleases", "kustomizations", "networks", "pools")}
    dss: list[ObservedDaemonSet] = []
    for obj in objects:
        if isinstance(obj, wire.Node):
            parts["nodes"].append(_node(obj, extended, wanted))
        elif isinstance(obj, wire.HelmRelease):
            parts["helmreleases"].append(_helmrelease(obj))
        elif isinstance(obj, wire.Kustomization):
            parts["kustomizations"].append(_kustomization(obj))
        elif isinstance(obj, wire.NetworkAttachmentDefinition):
            parts["networks"].append(_network(obj, warnings))
        elif isinstance(obj, wire.ConfigMap):
            parts["pools"].extend(_pools(obj, warnings))
        else:
            dss.append(_daemonset(obj))
    return ClusterObserved(
        target=target,
        revision=revision,
        nodes=parts["nodes"],
        helmreleases=parts["helmreleases"],
        kustomizations=parts["kustomizations"],
        networks=parts["networks"],
        sriov_pools=parts["pools"],
        daemonsets=dss,
        absent_kinds=list(dict.fromkeys(absent_kinds)),
        warnings=warnings,
    )
