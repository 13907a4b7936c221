"""The few fields of each Kubernetes object the cluster check uses. Pure: no I/O.

These models validate objects as the API server sends them (unknown fields
ignored) and as a snapshot file stores them (unknown fields refused, with
``model_validate(..., extra="forbid")``). Dumping a model ``by_alias`` gives
back an object of the same shape holding only these fields: that is what a
snapshot records.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

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


class _Typed(Wire):
    api_version: str = Field(alias="apiVersion")
    """``apiVersion``."""
    kind: str
    """``kind``."""
    metadata: ObjectMeta
    """``metadata``."""


class NodeSystemInfo(Wire):
    """``status.nodeInfo``."""

    architecture: str | None = None
    """CPU architecture the kubelet reports."""
    os_image: str | None = Field(default=None, alias="osImage")
    """OS image, e.g. ``Talos (v1.11.5)``."""
    kernel_version: str | None = Field(default=None, alias="kernelVersion")
    """Kernel version."""
    kubelet_version: str | None = Field(default=None, alias="kubeletVersion")
    """Kubelet version."""


class NodeStatus(Wire):
    """``status`` of a Node."""

    capacity: dict[str, Quantity] = {}
    """Resource capacity: ``cpu``, ``memory``, extended resources."""
    node_info: NodeSystemInfo | None = Field(default=None, alias="nodeInfo")
    """System info."""


class Node(_Typed):
    """A Node."""

    status: NodeStatus = NodeStatus()
    """Status."""


class SourceRef(Wire):
    """A Flux ``sourceRef``."""

    kind: str | None = None
    """Source kind."""
    name: str | None = None
    """Source name."""
    namespace: str | None = None
    """Source namespace."""


class ChartSpec(Wire):
    """``spec.chart.spec`` of a HelmRelease."""

    chart: str | None = None
    """Chart name."""


class ChartTemplate(Wire):
    """``spec.chart`` of a HelmRelease."""

    spec: ChartSpec | None = None
    """The chart template spec."""


class HelmReleaseSpec(Wire):
    """``spec`` of a HelmRelease."""

    chart: ChartTemplate | None = None
    """Inline chart template."""
    target_namespace: str | None = Field(default=None, alias="targetNamespace")
    """Namespace the release installs into, when not the object's."""


class HistoryEntry(Wire):
    """One ``status.history`` snapshot (newest first)."""

    chart_name: str | None = Field(default=None, alias="chartName")
    """Chart name of the release."""
    chart_version: str | None = Field(default=None, alias="chartVersion")
    """Chart version deployed."""


class HelmReleaseStatus(Wire):
    """``status`` of a HelmRelease."""

    conditions: list[Condition] = []
    """Conditions; the checker keeps Ready."""
    history: list[HistoryEntry] = []
    """Release history, newest first; the checker keeps the first."""
    last_attempted_revision: str | None = Field(default=None, alias="lastAttemptedRevision")
    """Chart version of the last install or upgrade attempt."""


class HelmRelease(_Typed):
    """A Flux HelmRelease."""

    spec: HelmReleaseSpec = HelmReleaseSpec()
    """Spec."""
    status: HelmReleaseStatus = HelmReleaseStatus()
    """Status."""


class KustomizationStatus(Wire):
    """``status`` of a Flux Kustomization."""

    conditions: list[Condition] = []
    """Conditions; the checker keeps Ready."""
    last_applied_revision: str | None = Field(default=None, alias="lastAppliedRevision")
    """Source revision last applied, e.g. ``main@sha1:…``."""


class Kustomization(_Typed):
    """A Flux Kustomization."""

    status: KustomizationStatus = KustomizationStatus()
    """Status."""


class NadSpec(Wire):
    """``spec`` of a NetworkAttachmentDefinition."""

    config: str | None = None
    """The CNI configuration, a JSON string."""


class NetworkAttachmentDefinition(_Typed):
    """A Multus NetworkAttachmentDefinition."""

    spec: NadSpec = NadSpec()
    """Spec."""


class ConfigMap(_Typed):
    """A ConfigMap (only the SR-IOV device plugin's is read)."""

    data: dict[str, str] = {}
    """Data; the checker keeps ``config.json``."""


class PodSpec(Wire):
    """``spec.template.spec`` of a DaemonSet."""

    node_selector: dict[str, str] = Field(default={}, alias="nodeSelector")
    """Node selector."""


class PodTemplate(Wire):
    """``spec.template`` of a DaemonSet."""

    spec: PodSpec = PodSpec()
    """Pod spec."""


class DaemonSetSpec(Wire):
    """``spec`` of a DaemonSet."""

    template: PodTemplate = PodTemplate()
    """Pod template."""


class DaemonSetStatus(Wire):
    """``status`` of a DaemonSet."""

    desired_number_scheduled: int = Field(default=0, alias="desiredNumberScheduled", ge=0)
    """Nodes that should run the pod."""
    number_ready: int = Field(default=0, alias="numberReady", ge=0)
    """Nodes whose pod is ready."""


class DaemonSet(_Typed):
    """A DaemonSet."""

    spec: DaemonSetSpec = DaemonSetSpec()
    """Spec."""
    status: DaemonSetStatus = DaemonSetStatus()
    """Status."""


MODELS: dict[tuple[str, str], type[_Typed]] = {
    ("v1", "Node"): Node,
    ("helm.toolkit.fluxcd.io/v2", "HelmRelease"): HelmRelease,
    ("kustomize.toolkit.fluxcd.io/v1", "Kustomization"): Kustomization,
    ("k8s.cni.cncf.io/v1", "NetworkAttachmentDefinition"): NetworkAttachmentDefinition,
    ("v1", "ConfigMap"): ConfigMap,
    ("apps/v1", "DaemonSet"): DaemonSet,
}
"""The wire model for each ``(apiVersion, kind)`` the checker reads."""

WireObject = Node | HelmRelease | Kustomization | NetworkAttachmentDefinition | ConfigMap | DaemonSet
"""Any object the checker reads."""
