"""What each kind of subject is to a reader: how it is projected to facts, named and described.

A section of the inventory is projected to :data:`~labbook.models.history.Facts`
(``{subject: {field: value}}``) once per Git blob; the differ compares facts,
and the :class:`Kind` of a subject words each change. Adding a kind is one
class and one row in :data:`KINDS`; adding a section is one function and one row
in :data:`SECTIONS`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel

from labbook.models.hardware import Hardware, Node
from labbook.models.history import Facts
from labbook.models.platform import Category, Component, Platform
from labbook.models.rdma import Rdma
from labbook.render.platform import helmrelease_ref
from labbook.render.text import num

NAME = "name"
"""The field holding a subject's display name (never reported as a change on its own)."""

_Item = TypeVar("_Item")


def each(project: Callable[..., Any], item: _Item, *args: Any) -> Any:
    """One item's facts, ``project(item, *args)`` (the projections' default: computed every time)."""
    return project(item, *args)


class ItemFacts:
    """:func:`each`, remembering an item's facts by its model object.

    :class:`~labbook.history.validated.Validator` hands back the very same object for an
    item whose text did not change, so a revision computes the facts of the items it
    changed only. The facts are shared between revisions and never modified.
    """

    def __init__(self) -> None:
        self._memo: dict[int, tuple[Any, dict[str, str]]] = {}

    def __call__(self, project: Callable[..., Any], item: _Item, *args: Any) -> Any:
        hit = self._memo.get(id(item))
        if hit is None or hit[0] is not item:
            hit = (item, project(item, *args))
            self._memo[id(item)] = hit
        return hit[1]


def node_facts(node: Node) -> dict[str, str]:
    """A node as a reader compares it: what it is, CPU, memory, GPUs, NICs, roles, Talos."""
    memory = f"{node.memory.gb} GB {node.memory.type}"
    if node.memory.unified and "unified" not in node.memory.type.lower():
        memory += " (unified)"
    facts = {
        "kind": node.kind,
        "arch": node.arch,
        "CPU": f"{node.cpu.model} ({node.cpu.cores} cores, {node.cpu.threads} threads)",
        "memory": memory,
        "GPUs": ", ".join(f"{g.count}× {g.model}" for g in node.gpus) or "none",
        "NICs": ", ".join(f"{n.ports}× {n.model} {num(n.speed_gbps)} Gbps" for n in node.nics) or "none",
        "roles": ", ".join(node.roles),
    }
    if node.talos_version:
        facts["Talos"] = node.talos_version
    return facts


def component_facts(component: Component) -> dict[str, str]:
    """A component: its name, namespace, and chart and version per HelmRelease, or its manifests path."""
    facts = {NAME: component.name, "namespace": component.namespace}
    for helm in component.helm:
        namespace, name, _ = helmrelease_ref(component, helm)
        facts[f"chart {namespace}/{name}"] = helm.chart
        facts[f"version {namespace}/{name}"] = helm.version
    if component.kustomization:
        facts["manifests"] = component.kustomization.path
    return facts


def hardware(model: Hardware, each: Callable[..., dict[str, str]] = each) -> Facts:
    """``node/<name>`` for every node."""
    return {f"node/{n.name}": each(node_facts, n) for n in model.nodes}


def category_facts(category: Category, each: Callable[..., dict[str, str]] = each) -> Facts:
    """``component/<id>`` for every component of one category."""
    return {f"component/{c.id}": each(component_facts, c) for c in category.components}


def platform(model: Platform, each: Callable[..., Any] = each) -> Facts:
    """``component/<id>`` for every component (:attr:`Platform.components`' order), a category at a time:
    with :class:`ItemFacts`, a revision projects only the category it changed, and in it the component."""
    facts: Facts = {}
    for category in model.categories:
        facts.update(each(category_facts, category, each))
    return facts


def rdma(model: Rdma, each: Callable[..., dict[str, str]] = each) -> Facts:
    """Links, SR-IOV per node, networks, NCCL variables and capability statuses."""
    facts: Facts = {}
    for link in model.links:
        facts[f"link/{link.id}"] = {
            "ends": " ↔ ".join(f"{e.node} {e.port}" for e in link.endpoints),
            "speed": f"{link.speed_gbps} Gbps",
            "transport": link.transport,
            "cable": link.cable,
        }
    if model.sriov:
        for sn in model.sriov.nodes:
            facts[f"sriov/{sn.node}"] = {
                "VFs": str(sn.vfs),
                "PFs": ", ".join(sn.pf_interfaces),
                "resource": model.sriov.resource_name,
            }
    for nad in model.networks:
        facts[f"network/{nad.name}"] = {
            "namespace": nad.namespace,
            "resource": nad.resource_name,
            "CNI": nad.cni,
            "IPAM": nad.ipam or "none",
        }
    for var in model.nccl:
        facts[f"nccl/{var.name}"] = {"value": var.value}
    for capability in model.capabilities:
        facts[f"capability/{capability.id}"] = {NAME: capability.name, "status": capability.status}
    return facts


SECTIONS: dict[str, tuple[type[BaseModel], Callable[..., Facts]]] = {
    "hardware": (Hardware, hardware),
    "platform": (Platform, platform),
    "rdma": (Rdma, rdma),
}
"""Inventory sections with history, their model and their projection (``site.yaml`` has none).

A projection takes the section's model and, optionally, how to project one item (``each``:
:class:`ItemFacts` to remember items' facts across revisions)."""


class Kind:
    """A kind of subject: its label, its display name and the wording of its changes."""

    prefix = ""
    """The subject prefix, e.g. ``node``."""
    label = ""
    """What a group of them is called on the Changes page."""
    noun = ""
    """What one of them is called in a sentence."""

    def ident(self, subject: str) -> str:
        """The id part of a subject."""
        return subject.partition("/")[2]

    def name(self, subject: str, facts: dict[str, str] | None) -> str:
        """How a reader knows the subject: its name when it has one, else its id."""
        return (facts or {}).get(NAME) or self.ident(subject)

    def refs(self, subject: str, facts: dict[str, str] | None) -> list[str]:
        """Component ids and node names the subject concerns."""
        return []

    def added(self, subject: str, facts: dict[str, str]) -> str:
        """One line for a subject that appeared."""
        return f"{self.noun} {self.name(subject, facts)} added"

    def removed(self, subject: str, facts: dict[str, str]) -> str:
        """One line for a subject that went away."""
        return f"{self.noun} {self.name(subject, facts)} removed"

    def changed(self, subject: str, facts: dict[str, str], field: str, before: str | None, after: str | None) -> str:
        """One line for one fact of a subject that changed."""
        who = self.name(subject, facts)
        if before is None:
            return f"{who}: {field} {after} added"
        if after is None:
            return f"{who}: {field} {before} removed"
        return f"{who}: {field} {before} → {after}"


class NodeKind(Kind):
    prefix, label, noun = "node", "Nodes", "Node"

    def refs(self, subject: str, facts: dict[str, str] | None) -> list[str]:
        return [self.ident(subject)]

    def added(self, subject: str, facts: dict[str, str]) -> str:
        return f"Node {self.ident(subject)} added: {facts.get('kind')}, {facts.get('CPU')}, {facts.get('memory')}"


class ComponentKind(Kind):
    prefix, label, noun = "component", "Components", "Component"

    def refs(self, subject: str, facts: dict[str, str] | None) -> list[str]:
        return [self.ident(subject)]

    def added(self, subject: str, facts: dict[str, str]) -> str:
        return f"Component {self.name(subject, facts)} added" + _charts(facts)

    def changed(self, subject: str, facts: dict[str, str], field: str, before: str | None, after: str | None) -> str:
        what, _, release = field.partition(" ")
        if what == "version" and before is not None and after is not None:
            chart = facts.get(f"chart {release}", "")
            return f"{self.name(subject, facts)}: {chart} {before} → {after}".replace(":  ", ": ")
        return super().changed(subject, facts, field, before, after)


class ReleaseKind(Kind):
    """A HelmRelease in the Flux repository (its refs are added by the timeline, from the inventory)."""

    prefix, label, noun = "helmrelease", "Flux releases", "HelmRelease"

    def added(self, subject: str, facts: dict[str, str]) -> str:
        return f"HelmRelease {self.ident(subject)} added: {facts.get('chart')} {facts.get('version')}"

    def changed(self, subject: str, facts: dict[str, str], field: str, before: str | None, after: str | None) -> str:
        if field == "version" and before is not None and after is not None:
            return f"{self.ident(subject)}: {facts.get('chart')} {before} → {after}"
        return super().changed(subject, facts, field, before, after)


class SriovKind(Kind):
    prefix, label, noun = "sriov", "RDMA", "SR-IOV on"

    def refs(self, subject: str, facts: dict[str, str] | None) -> list[str]:
        return [self.ident(subject)]

    def name(self, subject: str, facts: dict[str, str] | None) -> str:
        return f"SR-IOV on {self.ident(subject)}"

    def added(self, subject: str, facts: dict[str, str]) -> str:
        return f"SR-IOV on {self.ident(subject)}: {facts.get('VFs')} VFs on {facts.get('PFs')}"

    def removed(self, subject: str, facts: dict[str, str]) -> str:
        return f"SR-IOV on {self.ident(subject)} removed"


class LinkKind(Kind):
    prefix, label, noun = "link", "RDMA", "Link"

    def refs(self, subject: str, facts: dict[str, str] | None) -> list[str]:
        return [end.split(" ")[0] for end in (facts or {}).get("ends", "").split(" ↔ ") if end]


class NetworkKind(Kind):
    prefix, label, noun = "network", "RDMA", "Network"


class NcclKind(Kind):
    prefix, label, noun = "nccl", "RDMA", "NCCL variable"

    def added(self, subject: str, facts: dict[str, str]) -> str:
        return f"NCCL variable {self.ident(subject)}={facts.get('value')} added"

    def changed(self, subject: str, facts: dict[str, str], field: str, before: str | None, after: str | None) -> str:
        return f"{self.ident(subject)}: {before} → {after}"


class CapabilityKind(Kind):
    prefix, label, noun = "capability", "Capabilities", "Capability"

    def added(self, subject: str, facts: dict[str, str]) -> str:
        return f"{self.name(subject, facts)}: {facts.get('status')}"

    def changed(self, subject: str, facts: dict[str, str], field: str, before: str | None, after: str | None) -> str:
        return f"{self.name(subject, facts)}: {before} → {after}"


def _charts(facts: dict[str, str]) -> str:
    charts = [f"{facts[k]} {facts.get('version ' + k[6:], '')}".strip() for k in facts if k.startswith("chart ")]
    return f" ({', '.join(dict.fromkeys(charts))})" if charts else ""


KINDS: dict[str, Kind] = {
    k.prefix: k
    for k in (
        NodeKind(),
        ComponentKind(),
        ReleaseKind(),
        SriovKind(),
        LinkKind(),
        NetworkKind(),
        NcclKind(),
        CapabilityKind(),
    )
}
"""Every kind of subject, by prefix."""


def kind_of(subject: str) -> Kind:
    """The kind of a subject (a plain :class:`Kind` for an unknown prefix)."""
    return KINDS.get(subject.partition("/")[0], Kind())
