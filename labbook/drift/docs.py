"""Docs drift: figures and claims in the owner's prose, compared with the inventory. Pure: no I/O.

The prose is the pages in ``docs/`` and the inventory's own prose fields (tagline,
notes, design choices …). ``labbook.sources.prose`` reads each figure with what its
wording claims; this module decides whether it is still true:

- a figure worded **per node** (``20 cores each``) must equal some node's value;
- a figure worded as a **total** (``56 cores in total``, ``across the cluster``) must
  equal the total computed from the nodes (``Hardware.totals``); node counts are
  always totals;
- an **unqualified** figure is a per-node claim when it equals one node's value
  (``the Ryzen's 16 cores``) and otherwise a claim about the total, so ``56 cores``
  is flagged once a node is added;
- a **link speed** must equal an RDMA link's speed; an unqualified one may also be
  a NIC's own port speed;
- a **node name** (a word shaped like the inventory's names, ``talos-xxx-yyy``) must
  be a node (or another id) in the inventory;
- a **count of a kind** (``two DGX Sparks``) must equal the nodes of that kind, and a
  count of **etcd members** or control-plane nodes the nodes with that role;
- a **capability** named without a hedge (``with GPU-Direct RDMA``) reads as "it works",
  which only a capability marked ``working`` supports.

Findings are ``mismatch`` with subject ``docs/<page>`` (or ``inventory/<file>`` for the
inventory's prose); ``documented`` is what the text says, ``observed`` what the inventory
gives, ``where`` the text's file:line:col and ``source`` the inventory file behind the value.

Journal entries are history: each is judged with the same rules against the inventory *as of
its date* (an :class:`AsOf`, read from Git by the caller), subject ``journal/<file>``, its
``source`` a file as of that commit (``61cb798:inventory/rdma.yaml``). An entry no history covers
is not judged; the caller says so in the report's warnings.
"""

from __future__ import annotations

import math
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from labbook.models.inventory import Inventory
from labbook.models.location import Location
from labbook.models.observed import DocsObserved, ObservedFigure
from labbook.models.report import Finding, Report
from labbook.sources.prose.figures import Terms

UNITS = {
    "cores": "cores",
    "threads": "threads",
    "memory_gb": "GB of memory",
    "fp4_pflops": "PFLOPS FP4",
    "nodes": "nodes",
    "gpus": "GPUs",
    "link_gbps": "Gbps",
    "node_name": "",
    "control_planes": "control-plane nodes (etcd members)",
    "kind_count": "",
    "capability": "",
}
"""How each kind of figure reads in a message."""


def name_shapes(inventory: Inventory) -> list[str]:
    """Regexes for names shaped like the inventory's nodes: ``talos-7aj-lwl`` → ``talos-[a-z0-9]{3}-[a-z0-9]{3}``."""
    shapes = []
    for node in inventory.hardware.nodes:
        head, *rest = node.name.split("-")
        if rest:
            shapes.append(re.escape(head) + "".join(f"-[a-z0-9]{{{len(part)}}}" for part in rest))
    return list(dict.fromkeys(shapes))


def terms(inventory: Inventory) -> Terms:
    """What the prose reader looks for in this inventory: node-name shapes, node kinds, capabilities."""
    return Terms(
        name_shapes=tuple(name_shapes(inventory)),
        kinds=tuple(dict.fromkeys(n.kind for n in inventory.hardware.nodes)),
        capabilities=tuple((c.id, (c.name, *c.terms)) for c in inventory.rdma.capabilities),
    )


def _number(text: str) -> float:
    return float(text)


def _same(text: str, truth: float) -> bool:
    """``text`` states ``truth`` to the precision it is written with (``~3`` and ``3.4`` both state 3.4)."""
    decimals = len(text.partition(".")[2])
    return math.isclose(round(truth, decimals), _number(text), abs_tol=10**-decimals / 1000)


def _shown(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _subject(file: str, target: str) -> str:
    prefix = target.rstrip("/") + "/"
    return "docs/" + (file[len(prefix) :] if file.startswith(prefix) else posixpath.basename(file))


@dataclass(frozen=True)
class AsOf:
    """The inventory a journal entry is judged against: the lab as of the entry's date."""

    inventory: Inventory
    """The inventory in the last commit on or before the date."""
    when: str
    """How messages name it: ``2025-12-14 (commit 0a2a659)``."""


class _Facts:
    """The values figures are compared with, computed once from an inventory."""

    def __init__(self, inventory: Inventory, when: str | None = None) -> None:
        self.at = f" as of {when}" if when else ""
        """Said after what the inventory states, for an inventory of the past."""
        self.hint = "" if when else ", or render it with a macro"
        """The second way out (a journal entry, written about its date, renders no macros)."""
        hw = inventory.hardware
        totals = hw.totals
        self.total = {k: float(getattr(totals, k)) for k in ("cores", "threads", "memory_gb", "fp4_pflops", "gpus")}
        self.total["nodes"] = float(totals.nodes)
        self.total["control_planes"] = float(totals.control_planes)
        self.each = {
            "cores": [float(n.cpu.cores) for n in hw.nodes],
            "threads": [float(n.cpu.threads) for n in hw.nodes],
            "memory_gb": [float(n.memory.gb) for n in hw.nodes],
            "fp4_pflops": [n.fp4_pflops for n in hw.nodes],
            "gpus": [float(n.gpu_count) for n in hw.nodes],
            "nodes": [],
            "control_planes": [],
        }
        self.kinds = {n.kind: hw.count_of_kind(n.kind) for n in hw.nodes}
        self.capabilities = {c.id: c for c in inventory.rdma.capabilities}
        self.capability_where = {
            c.id: _at(inventory.locate("rdma", ("capabilities", i, "status")))
            for i, c in enumerate(inventory.rdma.capabilities)
        }
        self.links = {link.id: float(link.speed_gbps) for link in inventory.rdma.links}
        self.nics = sorted({float(nic.speed_gbps) for n in hw.nodes for nic in n.nics})
        self.nodes = [n.name for n in hw.nodes]
        self.ids = set(self.nodes) | inventory.ids() | {link.id for link in inventory.rdma.links}
        self.ids |= {nad.name for nad in inventory.rdma.networks}
        first = inventory.where(f"node/{hw.nodes[0].name}") if hw.nodes else None
        self.hardware = Location(file=first.file) if first else None
        self.link_where = {link.id: inventory.where(f"rdma/{link.id}", "speed_gbps") for link in inventory.rdma.links}


def _at(place: tuple[str, int | None, int | None]) -> Location:
    return Location(file=place[0], line=place[1], col=place[2])


def _finding(figure: ObservedFigure, subject: str, observed: object, source: Location | None, message: str) -> Finding:
    documented: object = figure.value if figure.kind in ("node_name", "capability") else _shown(_number(figure.value))
    return Finding(
        code="mismatch",
        subject=subject,
        field=figure.kind,
        documented=documented,
        observed=observed,
        where=figure.origin,
        source=source,
        message=message,
    )


def _check(figure: ObservedFigure, subject: str, facts: _Facts) -> Finding | None:
    kind, value, unit = figure.kind, figure.value, UNITS[figure.kind]
    who = {"inventory": "The text", "journal": "The entry"}.get(subject.partition("/")[0], "The page")
    says = f"{who} says {value} {unit}"
    if kind == "node_name":
        if value in facts.ids:
            return None
        return _finding(
            figure,
            subject,
            facts.nodes,
            facts.hardware,
            f"{who} names node {value}, which is not in the inventory{facts.at} "
            + (
                f"(expected one of {', '.join(facts.nodes)})" if facts.nodes else "(expected a node; it lists none yet)"
            ),
        )
    if kind == "capability":
        return _capability(figure, subject, facts, who)
    if kind == "kind_count":
        count = facts.kinds.get(figure.of or "", 0)
        if _same(value, count):
            return None
        return _finding(
            figure,
            subject,
            count,
            facts.hardware,
            f"{who} says {value} × {figure.of}, but the inventory{facts.at} has {count} (expected {count}{facts.hint})",
        )
    if kind == "link_gbps":
        if any(_same(value, speed) for speed in facts.links.values()):
            return None
        if figure.claim != "total" and any(_same(value, speed) for speed in facts.nics):
            return None
        if not facts.links:
            return _finding(
                figure, subject, None, None, f"{says}, but the inventory{facts.at} has no RDMA link (expected none)"
            )
        link_id, speed = next(iter(facts.links.items()))
        return _finding(
            figure,
            subject,
            _shown(speed),
            facts.link_where[link_id],
            f"{says}, but the inventory's link {link_id} runs at {_shown(speed)} Gbps{facts.at} "
            f"(expected {_shown(speed)}{facts.hint})",
        )
    per_node = facts.each[kind]
    total = facts.total[kind]
    if figure.claim == "each" or (figure.claim == "unqualified" and any(_same(value, v) for v in per_node)):
        if any(_same(value, v) for v in per_node):
            return None
        values = sorted({_shown(v) for v in per_node})
        return _finding(
            figure,
            subject,
            values,
            facts.hardware,
            f"{says} for a node, but no node in the inventory{facts.at} has that "
            f"(expected one of {', '.join(map(str, values))})",
        )
    if _same(value, total):
        return None
    if kind in ("nodes", "control_planes"):
        return _finding(
            figure,
            subject,
            _shown(total),
            facts.hardware,
            f"{says}, but the inventory{facts.at} has {_shown(total)} (expected {_shown(total)}{facts.hint})",
        )
    why = "" if figure.claim == "total" else "; that is no single node's figure, so it reads as the cluster total"
    return _finding(
        figure,
        subject,
        _shown(total),
        facts.hardware,
        f"{says}{why}, but the inventory's nodes add up to {_shown(total)}{facts.at} "
        f"(expected {_shown(total)}{facts.hint})",
    )


def _capability(figure: ObservedFigure, subject: str, facts: _Facts, who: str) -> Finding | None:
    """A capability named without a hedge must be marked working."""
    cap = facts.capabilities.get(figure.value)
    if cap is None or cap.working or figure.claim == "hedged":
        return None
    return Finding(
        code="mismatch",
        subject=subject,
        field="capability",
        documented=f"{cap.name}: working",
        observed=f"{cap.name}: {cap.status}",
        where=figure.origin,
        source=facts.capability_where.get(cap.id),
        message=(
            f"{who} states {cap.name} as if it works, but the inventory marks it {cap.status}{facts.at} "
            f"(expected its status in the same sentence, e.g. 'not working yet'{facts.hint})"
        ),
    )


def compare_docs(
    inventory: Inventory, observed: DocsObserved, generated_at: datetime, as_of: Mapping[str, AsOf] | None = None
) -> Report:
    """A :class:`Report` with one ``mismatch`` per figure or claim the inventory no longer supports.

    ``as_of`` gives, for each journal entry read (by file, as ``observed`` names it), the inventory
    of its date. Every page, inventory file and entry read is a subject (one JUnit testcase each),
    whether it states figures or not.
    """
    today = _Facts(inventory)
    dated = {file: _Facts(then.inventory, then.when) for file, then in (as_of or {}).items()}
    findings: list[Finding] = []
    own = set(observed.inventory)
    subjects = {_subject(page, observed.target): None for page in observed.pages}
    subjects |= {f"inventory/{posixpath.basename(file)}": None for file in observed.inventory}
    subjects |= {f"journal/{posixpath.basename(file)}": None for file in observed.journal}
    for figure in observed.figures:
        file = figure.origin.file or observed.target
        if file in dated:
            subject, facts = f"journal/{posixpath.basename(file)}", dated[file]
        else:
            subject = f"inventory/{posixpath.basename(file)}" if file in own else _subject(file, observed.target)
            facts = today
        subjects[subject] = None
        if (found := _check(figure, subject, facts)) is not None:
            findings.append(found)
    findings.sort(key=lambda f: (f.subject, f.where.line or 0, f.where.col or 0) if f.where else (f.subject, 0, 0))
    return Report(
        source="docs",
        target=observed.target,
        revision=observed.revision,
        generated_at=generated_at,
        subjects=sorted(subjects),
        findings=findings,
        warnings=observed.warnings,
    )
