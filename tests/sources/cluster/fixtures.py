"""Pytest fixtures around the loopback API server, and a git checkout of the example Flux repository.

``read_only_guard`` is autouse and session-scoped: wherever it is imported, the run
fails at the end if any server ever received a request other than GET.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.sources.cluster import apiserver
from tests.sources.cluster.apiserver import ApiServer

FLUX_EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "flux"
"""The example Flux repository the homelab scenario is deployed from."""


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


@dataclass(frozen=True)
class Checkout:
    """A git checkout of ``examples/flux`` with two commits: the scenario's Flux repository."""

    path: Path
    """The checkout."""
    previous: str
    """The first commit."""
    head: str
    """The commit HEAD is at."""

    def align(self, server: ApiServer, *, behind: tuple[str, ...] = ()) -> None:
        """Make the served Kustomizations report HEAD as applied, ``behind`` ones the previous commit.

        The scenarios hold fixed SHAs; a real checkout has its own. A Kustomization that applied
        ``main@sha1:<scenario HEAD>`` now says ``main@sha1:<head>``, one at another commit the previous one.
        """
        for ks in server.objects[("kustomize.toolkit.fluxcd.io", "v1", "kustomizations")]:
            status = ks["status"]
            for key in ("lastAppliedRevision", "lastAttemptedRevision"):
                sha = self.head if status[key] == SCENARIO_REVISION else self.previous
                status[key] = f"main@sha1:{sha}"
            if ks["metadata"]["name"] in behind:
                status["lastAppliedRevision"] = f"main@sha1:{self.previous}"


SCENARIO_REVISION = "main@sha1:9f3c2a7e5b1d4c8a6f0e2d4b7a9c1e3f5d7b9a20"
"""What the scenarios' Kustomizations report as applied: the commit their Flux repository is at."""


@pytest.fixture
def flux_checkout(tmp_path: Path) -> Checkout:
    """``examples/flux`` as its own git checkout (real git), two commits deep."""
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed: the checks that compare with a git checkout need it")
    repo = tmp_path / "flux"
    shutil.copytree(FLUX_EXAMPLE, repo)
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}  # fmt: skip

    def run(*args: str) -> str:
        return subprocess.run([git, *args], cwd=repo, env=env, check=True, capture_output=True, text=True).stdout

    run("init", "-q", "-b", "main")
    run("add", "-A")
    run("commit", "-q", "-m", "homelab")
    previous = run("rev-parse", "HEAD").strip()
    (repo / "README.md").write_text((repo / "README.md").read_text() + "\nOne more line.\n")
    run("commit", "-q", "-am", "docs")
    return Checkout(repo, previous, run("rev-parse", "HEAD").strip())
