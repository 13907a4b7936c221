"""The example site, built by each builder, served on 127.0.0.1, driven by headless Debian Chromium.

Every browser test runs on both builds: ``mkdocs build --strict`` (Material) and ``labbook
zensical`` (Zensical, skipped saying why when it is not installed). Skips, saying why, when
Chromium is absent (``.ci/run`` installs Debian's ``chromium``).
Every request a page makes to any other host is recorded and refused, so a test can
assert there were none and nothing ever leaves the machine.
"""

from __future__ import annotations

import functools
import http.server
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from labbook.site.zensical import installed as zensical_installed
from tests.conftest import CHROMIUM, ROOT
from tests.site.conftest import example_project

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]  # fmt: skip
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 390, "height": 844}
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.browser)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass
class Site:
    """The built site and the server in front of it."""

    root: Path
    """Folder the builder wrote."""
    base: str
    """``http://127.0.0.1:<port>/``."""
    builder: str = "mkdocs"
    """``mkdocs`` or ``zensical``."""

    @property
    def netloc(self) -> str:
        return urlsplit(self.base).netloc

    def url(self, path: str) -> str:
        return self.base + path.lstrip("/")

    def pages(self) -> list[str]:
        """Every built page as a URL path (``/``, ``/platform/`` …), 404 page excluded."""
        out = []
        for html in sorted(self.root.rglob("*.html")):
            rel = html.relative_to(self.root).as_posix()
            if rel == "404.html":
                continue
            out.append("/" + rel.removesuffix("index.html"))
        return out

    def file_for(self, path: str) -> Path | None:
        """The file the server sends for a URL path, if any."""
        target = self.root / path.lstrip("/")
        if target.is_dir():
            target = target / "index.html"
        return target if target.is_file() else None


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.skip(
            f"Chromium not found at {CHROMIUM}: install Debian's chromium (.ci/run does) or set $LABBOOK_CHROMIUM"
        )
    return CHROMIUM


def build_command(builder: str, out: Path, scratch: Path, root: Path = ROOT) -> list[str]:
    """How ``make site`` / ``make site-zensical`` build the project at ``root``, into ``out``."""
    config = str(root / "mkdocs.yml")
    if builder == "zensical":
        return [sys.executable, "-m", "labbook", "zensical", "-f", config, "-d", str(out), "--build-dir", str(scratch)]
    return [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", config, "-d", str(out)]


@pytest.fixture(scope="session", params=["mkdocs", "zensical"])
def site(request: pytest.FixtureRequest, chromium: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """Build the example site once per builder into a temp dir and serve it on 127.0.0.1."""
    builder = request.param
    if builder == "zensical" and not zensical_installed():
        pytest.skip("zensical is not installed in this environment (make installs the version in requirements.lock)")
    with socket.socket() as s:  # the port first: the site's absolute URLs (RSS, canonical) must point here
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}/"
    out = tmp_path_factory.mktemp(f"site-{builder}") / "site"
    project = example_project(tmp_path_factory.mktemp(f"project-{builder}") / "project")
    proc = subprocess.run(
        build_command(builder, out, tmp_path_factory.mktemp(f"build-{builder}"), project),
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "LABBOOK_SITE_URL": base, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert proc.returncode == 0, f"{builder} build failed:\n{(proc.stdout + proc.stderr)[-4000:]}"
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(_Quiet, directory=str(out)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Site(root=out, base=base, builder=builder)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser(chromium: Path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=str(chromium), args=ARGS, headless=True)
        yield instance
        instance.close()


@dataclass
class Visit:
    """What one page did while it loaded."""

    console_errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


def open_context(browser, site: Site, viewport: dict, visit: Visit, **options):
    """A browser context that records every request and refuses any not for the local server.

    ``options`` go to playwright's ``new_context`` (``color_scheme="dark"`` …).
    """
    context = browser.new_context(viewport=viewport, service_workers="block", **options)

    def route(route) -> None:
        parts = urlsplit(route.request.url)
        if parts.scheme in ("data", "blob", "about") or parts.netloc == site.netloc:
            route.continue_()
        else:  # recorded by `seen` below, which also sees what bypasses routing
            route.abort("blockedbyclient")

    context.route("**/*", route)

    def seen(request) -> None:  # every request, including any that bypass routing (workers)
        visit.requests.append(request.url)
        parts = urlsplit(request.url)
        if parts.scheme not in ("data", "blob", "about") and parts.netloc != site.netloc:
            visit.foreign_requests.append(request.url)

    context.on("request", seen)
    return context


def watch(page, visit: Visit) -> None:
    page.on("console", lambda msg: visit.console_errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: visit.console_errors.append(f"uncaught: {exc}"))


@pytest.fixture
def desktop(browser, site: Site):
    """A fresh desktop-sized page: ``(page, visit)``."""
    visit = Visit()
    context = open_context(browser, site, DESKTOP, visit)
    page = context.new_page()
    watch(page, visit)
    yield page, visit
    context.close()
