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
from email.utils import parsedate_to_datetime
from typing import Any

import urllib3
from kubernetes.client.exceptions import ApiException

from labbook.errors import SourceUnavailable
from labbook.load.errors import problems_from_validation
from labbook.models.cluster import ClusterObserved
from labbook.sources.cluster import parse
from labbook.sources.cluster.connection import Connection, Target, connect, quiet_tls
from labbook.sources.cluster.failures import http_error, transport_error
from labbook.sources.cluster.plan import ListCall, ReadPlan
from labbook.sources.cluster.wire import Typed

PAGE_SIZE = 500
"""Objects per page, as ``kubectl get`` asks for."""
_CHUNK = 1 << 16


@dataclass
class Capture:
    """What one live read returned."""

    objects: list[Typed]
    """Every object read, validated, in plan order."""
    absent: list[str]
    """Kinds whose CRD is not installed."""
    context: str
    """Context name, or ``in-cluster``."""
    server: str
    """API server URL."""
    taken_at: datetime
    """When the API server answered the last page (its ``Date`` header), else when the read finished."""
    requests: int = 0
    """HTTP requests sent."""
    pages: dict[str, int] = field(default_factory=dict)
    """Pages per list call (by REST path and selector)."""
    warning: str | None = None
    """One line to print: TLS verification is off."""


def _send(conn: Connection, call: ListCall, token: str | None, limit: int) -> Any:
    """One GET of a list page, through the client's own request path (auth, TLS, proxy, timeout).

    This is what the typed ``list_*`` methods do with ``_preload_content=False``
    (``ApiClient._call_with_legacy_options``), for any path: no per-kind method to pick.
    """
    query: list[tuple[str, Any]] = [("limit", limit)]
    if token:
        query.append(("continue", token))
    if call.field_selector:
        query.append(("fieldSelector", call.field_selector))
    request = conn.api.param_serialize(
        method="GET",
        resource_path=call.path,
        query_params=query,
        header_params={"Accept": "application/json"},
        auth_settings=["BearerToken"],
    )
    response = conn.api.call_api(*request, _request_timeout=conn.timeout)
    if not 200 <= response.status <= 299:
        response.read()
        raise ApiException.from_response(http_resp=response, body=None, data=None)
    return response.response


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


def _server_time(resp: Any) -> datetime | None:
    try:
        return parsedate_to_datetime(resp.headers.get("Date") or "")
    except (TypeError, ValueError):
        return None


def _page(conn: Connection, call: ListCall, token: str | None, limit: int) -> dict[str, Any]:
    deadline = time.monotonic() + conn.timeout
    conn.requests += 1
    try:
        resp = _send(conn, call, token, limit)
    except ApiException:
        raise
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        raise transport_error(conn, call, exc) from exc
    conn.server_time = _server_time(resp) or conn.server_time
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


def list_all(conn: Connection, call: ListCall, *, page_size: int = PAGE_SIZE) -> tuple[list[Any] | None, int]:
    """Every object of ``call`` across pages, and the page count; None when the kind's CRD is absent."""
    items: list[Any] = []
    seen: set[str] = set()
    token: str | None = None
    pages = 0
    while True:
        try:
            page = _page(conn, call, token, page_size)
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
    with quiet_tls(conn):
        for call in plan.calls:
            items, n = list_all(conn, call, page_size=page_size)
            pages[call.key] = n
            if items is None:
                absent.append(call.kind)
            else:
                raw += items
    good, bad = parse.validate(raw)
    if bad:
        raise _invalid(conn, raw, bad)
    taken_at = conn.server_time or datetime.now(UTC)
    return Capture(good, absent, conn.context, conn.server, taken_at, conn.requests, pages, conn.warning())


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
        plan,
        target=capture.context,
        revision=None,
        observed_at=capture.taken_at,
        absent_kinds=capture.absent,
    )


__all__ = ["Capture", "list_all", "observed", "read", "read_cluster"]
