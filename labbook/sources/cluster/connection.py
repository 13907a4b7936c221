"""One read-only connection to a cluster, with the official ``kubernetes`` client.

Each run builds its own :class:`ApiClient` (never the global default), from a
kubeconfig (``new_client_from_config``) or from the pod's service account
(``InClusterConfigLoader``, whose token and CA paths can be pointed elsewhere).
Retries are off: a failed read is reported at once, never "in sync"
(:mod:`.failures` turns each error into one line). A bad kubeconfig is one
line too, and so is ``insecure-skip-tls-verify``: one warning instead of
urllib3's warning per request.
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import urllib3
import yaml
from kubernetes import client, config
from kubernetes.config.config_exception import ConfigException

from labbook.errors import BadInput, Problem, SourceUnavailable
from labbook.files import display

SERVICE_ACCOUNT = Path("/var/run/secrets/kubernetes.io/serviceaccount")
"""Where Kubernetes mounts a pod's service-account token and CA."""


@dataclass(frozen=True)
class Target:
    """How to reach the cluster, as the command line says."""

    kubeconfig: str | None = None
    """Kubeconfig file; default ``$KUBECONFIG`` or ``~/.kube/config``."""
    context: str | None = None
    """Context name; default the current context."""
    in_cluster: bool = False
    """Use the pod's service account instead of a kubeconfig."""
    timeout: float = 10.0
    """Seconds allowed for each request, connect to last byte."""
    token_file: Path = SERVICE_ACCOUNT / "token"
    """Service-account token (in-cluster)."""
    ca_file: Path = SERVICE_ACCOUNT / "ca.crt"
    """Cluster CA bundle (in-cluster)."""
    environ: Mapping[str, str] | None = None
    """Environment holding ``KUBERNETES_SERVICE_HOST``/``_PORT`` (in-cluster); default ``os.environ``."""


@dataclass
class Connection:
    """A client bound to one cluster, and how to name it in messages."""

    api: Any
    """The run's own ``kubernetes.client.ApiClient``."""
    context: str
    """Context name, or ``in-cluster``."""
    credentials: str
    """The file whose settings were used (kubeconfig or token), as shown to people."""
    server: str
    """API server URL."""
    timeout: float
    """Per-request timeout in seconds."""
    requests: int = field(default=0)
    """Requests sent so far."""
    server_time: datetime | None = None
    """The API server's clock at its last answer (``Date`` header)."""

    def close(self) -> None:
        """Release the connection pool."""
        self.api.close()

    def where(self) -> str:
        """The prefix of every message: the credentials file and context."""
        return f"{self.credentials} (context {self.context})"

    @property
    def insecure(self) -> bool:
        """TLS verification is off (``insecure-skip-tls-verify`` in the kubeconfig)."""
        return not self.api.configuration.verify_ssl

    def warning(self) -> str | None:
        """The one line to print when the server's certificate is not verified."""
        if not self.insecure:
            return None
        return (
            f"{self.where()}: insecure-skip-tls-verify is set, so the identity of "
            f"{self.server} is not verified (remove it and set certificate-authority-data to check it)"
        )


class _Captured(logging.Handler):
    """Collects what the kubeconfig loader logs (it reports exec plugin failures with ``logging.error``)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(" ".join(record.getMessage().split()))


@contextmanager
def _captured_log() -> Iterator[_Captured]:
    handler, root = _Captured(), logging.getLogger()
    root.addHandler(handler)  # with a handler present, logging.error() no longer calls basicConfig()
    try:
        yield handler
    finally:
        root.removeHandler(handler)


@contextmanager
def quiet_tls(conn: Connection) -> Iterator[None]:
    """No urllib3 ``InsecureRequestWarning`` per request: :meth:`Connection.warning` says it once."""
    with warnings.catch_warnings():
        if conn.insecure:
            warnings.simplefilter("ignore", urllib3.exceptions.InsecureRequestWarning)
        yield


def _configuration() -> Any:
    cfg = client.Configuration()
    cfg.retries = 0  # no retries: refused, TLS and timeouts fail at once (MaxRetryError)
    cfg.client_go_retries = False
    return cfg


def _kubeconfig_file(target: Target) -> str:
    if target.kubeconfig:
        return display(target.kubeconfig)
    return os.environ.get("KUBECONFIG") or "~/.kube/config"


def _kubeconfig_text(path: str | None) -> str:
    """The text of the kubeconfig the client read (the first of ``$KUBECONFIG`` when no path was given)."""
    source = path or os.environ.get("KUBECONFIG", "").split(os.pathsep)[0] or os.path.expanduser("~/.kube/config")
    try:
        with open(source, encoding="utf-8", errors="replace") as fh:
            return fh.read()
    except OSError:
        return ""


def _from_kubeconfig(target: Target) -> Connection:
    shown = _kubeconfig_file(target)
    path = os.path.expanduser(target.kubeconfig) if target.kubeconfig else None
    if path is not None and not os.path.isfile(path):
        raise BadInput(Problem(shown, None, None, "kubeconfig not found (expected an existing kubeconfig file)"))
    if path is None and not os.environ.get("KUBECONFIG") and not os.path.isfile(os.path.expanduser(shown)):
        raise BadInput(
            Problem(
                shown,
                None,
                None,
                "no kubeconfig (expected one: pass --kubeconfig, set $KUBECONFIG, "
                "or use --in-cluster in a pod or --snapshot offline)",
            )
        )
    try:
        contexts, current = config.list_kube_config_contexts(config_file=path)
        names = [c.get("name") for c in contexts or []]
        context = target.context or (current or {}).get("name")
        if target.context and target.context not in names:
            raise BadInput(
                Problem(shown, None, None, f"no context {target.context!r} (expected one of: {', '.join(names)})")
            )
        cfg = _configuration()
        with _captured_log() as log:
            api = config.new_client_from_config(
                config_file=path, context=context, persist_config=False, client_configuration=cfg
            )
    except BadInput:
        raise
    except yaml.YAMLError as exc:
        from labbook.load.syntax import syntax_problem

        raise BadInput(syntax_problem(shown, _kubeconfig_text(path), exc)) from exc
    except ConfigException as exc:
        text = " ".join(str(exc).split())
        raise BadInput(Problem(shown, None, None, f"{text} (expected a usable kubeconfig context)")) from exc
    except (TypeError, KeyError, AttributeError, ValueError) as exc:
        raise BadInput(
            Problem(shown, None, None, f"malformed kubeconfig: {exc!r} (expected clusters, users and contexts)")
        ) from exc
    conn = Connection(api, context or "(current)", shown, api.configuration.host, target.timeout)
    if log.messages:
        api.close()
        raise SourceUnavailable(
            f"{conn.where()}: the exec credential plugin failed: {log.messages[0]} "
            "(expected the context's users[].exec command to print credentials: run it by hand to see why)",
            reason="auth",
            target=conn.server,
        )
    return conn


def _in_cluster(target: Target) -> Connection:
    environ = os.environ if target.environ is None else target.environ
    shown = display(target.token_file)
    if not environ.get("KUBERNETES_SERVICE_HOST") or not environ.get("KUBERNETES_SERVICE_PORT"):
        raise BadInput(
            Problem(
                shown,
                None,
                None,
                "--in-cluster: KUBERNETES_SERVICE_HOST/PORT are not set "
                "(expected to run in a pod; use --kubeconfig or --context outside the cluster)",
            )
        )
    for path, what in ((target.token_file, "service-account token"), (target.ca_file, "cluster CA bundle")):
        if not path.is_file() or path.stat().st_size == 0:
            raise BadInput(
                Problem(display(path), None, None, f"--in-cluster: no {what} (expected the pod's mounted {what})")
            )
    cfg = _configuration()
    loader = config.incluster_config.InClusterConfigLoader(
        token_filename=str(target.token_file), cert_filename=str(target.ca_file), environ=environ
    )
    try:
        loader.load_and_set(cfg)
    except ConfigException as exc:
        raise BadInput(Problem(shown, None, None, f"--in-cluster: {exc} (expected a pod service account)")) from exc
    api = client.ApiClient(configuration=cfg)
    return Connection(api, "in-cluster", shown, cfg.host, target.timeout)


def connect(target: Target) -> Connection:
    """A new client for ``target``; bad kubeconfigs and missing service accounts are :class:`BadInput`."""
    return _in_cluster(target) if target.in_cluster else _from_kubeconfig(target)
