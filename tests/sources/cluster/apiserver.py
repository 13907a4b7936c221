"""A loopback HTTPS Kubernetes API server for tests: the real protocol, the real client, no mocks.

The ``kubernetes`` client talks to it through a real kubeconfig (or the in-cluster
loader) over TLS from a ``trustme`` CA. It serves API objects from fixture files
under ``tests/fixtures/cluster/<name>/`` the way kube-apiserver does: bearer-token
auth with the scheme matched case-insensitively, ``limit``/``continue``
pagination, label and field selectors, ``metav1.Status`` error bodies, list items
of built-in kinds without ``kind``/``apiVersion``. It logs every request, answers
anything but GET with 405 and records it in :data:`NON_GET` (the suite fails if
that is ever non-empty), and injects faults per resource with :class:`Fault`.
"""

from __future__ import annotations

import base64
import email.utils
import json
import re
import socket
import ssl
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import trustme
import yaml

from tests.sources.cluster.apimachinery import (
    FIXTURES,
    Grant,
    allowed,
    closed_port,
    failure,
    field_match,
    label_match,
    list_page,
    load_fixture,
    rbac_grants,
    scenario,
    status_body,
)

RESOURCES: dict[tuple[str, str, str], tuple[str, bool]] = {
    ("", "v1", "nodes"): ("Node", False),
    ("", "v1", "namespaces"): ("Namespace", False),
    ("", "v1", "configmaps"): ("ConfigMap", True),
    ("", "v1", "secrets"): ("Secret", True),
    ("apps", "v1", "daemonsets"): ("DaemonSet", True),
    ("helm.toolkit.fluxcd.io", "v2", "helmreleases"): ("HelmRelease", True),
    ("source.toolkit.fluxcd.io", "v1", "ocirepositories"): ("OCIRepository", True),
    ("kustomize.toolkit.fluxcd.io", "v1", "kustomizations"): ("Kustomization", True),
    ("k8s.cni.cncf.io", "v1", "network-attachment-definitions"): ("NetworkAttachmentDefinition", True),
}
"""What the server can serve: ``(group, version, plural) -> (kind, namespaced)``."""
BUILTIN_GROUPS = {"", "apps"}
"""Groups whose list items come without ``kind``/``apiVersion``, as kube-apiserver sends them."""

NON_GET: list[str] = []
"""Every request other than GET that any server in this process received (must stay empty)."""

_PATH = re.compile(
    r"^/(?:api/(?P<core>v1)|apis/(?P<group>[^/]+)/(?P<version>[^/]+))"
    r"(?:/namespaces/(?P<ns>[^/]+))?/(?P<plural>[^/]+)$"
)


@dataclass
class Fault:
    """What to do instead of answering normally, for one resource."""

    status: int | None = None
    """Answer with this HTTP status and a metav1.Status body."""
    message: str = ""
    """The Status message (defaults per status)."""
    delay: float = 0.0
    """Seconds to wait before the status line (a slow server)."""
    unfinished: bool = False
    """Send headers and part of the body, then stall (a body that never finishes)."""
    malformed: bool = False
    """Answer 200 with a body that is not JSON."""
    loop_continue: bool = False
    """Hand back the same continue token on every page."""
    redirect: str | None = None
    """Answer 302 Found to this location (a proxy's login page)."""
    body: bytes | None = None
    """Answer 200 with this body instead of the list."""


@dataclass
class Request:
    """One request as the server saw it."""

    method: str
    """HTTP method."""
    path: str
    """URL path."""
    query: dict[str, list[str]]
    """Query parameters."""
    authorization: str | None
    """The Authorization header."""
    status: int = 0
    """Status answered."""


class _TLSServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    api: ApiServer
    ssl_context: ssl.SSLContext

    def finish_request(self, request: Any, client_address: Any) -> None:
        request.settimeout(30)
        request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # as Go's net/http: no Nagle delay
        try:
            tls = self.ssl_context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return  # e.g. a client that does not trust our CA hangs up during the handshake
        self.RequestHandlerClass(tls, client_address, self)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _TLSServer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def date_time_string(self, timestamp: float | None = None) -> str:
        clock = self.server.api.date
        if clock is None:
            return super().date_time_string(timestamp)
        return email.utils.format_datetime(clock.astimezone(UTC), usegmt=True)

    def do_GET(self) -> None:
        self.server.api._serve(self)

    def _refuse(self) -> None:
        self.server.api._refuse(self)

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _refuse


class ApiServer:
    """A Kubernetes API server on 127.0.0.1 over HTTPS. Use as a context manager."""

    def __init__(
        self,
        objects: Iterable[dict[str, Any]] = (),
        *,
        token: str = "labbook-test-token",
        absent: Iterable[str] = (),
        ca: trustme.CA | None = None,
        rbac: list[Grant] | None = None,
        date: datetime | None = None,
    ) -> None:
        self.ca = ca or trustme.CA()
        """The CA that signed the server certificate."""
        self.token = token
        """The only bearer token accepted."""
        self.absent = set(absent)
        """``plural.group`` resources not served (CRD not installed)."""
        self.rbac = rbac
        """When set, only these grants are authorized (403 otherwise), as kube-apiserver's RBAC authorizer."""
        self.date = date
        """The clock the ``Date`` header reports (kube-apiserver's Go net/http sets it on every answer);
        None for the real time."""
        self.faults: dict[str, Fault] = {}
        """Faults by plural, e.g. ``{"nodes": Fault(status=403)}``."""
        self.log: list[Request] = []
        """Every request, in order."""
        self.objects: dict[tuple[str, str, str], list[dict[str, Any]]] = {k: [] for k in RESOURCES}
        self._kinds = {(f"{g}/{v}" if g else v, kind): (g, v, p) for (g, v, p), (kind, _) in RESOURCES.items()}
        for obj in objects:
            self.add(obj)
        self._stop = threading.Event()
        self._httpd: _TLSServer | None = None
        self._lock = threading.Lock()

    @classmethod
    def fixture(cls, name: str | Path, **kw: Any) -> ApiServer:
        """A server for ``tests/fixtures/cluster/<name>/``, at the scenario's time."""
        found = scenario(name)
        kw.setdefault("date", found.date)
        return cls(found.objects, absent=found.absent | set(kw.pop("absent", ())), **kw)

    def add(self, obj: dict[str, Any]) -> None:
        """Serve one more object."""
        key = self._kinds[(obj["apiVersion"], obj["kind"])]
        self.objects[key].append(obj)

    # --- lifecycle ----------------------------------------------------------------------------

    def start(self) -> ApiServer:
        """Listen on an ephemeral loopback port."""
        httpd = _TLSServer(("127.0.0.1", 0), _Handler)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ca.issue_cert("127.0.0.1", "localhost").configure_cert(ctx)
        httpd.ssl_context, httpd.api = ctx, self
        self._httpd = httpd
        threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop serving and release stalled handlers."""
        self._stop.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()

    def __enter__(self) -> ApiServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The port listened on."""
        assert self._httpd is not None, "start() the server first"
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        """``https://127.0.0.1:<port>``."""
        return f"https://127.0.0.1:{self.port}"

    # --- client configuration -------------------------------------------------------------------

    def kubeconfig(
        self, path: Path, *, context: str = "admin@homelab", token: str | None = None, ca: trustme.CA | None = None,
        server: str | None = None, insecure: bool = False,
    ) -> Path:  # fmt: skip
        """Write a real kubeconfig for this server (another ``ca`` or ``token`` to provoke TLS or auth errors;
        ``insecure``: ``insecure-skip-tls-verify: true`` instead of the CA, as kubectl accepts)."""
        ca_pem = (ca or self.ca).cert_pem.bytes()
        trust = (
            {"insecure-skip-tls-verify": True}
            if insecure
            else {"certificate-authority-data": base64.b64encode(ca_pem).decode()}
        )
        doc = {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [
                {
                    "name": "homelab",
                    "cluster": {"server": server or self.url, **trust},
                }
            ],
            "users": [{"name": "labbook", "user": {"token": token or self.token}}],
            "contexts": [{"name": context, "context": {"cluster": "homelab", "user": "labbook"}}],
            "current-context": context,
        }
        path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
        return path

    def service_account(self, folder: Path) -> tuple[Path, Path, dict[str, str]]:
        """A pod's service-account mount (token, ca.crt) and the environment the in-cluster loader reads."""
        folder.mkdir(parents=True, exist_ok=True)
        token, ca = folder / "token", folder / "ca.crt"
        token.write_text(self.token, encoding="utf-8")
        ca.write_bytes(self.ca.cert_pem.bytes())
        return token, ca, {"KUBERNETES_SERVICE_HOST": "127.0.0.1", "KUBERNETES_SERVICE_PORT": str(self.port)}

    def requests(self, method: str = "GET") -> list[Request]:
        """Logged requests with ``method``."""
        return [r for r in self.log if r.method == method]

    # --- serving --------------------------------------------------------------------------------

    def _record(self, h: _Handler) -> Request:
        url = urlsplit(h.path)
        req = Request(h.command, url.path, parse_qs(url.query), h.headers.get("Authorization"))
        with self._lock:
            self.log.append(req)
        return req

    def _send(
        self, h: _Handler, req: Request, code: int, body: bytes, *, length: int | None = None, location: str = ""
    ) -> None:
        req.status = code
        try:
            h.send_response(code)
            if location:
                h.send_header("Location", location)
            h.send_header("Content-Type", "application/json")
            h.send_header("Content-Length", str(len(body) if length is None else length))
            h.end_headers()
            h.wfile.write(body)
            h.wfile.flush()
        except OSError:
            h.close_connection = True  # the client went away (e.g. it timed out)

    def _fail(self, h: _Handler, req: Request, code: int, reason: str, message: str, **details: Any) -> None:
        self._send(h, req, code, json.dumps(status_body(code, reason, message, details)).encode())

    def _refuse(self, h: _Handler) -> None:
        req = self._record(h)
        NON_GET.append(f"{h.command} {h.path}")
        length = int(h.headers.get("Content-Length") or 0)
        if length:
            h.rfile.read(length)
        self._fail(h, req, 405, "MethodNotAllowed", f"the server does not allow this method on {req.path}")

    def _authorized(self, header: str | None) -> bool:
        scheme, _, token = (header or "").partition(" ")
        return scheme.lower() == "bearer" and token.strip() == self.token

    def _serve(self, h: _Handler) -> None:
        req = self._record(h)
        if not self._authorized(req.authorization):
            self._fail(h, req, 401, "Unauthorized", "Unauthorized")
            return
        m = _PATH.match(req.path)
        key = (m.group("group") or "", m.group("core") or m.group("version"), m.group("plural")) if m else None
        if key is None or key not in RESOURCES or f"{key[2]}.{key[0]}" in self.absent:
            self._fail(h, req, 404, "NotFound", "the server could not find the requested resource")
            return
        if self.rbac is not None and not self._allowed(key[0], key[2], m.group("ns")):
            self._fault_status(h, req, Fault(status=403), key, m.group("ns"))
            return
        fault = self.faults.get(key[2], Fault())
        if fault.delay and self._stop.wait(fault.delay):
            return
        if fault.status:
            self._fault_status(h, req, fault, key, m.group("ns"))
            return
        if fault.redirect:
            self._send(h, req, 302, b"{}", location=fault.redirect)
            return
        if fault.body is not None:
            self._send(h, req, 200, fault.body)
            return
        if fault.malformed:
            self._send(h, req, 200, b'{"kind": "List", "items": [{"metadata": ')
            return
        try:
            doc = self._list(key, m.group("ns"), req.query, loop=fault.loop_continue)
        except (KeyError, ValueError) as exc:
            self._fail(h, req, 400, "BadRequest", f"invalid request: {exc}")
            return
        body = json.dumps(doc).encode()
        if fault.unfinished:
            self._send(h, req, 200, body[: len(body) // 3], length=len(body))
            self._stop.wait(120)
            return
        self._send(h, req, 200, body)

    def _allowed(self, group: str, plural: str, ns: str | None) -> bool:
        return allowed(self.rbac or [], group, plural, ns)

    def _fault_status(self, h: _Handler, req: Request, fault: Fault, key: tuple[str, str, str], ns: str | None) -> None:
        code = fault.status or 500
        reason, message = failure(code, key[0], key[2], ns)
        self._fail(h, req, code, reason, fault.message or message)

    def _list(
        self, key: tuple[str, str, str], ns: str | None, query: dict[str, list[str]], *, loop: bool
    ) -> dict[str, Any]:
        group, version, plural = key
        kind, _ = RESOURCES[key]
        return list_page(
            kind, group, version, plural, self.objects[key], ns, query, loop=loop, strip_kind=group in BUILTIN_GROUPS
        )


__all__ = [
    "FIXTURES",
    "NON_GET",
    "RESOURCES",
    "ApiServer",
    "Fault",
    "Grant",
    "Request",
    "closed_port",
    "field_match",
    "label_match",
    "load_fixture",
    "rbac_grants",
    "scenario",
    "status_body",
]
