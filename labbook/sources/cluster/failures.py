"""A failed read, explained in one line: what failed, and what to do. Pure: no I/O.

Errors of the ``kubernetes`` client (``ApiException``) and of urllib3
(``MaxRetryError`` and its reasons) become one :class:`SourceUnavailable` each.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import urllib3
from kubernetes.client.exceptions import ApiException

from labbook.errors import SourceUnavailable
from labbook.sources.cluster.plan import ListCall

if TYPE_CHECKING:
    from labbook.sources.cluster.connection import Connection

RBAC_HINT = "apply deploy/rbac.yaml, or add the rule to the role bound to this account"
"""What to do about a 403."""


def _status_message(exc: ApiException) -> str:
    try:
        body = json.loads(exc.body or "")
    except ValueError:
        return (exc.body or "").strip()[:200]
    return str(body.get("message") or "").strip() if isinstance(body, dict) else ""


def _scope(call: ListCall) -> str:
    return f"in namespace {call.namespace}" if call.namespace else "at the cluster scope"


def http_error(conn: Connection, call: ListCall, exc: ApiException) -> SourceUnavailable:
    """An HTTP error status, explained. (A 404 on a CRD is not an error: the caller handles it.)"""
    where, url = conn.where(), f"{conn.server}{call.path}"
    status, said = exc.status or 0, _status_message(exc)
    detail = f": {said}" if said else ""
    if status == 0:
        return tls_error(conn, exc.reason or "")
    if status == 401:
        msg = (
            f"GET {url}: 401 Unauthorized: the credentials were rejected "
            f"(expected a valid token or client certificate: refresh the credentials of context {conn.context})"
        )
    elif status == 403:
        group = call.group or '"" (core)'
        msg = (
            f"GET {url}: 403 Forbidden{detail} (expected RBAC verbs get, list on {call.resource} in API group "
            f"{group} {_scope(call)}: {RBAC_HINT})"
        )
    elif status == 404:
        msg = f"GET {url}: 404 Not Found{detail} (expected a Kubernetes API server at {conn.server})"
    elif status == 410:
        msg = f"GET {url}: 410 Gone{detail} (expected the list not to expire while paging: run the check again)"
    elif status >= 500:
        msg = (
            f"GET {url}: {status} {exc.reason or 'Server Error'}{detail} "
            "(expected a healthy API server: try again, or check the API server's logs)"
        )
    else:
        msg = f"GET {url}: {status} {exc.reason or ''}{detail} (expected 200 OK for a list)"
    return SourceUnavailable(f"{where}: {msg}", reason=str(status), target=conn.server)


def tls_error(conn: Connection, reason: Any) -> SourceUnavailable:
    """The server's certificate could not be verified."""
    text = " ".join(str(reason).split())
    return SourceUnavailable(
        f"{conn.where()}: TLS verification of {conn.server} failed: {text} "
        "(expected a server certificate signed by the context's certificate authority: check the CA)",
        reason="tls",
        target=conn.server,
    )


def transport_error(conn: Connection, call: ListCall, exc: Exception) -> SourceUnavailable:
    """Refused, TLS, DNS, timeout or a broken connection, explained."""
    reason = exc.reason if isinstance(exc, urllib3.exceptions.MaxRetryError) and exc.reason else exc
    url, where, t = f"{conn.server}{call.path}", conn.where(), f"{conn.timeout:g}"
    if isinstance(reason, urllib3.exceptions.SSLError):
        return tls_error(conn, reason)
    if isinstance(reason, urllib3.exceptions.NameResolutionError):
        return SourceUnavailable(
            f"{where}: cannot resolve the host of {conn.server} (expected a resolvable server address in the context)",
            reason="dns",
            target=conn.server,
        )
    if isinstance(reason, urllib3.exceptions.NewConnectionError):
        return SourceUnavailable(
            f"{where}: connection to {conn.server} refused (expected an API server listening there: "
            "check the server address of the context, and that the cluster is up)",
            reason="refused",
            target=conn.server,
        )
    if isinstance(reason, urllib3.exceptions.ResponseError):  # with retries off, a redirect ends here
        return SourceUnavailable(
            f"{where}: GET {url}: the server answered with a redirect "
            "(expected the API server itself, not a proxy or login page: check the server address of the context)",
            reason="redirect",
            target=conn.server,
        )
    if isinstance(reason, urllib3.exceptions.ConnectTimeoutError):
        return SourceUnavailable(
            f"{where}: connecting to {conn.server} timed out after {t} s "
            "(expected a reachable API server: check the network, or raise --timeout)",
            reason="timeout",
            target=conn.server,
        )
    if isinstance(reason, (urllib3.exceptions.ReadTimeoutError, TimeoutError)):
        return SourceUnavailable(
            f"{where}: GET {url}: no answer within {t} s "
            "(expected a reply in time: check the API server's load, or raise --timeout)",
            reason="timeout",
            target=conn.server,
        )
    return SourceUnavailable(
        f"{where}: GET {url}: the connection broke: {' '.join(str(reason).split())} "
        "(expected a complete HTTP response: check proxies between here and the API server)",
        reason="broken",
        target=conn.server,
    )
