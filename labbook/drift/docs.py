"""Docs drift: figures the hand-written pages state, compared with the inventory. Pure: no I/O.

``labbook.sources.prose`` reads each figure with what its wording claims; this module
decides whether it is still true:

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
  be a node (or another id) in the inventory.

Findings are ``mismatch`` with subject ``docs/<page>``; ``documented`` is what the page
says, ``observed`` what the inventory gives, ``where`` the page's file:line and
``source`` the inventory file behind the value.
"""

from __future__ import annotations

import math
import posixpath
import re
from datetime import datetime

from labbook.models.inventory import Inventory
from labbook.models.location import Location
from labbook.models.observed import DocsObserved, ObservedFigure
from labbook.models.report import Finding, Report

UNITS = {
    "cores": "cores",
    "threads": "threads",
    "memory_gb": "GB of memory",
    "fp4_pflops": "PFLOPS FP4",
    "nodes": "nodes",
    "gpus": "GPUs",
    "link_gbps": "Gbps",
    "node_name": "",
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


class _Facts:
    """The values figures are compared with, computed once from the inventory."""

    def __init__(self, inventory: Inventory) -> None:
        hw = inventory.hardware
        totals = hw.totals
        self.total = {k: float(getattr(totals, k)) for k in ("cores", "threads", "memory_gb", "fp4_pflops", "gpus")}
        self.total["nodes"] = float(totals.nodes)
        self.each = {
            "cores": [float(n.cpu.cores) for n in hw.nodes],
            "threads": [float(n.cpu.threads) for n in hw.nodes],
            "memory_gb": [float(n.memory.gb) for n in hw.nodes],
            "fp4_pflops": [n.fp4_pflops for n in hw.nodes],
            "gpus": [float(n.gpu_count) for n in hw.nodes],
            "nodes": [],
        }
        self.links = {link.id: float(link.speed_gbps) for link in inventory.rdma.links}
        self.nics = sorted({float(nic.speed_gbps) for n in hw.nodes for nic in n.nics})
        self.nodes = [n.name for n in hw.nodes]
        self.ids = set(self.nodes) | inventory.ids() | {link.id for link in inventory.rdma.links}
        self.ids |= {nad.name for nad in inventory.rdma.networks}
        first = inventory.where(f"node/{hw.nodes[0].name}") if hw.nodes else None
        self.hardware = Location(file=first.file) if first else None
        self.link_where = {link.id: inventory.where(f"rdma/{link.id}", "speed_gbps") for link in inventory.rdma.links}


def _finding(figure: ObservedFigure, subject: str, observed: object, source: Location | None, message: str) -> Finding:
    documented: object = figure.value if figure.kind == "node_name" else _shown(_number(figure.value))
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
    says = f"The page says {value} {unit}"
    if kind == "node_name":
        if value in facts.ids:
            return None
        return _finding(
            figure,
            subject,
            facts.nodes,
            facts.hardware,
            f"The page names node {value}, which is not in the inventory "
            + (
                f"(expected one of {', '.join(facts.nodes)})" if facts.nodes else "(expected a node; it lists none yet)"
            ),
        )
    if kind == "link_gbps":
        if any(_same(value, speed) for speed in facts.links.values()):
            return None
        if figure.claim != "total" and any(_same(value, speed) for speed in facts.nics):
            return None
        if not facts.links:
            return _finding(figure, subject, None, None, f"{says}, but the inventory has no RDMA link (expected none)")
        link_id, speed = next(iter(facts.links.items()))
        return _finding(
            figure,
            subject,
            _shown(speed),
            facts.link_where[link_id],
            f"{says}, but the inventory's link {link_id} runs at {_shown(speed)} Gbps "
            f"(expected {_shown(speed)}, or render it with a macro)",
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
            f"{says} for a node, but no node in the inventory has that (expected one of {', '.join(map(str, values))})",
        )
    if _same(value, total):
        return None
    if kind == "nodes":
        return _finding(
            figure,
            subject,
            _shown(total),
            facts.hardware,
            f"{says}, but the inventory has {_shown(total)} (expected {_shown(total)}, or render it with a macro)",
        )
    why = "" if figure.claim == "total" else "; that is no single node's figure, so it reads as the cluster total"
    return _finding(
        figure,
        subject,
        _shown(total),
        facts.hardware,
        f"{says}{why}, but the inventory's nodes add up to {_shown(total)} "
        f"(expected {_shown(total)}, or render it with a macro)",
    )


def compare_docs(inventory: Inventory, observed: DocsObserved, generated_at: datetime) -> Report:
    """A :class:`Report` with one ``mismatch`` per figure the inventory no longer supports.

    Every page read is a subject (one JUnit testcase each), whether it states figures or not.
    """
    facts = _Facts(inventory)
    findings: list[Finding] = []
    subjects = {_subject(page, observed.target): None for page in observed.pages}
    for figure in observed.figures:
        subject = _subject(figure.origin.file or observed.target, observed.target)
        subjects[subject] = None
        if (found := _check(figure, subject, facts)) is not None:
            findings.append(found)
    findings.sort(key=lambda f: (f.subject, f.where.line if f.where and f.where.line else 0))
    return Report(
        source="docs",
        target=observed.target,
        revision=observed.revision,
        generated_at=generated_at,
        subjects=sorted(subjects),
        findings=findings,
        warnings=observed.warnings,
    )
