"""``mkdocs serve`` (what ``make serve`` runs): drafts are shown, and edits to journal/ and inventory/ rebuild.

The server is a real subprocess on a free local port, started and stopped by
this test. Waiting for it (or for a rebuild) is a readiness poll with a
generous limit, not a timing assertion.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from labbook.config import read_config as read_project
from tests.conftest import ROOT, run_labbook
from tests.history.example import make_example
from tests.history.gitrepo import GitRepo
from tests.site.html import parse

pytestmark = pytest.mark.site

PATIENCE = 180.0
"""Longest wait for the server or a rebuild before the test gives up (seconds)."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(what: str, check: Callable[[], bool], log: Path) -> None:
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.5)
    pytest.fail(f"mkdocs serve: {what} did not happen; its log:\n{log.read_text()[-3000:]}")


@contextlib.contextmanager
def serving(project: Path) -> Iterator[tuple[str, Path]]:
    port = free_port()
    log = project.parent / "serve.log"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "LABBOOK_SITE_URL": f"http://127.0.0.1:{port}/"}
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
            cwd=project,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    try:
        base = f"http://127.0.0.1:{port}/"
        wait_for("the first build", lambda: get(base) is not None or proc.poll() is not None, log)
        assert proc.poll() is None, log.read_text()[-3000:]
        yield base, log
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def recent_items(html: str) -> list[str]:
    doc = parse(html).find("article")
    children = [c for c in doc.children if not isinstance(c, str)]
    heading = next(i for i, c in enumerate(children) if c.tag == "h2" and c.attrs.get("id") == "recent")
    return [li.text() for li in children[heading + 1].iter("li")]


def test_serve_shows_drafts_and_rebuilds_on_journal_and_inventory_edits(project: Path) -> None:
    with serving(project) as (base, log):
        home = get(base)
        assert home is not None
        recent = recent_items(home)
        assert recent[0] == (
            "2026-01-11 · GPU-Direct RDMA on unified memory (draft): Notes in progress: what GPU-Direct RDMA "
            "means when CPU and GPU share memory, and how to measure whether the missing GDRDMA flag costs "
            "anything on GB10."
        )
        draft_link = next(
            a.attrs["href"]
            for a in parse(home).find("article").iter("a")
            if a.text() == "GPU-Direct RDMA on unified memory"
        )
        draft_page = get(base + draft_link)
        assert draft_page is not None and "Nothing here is a result yet." in draft_page

        site_yaml = project / "inventory" / "site.yaml"
        site_yaml.write_text(
            site_yaml.read_text().replace("gpu infrastructure", "gpu infrastructure, edited while serving")
        )
        wait_for(
            "a rebuild after editing inventory/site.yaml", lambda: "edited while serving" in (get(base) or ""), log
        )

        entry = project / "journal" / "2025-12-14-nccl-across-the-sparks.md"
        entry.write_text(entry.read_text().replace("title: NCCL across the two Sparks", "title: NCCL, renamed"))
        wait_for("a rebuild after editing a journal entry", lambda: "NCCL, renamed" in (get(base) or ""), log)
        assert "NCCL, renamed" in recent_items(get(base) or "")[1]


def badge(html: str | None) -> str:
    """The home page's status badge."""
    return parse(html or "").find("article").find("span", cls="lb-badge").text() if html else ""


def test_serve_tracks_reports_and_the_inventory_they_judged(project: Path) -> None:
    """Under `make serve`: a check written while serving shows up; editing the inventory makes it stale."""
    (project / "reports").mkdir()  # `make serve` creates it, so that the hook can watch it
    with serving(project) as (base, log):
        assert badge(get(base)) == "never checked"
        args = ("--inventory", "inventory", "--journal", "journal")
        for kind, extra in (
            ("flux", ("--repo", str(ROOT / "examples" / "flux"))),
            ("cluster", ("--snapshot", str(ROOT / "examples" / "cluster" / "snapshot.yaml"))),
            ("docs", ("--docs", "docs")),
        ):
            result = run_labbook("drift", kind, *extra, *args, "--report", f"reports/{kind}.json", cwd=project)
            assert result.code == 0, result.out + result.err
        wait_for("a rebuild after the reports were written", lambda: badge(get(base)) == "in sync", log)
        hw = project / "inventory" / "hardware.yaml"
        hw.write_text(hw.read_text().replace("      gb: 192\n", "      gb: 256\n"))
        wait_for("a rebuild after editing inventory/hardware.yaml", lambda: badge(get(base)) == "stale", log)
        assert "the inventory changed after the last check (inventory/hardware.yaml)" in " ".join(
            parse(get(base) or "").find("article").text().split()
        )


def test_serve_rebuilds_when_the_history_moves(project: Path) -> None:
    """A commit in the lab's history (here the example's) refreshes the Changes page and the entry boxes."""
    config, problems = read_project(project / "labbook.yaml")
    assert config is not None and config.history is not None and config.history.inventory, problems
    repo = GitRepo(make_example((project / config.history.inventory).parent))  # `git init` again is a no-op
    with serving(project) as (base, log):
        assert "16 VFs" not in (get(base + "changes/") or "")
        rdma = repo.root / "inventory" / "rdma.yaml"
        rdma.write_text(rdma.read_text(encoding="utf-8").replace("vfs: 4", "vfs: 16", 1), encoding="utf-8")
        repo.commit("16 VFs on the first Spark", "2026-02-01T10:00:00+00:00")
        wait_for(
            "a rebuild after a commit in the history",
            lambda: "VFs 4 → 16" in (get(base + "changes/") or ""),
            log,
        )
