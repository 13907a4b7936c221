"""The reads: one paginated list per entry of the plan, GET only, each bounded by the timeout.

Every list is sent with ``limit`` and followed through ``continue`` tokens; a
token seen twice means the server (or a proxy) loops, and the read fails
instead of spinning. Bodies are read against a deadline, so a response that
starts but never finishes fails within the timeout too. A 404 on a kind served
by a CRD means the CRD is not installed: that kind is recorded as absent and
becomes a finding, never a crash.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import urllib3
from kubernetes import client
from kubernetes.client.exceptions import ApiException

from labbook.errors import SourceUnavailable
from labbook.load.errors import problems_from_validation
from labbook.models.observed import ClusterObserved
from labbook.sources.cluster import parse, wire
from labbook.sources.cluster.connection import Connection, Target, connect, http_error, transport_error
from labbook.sources.cluster.plan import ListCall, ReadPlan

PAGE_SIZE = 500
"""Objects per page, as ``kubectl get`` asks for."""
_CHUNK = 1 << 16


@dataclass
class Capture:
    """What one live read returned."""

    objects: list[wire.WireObject]
    """Every object read, validated, in plan order."""
    absent: list[str]
    """Kinds whose CRD is not installed."""
    context: str
    """Context name, or ``in-cluster``."""
    server: str
    """API server URL."""
    taken_at: datetime
    """When the read finished (UTC)."""
    requests: int = 0
    """HTTP requests sent."""
    pages: dict[str, int] = field(default_factory=dict)
    """Pages per list call (by REST path and selector)."""


class _Apis:
    """The typed API objects of one connection, built before any deadline starts.

    ``kubernetes.client`` imports its API modules lazily, and ``CoreV1Api`` alone
    takes a good part of a second: that must not count against a request's timeout.
    """

    def __init__(self, conn: Connection, plan: ReadPlan) -> None:
        kinds = {c.plural for c in plan.calls if not c.crd}
        self.core = client.CoreV1Api(conn.api) if kinds & {"nodes", "configmaps"} else None
        self.apps = client.AppsV1Api(conn.api) if "daemonsets" in kinds else None
        self.custom = client.CustomObjectsApi(conn.api) if any(c.crd for c in plan.calls) else None


def _send(conn: Connection, apis: _Apis, call: ListCall, token: str | None, limit: int) -> Any:
    kw: dict[str, Any] = {
        "limit": limit,
        "_continue": token,
        "field_selector": call.field_selector,
        "_preload_content": False,
        "_request_timeout": conn.timeout,
    }
    if call.crd and apis.custom is not None:
        if call.namespace:
            return apis.custom.list_namespaced_custom_object(
                call.group, call.version, call.namespace, call.plural, **kw
            )
        return apis.custom.list_cluster_custom_object(call.group, call.version, call.plural, **kw)
    if call.plural == "nodes" and apis.core is not None:
        return apis.core.list_node(**kw)
    if call.plural == "configmaps" and apis.core is not None:
        return apis.core.list_namespaced_config_map(call.namespace, **kw)
    if call.plural == "daemonsets" and apis.apps is not None:
        return apis.apps.list_namespaced_daemon_set(call.namespace, **kw)
    raise ValueError(f"no reader for {call.path}")  # a plan/reader mismatch: a bug, not user input


def _body(conn: Connection, call: ListCall, resp: Any, deadline: float) -> bytes:
    buf = bytearray()
    sock = getattr(getattr(resp, "connection", None), "sock", None)
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            if sock is not None:
                sock.settimeout(remaining)
            chunk = resp.read1(_CHUNK)
            if not chunk:
                return bytes(buf)
            buf += chunk
    except (TimeoutError, urllib3.exceptions.ReadTimeoutError):
        raise SourceUnavailable(
            f"{conn.where()}: GET {conn.server}{call.path}: the response body did not finish within "
            f"{conn.timeout:g} s ({len(buf)} bytes received) "
            "(expected a complete reply: check proxies and the API server's load, or raise --timeout)",
            reason="unfinished",
            target=conn.server,
        ) from None
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        raise transport_error(conn, call, exc) from exc
    finally:
        resp.release_conn()


def _page(conn: Connection, apis: _Apis, call: ListCall, token: str | None, limit: int) -> dict[str, Any]:
    deadline = time.monotonic() + conn.timeout
    conn.requests += 1
    try:
        resp = _send(conn, apis, call, token, limit)
    except ApiException:
        raise
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        raise transport_error(conn, call, exc) from exc
    body = _body(conn, call, resp, deadline)
    try:
        doc = json.loads(body)
    except ValueError as exc:
        raise SourceUnavailable(
            f"{conn.where()}: GET {conn.server}{call.path}: malformed JSON in the response: {exc} "
            "(expected a JSON list object from a Kubernetes API server)",
            reason="malformed",
            target=conn.server,
        ) from exc
    is_list = isinstance(doc, dict) and "items" in doc
    items = doc.get("items") if is_list else None
    meta = (doc.get("metadata") if is_list else None) or {}
    token = meta.get("continue") if isinstance(meta, dict) else None
    if not is_list or not isinstance(items, (list, type(None))) or not isinstance(token, (str, type(None))):
        raise SourceUnavailable(
            f"{conn.where()}: GET {conn.server}{call.path}: the response is not a list "
            f"(expected a {call.kind}List with items and metadata)",
            reason="malformed",
            target=conn.server,
        )
    return {"items": items or [], "continue": token or None}


def list_all(
    conn: Connection, apis: _Apis, call: ListCall, *, page_size: int = PAGE_SIZE
) -> tuple[list[Any] | None, int]:
    """Every object of ``call`` across pages, and the page count; None when the kind's CRD is absent."""
    items: list[Any] = []
    seen: set[str] = set()
    token: str | None = None
    pages = 0
    while True:
        try:
            page = _page(conn, apis, call, token, page_size)
        except ApiException as exc:
            if exc.status == 404 and call.crd and pages == 0:
                return None, 1
            raise http_error(conn, call, exc) from exc
        pages += 1
        for item in page["items"]:
            if isinstance(item, dict):
                item.setdefault("apiVersion", call.api_version)
                item.setdefault("kind", call.kind)
            items.append(item)
        token = page["continue"]
        if not token:
            return items, pages
        if token in seen:
            raise SourceUnavailable(
                f"{conn.where()}: GET {conn.server}{call.path}: the server sent continue token {token[:40]!r} "
                f"again after {pages} pages (expected each page to advance: the API server or a proxy loops)",
                reason="loop",
                target=conn.server,
            )
        seen.add(token)


def _invalid(conn: Connection, raw: list[Any], bad: list[parse.Invalid]) -> SourceUnavailable:
    lines: list[str] = []
    for b in bad:
        label = f"{conn.where()}: {parse.object_name(raw[b.index]) if isinstance(raw[b.index], dict) else 'object'}"
        if b.error is None or b.model is None:
            lines.append(f"{label}: {b.message}")
        else:
            lines += [str(p) for p in problems_from_validation(label, raw[b.index], b.model, b.error)]
    err = SourceUnavailable(lines[0], reason="malformed", target=conn.server)
    err.problems = list(lines)  # one line per object field the server sent in an unusable shape
    return err


def read(conn: Connection, plan: ReadPlan, *, page_size: int = PAGE_SIZE) -> Capture:
    """Run every call of ``plan``; raise :class:`SourceUnavailable` on the first failed read."""
    raw: list[Any] = []
    absent: list[str] = []
    pages: dict[str, int] = {}
    apis = _Apis(conn, plan)
    for call in plan.calls:
        items, n = list_all(conn, apis, call, page_size=page_size)
        pages[call.path + (f"?fieldSelector={call.field_selector}" if call.field_selector else "")] = n
        if items is None:
            absent.append(call.kind)
        else:
            raw += items
    good, bad = parse.validate(raw)
    if bad:
        raise _invalid(conn, raw, bad)
    return Capture(good, absent, conn.context, conn.server, datetime.now(UTC), conn.requests, pages)


def read_cluster(target: Target, plan: ReadPlan, *, page_size: int = PAGE_SIZE) -> Capture:
    """Connect, read everything ``plan`` lists, close."""
    conn = connect(target)
    try:
        return read(conn, plan, page_size=page_size)
    finally:
        conn.close()


def observed(capture: Capture, plan: ReadPlan) -> ClusterObserved:
    """The observed cluster from a live capture."""
    return parse.observe(
        capture.objects,
        target=capture.context,
        revision=None,
        resources=plan.capacity,
        labels=plan.labels,
        absent_kinds=capture.absent,
    )


__all__ = ["Capture", "list_all", "observed", "read", "read_cluster"]
