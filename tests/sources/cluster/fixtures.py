"""Pytest fixtures around the loopback API server; import them into the test modules that use it.

``read_only_guard`` is autouse and session-scoped: wherever it is imported, the run
fails at the end if any server ever received a request other than GET.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.sources.cluster import apiserver
from tests.sources.cluster.apiserver import ApiServer


@pytest.fixture(scope="session", autouse=True)
def read_only_guard() -> Iterator[None]:
    """Fail the session if the checker ever sent anything but GET."""
    yield
    assert not apiserver.NON_GET, f"the checker sent requests other than GET: {apiserver.NON_GET}"


@pytest.fixture
def serve() -> Iterator[Callable[..., ApiServer]]:
    """Start servers: ``serve("homelab")`` or ``serve(objects=[...])``; each is stopped and checked for non-GETs."""
    started: list[ApiServer] = []

    def start(fixture: str | Path | None = None, **kw: Any) -> ApiServer:
        server = ApiServer.fixture(fixture, **kw) if fixture is not None else ApiServer(**kw)
        started.append(server.start())
        return server

    yield start
    for server in started:
        server.stop()
    for server in started:
        refused = [f"{r.method} {r.path}" for r in server.log if r.method != "GET"]
        assert not refused, f"the checker sent requests other than GET: {refused}"


@pytest.fixture
def homelab(serve: Callable[..., ApiServer]) -> ApiServer:
    """The homelab fixture cluster (in sync with the example inventory), started."""
    return serve("homelab")


@pytest.fixture
def kubeconfig(homelab: ApiServer, tmp_path: Path) -> Path:
    """A real kubeconfig for the homelab server, context ``admin@homelab``."""
    return homelab.kubeconfig(tmp_path / "kubeconfig.yaml")
