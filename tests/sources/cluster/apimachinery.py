"""What the loopback API server shares with kube-apiserver's machinery: Status bodies, selectors, RBAC.

Also the fixture loader, so that tests can read a fixture cluster without serving it.
"""

from __future__ import annotations

import base64
import json
import re
import socket
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "cluster"
"""Fixture clusters, one folder each."""


def status_body(code: int, reason: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    """A ``metav1.Status`` failure, as kube-apiserver writes it."""
    return {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "details": details or {},
        "code": code,
    }


def _split_requirements(selector: str) -> list[str]:
    parts, depth, cur = [], 0, ""
    for ch in selector:
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            parts.append(cur.strip())
            cur = ""
        else:
            cur += ch
    return [p for p in [*parts, cur.strip()] if p]


def label_match(selector: str, labels: dict[str, str]) -> bool:
    """Equality- and set-based label selectors: ``a=b``, ``a!=b``, ``a in (x,y)``, ``a notin (x)``, ``a``, ``!a``."""
    for req in _split_requirements(selector):
        m = re.fullmatch(r"(\S+)\s+(in|notin)\s+\(([^)]*)\)", req)
        if m:
            values = {v.strip() for v in m.group(3).split(",")}
            has = m.group(1) in labels and labels[m.group(1)] in values
            if has != (m.group(2) == "in"):
                return False
        elif "!=" in req:
            k, v = req.split("!=", 1)
            if labels.get(k.strip()) == v.strip():
                return False
        elif "=" in req:
            k, v = re.split(r"==?", req, maxsplit=1)
            if labels.get(k.strip()) != v.strip():
                return False
        elif req.startswith("!"):
            if req[1:].strip() in labels:
                return False
        elif req not in labels:
            return False
    return True


def field_match(selector: str, obj: dict[str, Any]) -> bool:
    """``metadata.name`` and ``metadata.namespace`` with ``=``, ``==`` or ``!=``; raises KeyError otherwise."""
    meta = obj.get("metadata", {})
    for req in _split_requirements(selector):
        negate = "!=" in req
        k, v = re.split(r"!=|==?", req, maxsplit=1)
        k = k.strip()
        if k not in ("metadata.name", "metadata.namespace"):
            raise KeyError(k)
        value = meta.get(k.split(".", 1)[1], "")
        if (value == v.strip()) == negate:
            return False
    return True


@dataclass
class Scenario:
    """A fixture cluster: its objects, what it does not serve, and the time its API server says it is."""

    objects: list[dict[str, Any]]
    """API objects, as stored."""
    absent: set[str]
    """``plural.group`` resources not served (CRD not installed)."""
    date: datetime | None = None
    """The API server's clock (its ``Date`` header); None for the real time."""


def _key(obj: dict[str, Any]) -> str:
    meta = obj.get("metadata", {})
    return (
        f"{obj['kind']} {meta['namespace']}/{meta['name']}"
        if meta.get("namespace")
        else f"{obj['kind']} {meta['name']}"
    )


def scenario(name: str | Path) -> Scenario:
    """A fixture folder: its ``*.yaml`` objects, and ``server.yaml`` for the rest.

    ``server.yaml`` may say ``base: <fixture>`` (start from that fixture: an object here
    replaces the base's object of the same kind, namespace and name), ``remove:``
    (``Kind namespace/name`` of base objects gone), ``absent:`` (resources not served)
    and ``date:`` (the server's clock).
    """
    folder = name if isinstance(name, Path) else FIXTURES / name
    settings: dict[str, Any] = {}
    objects: list[dict[str, Any]] = []
    for path in sorted(folder.glob("*.yaml")):
        docs = [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]
        if path.name == "server.yaml":
            settings = docs[0] if docs else {}
            continue
        for doc in docs:
            objects += doc["items"] if doc.get("kind") == "List" else [doc]
    absent = set(settings.get("absent", []))
    if "base" in settings:
        base = scenario(settings["base"])
        mine = {_key(o) for o in objects}
        gone = set(settings.get("remove", []))
        unknown = gone - {_key(o) for o in base.objects}
        assert not unknown, f"{folder}/server.yaml: remove names objects the base does not have: {sorted(unknown)}"
        objects = [o for o in base.objects if _key(o) not in mine | gone] + objects
        absent |= base.absent
    date = settings.get("date")
    if isinstance(date, str):
        date = datetime.fromisoformat(date)
    return Scenario(objects, absent, date)


def load_fixture(name: str | Path) -> tuple[list[dict[str, Any]], set[str]]:
    """Objects of a fixture cluster, and the ``plural.group`` resources it does not serve."""
    found = scenario(name)
    return found.objects, found.absent


@dataclass(frozen=True)
class Grant:
    """One RBAC rule as it applies to one account: what it may do, and where."""

    group: str
    """API group (``""`` for core)."""
    resource: str
    """Resource (plural)."""
    verbs: frozenset[str]
    """Allowed verbs."""
    namespace: str | None
    """Namespace of the RoleBinding, or None for a ClusterRoleBinding."""


def rbac_grants(path: Path, namespace: str, name: str) -> list[Grant]:
    """What the RBAC objects in ``path`` allow the ServiceAccount ``namespace/name``."""
    docs = [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]
    roles = {
        (d["kind"], d["metadata"].get("namespace"), d["metadata"]["name"]): d
        for d in docs
        if d["kind"].endswith("Role")
    }
    grants: list[Grant] = []
    for b in (d for d in docs if d["kind"] in ("ClusterRoleBinding", "RoleBinding")):
        if not any(
            s["kind"] == "ServiceAccount" and (s.get("namespace"), s["name"]) == (namespace, name)
            for s in b["subjects"]
        ):
            continue
        scope = b["metadata"]["namespace"] if b["kind"] == "RoleBinding" else None
        ref = b["roleRef"]
        role = roles[(ref["kind"], None if ref["kind"] == "ClusterRole" else scope, ref["name"])]
        for rule in role.get("rules", []):
            for group in rule.get("apiGroups", []):
                for resource in rule.get("resources", []):
                    grants.append(Grant(group, resource, frozenset(rule.get("verbs", [])), scope))
    return grants


def allowed(grants: list[Grant], group: str, plural: str, ns: str | None) -> bool:
    """Whether ``grants`` allow listing ``plural`` in ``ns`` (None: across the cluster)."""
    return any(
        g.group == group and g.resource == plural and ("list" in g.verbs or "*" in g.verbs)
        and (g.namespace is None or g.namespace == ns)
        for g in grants
    )  # fmt: skip


def failure(code: int, group: str, plural: str, ns: str | None) -> tuple[str, str]:
    """``reason`` and ``message`` of the Status kube-apiserver sends for ``code`` on a list of ``plural``."""
    scope = f'in the namespace "{ns}"' if ns else "at the cluster scope"
    return {
        401: ("Unauthorized", "Unauthorized"),
        403: (
            "Forbidden",
            f'{plural}{"." + group if group else ""} is forbidden: User "system:serviceaccount:ci:labbook" '
            f'cannot list resource "{plural}" in API group "{group}" {scope}',
        ),
        404: ("NotFound", "the server could not find the requested resource"),
    }.get(code, ("InternalError", "Internal error occurred: etcdserver: request timed out"))


def list_page(
    kind: str,
    group: str,
    version: str,
    plural: str,
    objects: list[dict[str, Any]],
    ns: str | None,
    query: dict[str, list[str]],
    *,
    loop: bool = False,
    strip_kind: bool = False,
) -> dict[str, Any]:
    """One page of a list, as kube-apiserver answers ``GET …/<plural>?limit=&continue=&labelSelector=&fieldSelector=``.

    Items are in key order (namespace, name); ``continue`` tokens are opaque and bound to the
    query; ``loop`` hands back the second page's token forever; ``strip_kind`` drops
    ``kind``/``apiVersion`` from items, as the server does for built-in kinds.
    Raises KeyError or ValueError for a selector or token the server would refuse (400).
    """
    labels, fields = query.get("labelSelector", [""])[0], query.get("fieldSelector", [""])[0]
    items = [
        o
        for o in objects
        if (ns is None or o["metadata"].get("namespace") == ns)
        and (not labels or label_match(labels, o["metadata"].get("labels", {})))
        and (not fields or field_match(fields, o))
    ]
    items.sort(key=lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"]))
    signature = f"{plural}|{ns}|{labels}|{fields}"
    start = 0
    if "continue" in query:
        token = json.loads(base64.urlsafe_b64decode(query["continue"][0]))
        if token["s"] != signature:
            raise ValueError("continue key is not valid for this query")
        start = token["o"]
    limit = int(query.get("limit", ["0"])[0] or 0)
    end = start + limit if limit > 0 else len(items)
    meta: dict[str, Any] = {"resourceVersion": "424242"}
    if end < len(items) or (loop and limit > 0):
        offset = limit if loop else end
        meta["continue"] = base64.urlsafe_b64encode(json.dumps({"s": signature, "o": offset}).encode()).decode()
        meta["remainingItemCount"] = max(len(items) - end, 0)
    page = items[start:end]
    if strip_kind:
        page = [{k: v for k, v in o.items() if k not in ("apiVersion", "kind")} for o in page]
    return {
        "kind": f"{kind}List",
        "apiVersion": f"{group}/{version}" if group else version,
        "metadata": meta,
        "items": page,
    }


def closed_port() -> int:
    """A loopback port nothing listens on (connection refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listed(
    objects: list[dict[str, Any]], api_version: str, kind: str, ns: str | None, selector: str | None
) -> list[dict[str, Any]]:
    """What a list of ``kind`` in ``ns`` with field selector ``selector`` returns from ``objects`` (no paging)."""
    return [
        o
        for o in objects
        if (o["apiVersion"], o["kind"]) == (api_version, kind)
        and (ns is None or o["metadata"].get("namespace") == ns)
        and (not selector or field_match(selector, o))
    ]
