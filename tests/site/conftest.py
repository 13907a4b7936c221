"""Site builds: a copy of the project in a temp dir, ``mkdocs build --strict`` into it, parsed pages.

The example site is built once per session (``example_site``); tests that need
another inventory, journal or reports build their own copy (``project``).
Never ``-q``: ``mkdocs build -q --strict`` exits 0 on warnings.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.site.html import Element, parse

PARTS = ("mkdocs.yml", "docs", "journal", "inventory", "macros", "hooks")
"""What a site build reads from the repository."""

SITE_URL = "http://127.0.0.1:8000/"


@dataclass
class Build:
    """One ``mkdocs build --strict`` of a project copy."""

    root: Path
    """The project copy."""
    code: int
    """Exit code."""
    output: str
    """stdout and stderr together."""

    @property
    def site(self) -> Path:
        """The built site."""
        return self.root / "site"

    def file(self, url: str) -> Path:
        """The file behind a site URL path such as ``platform/`` or ``feed_rss_created.xml``."""
        path = self.site / url.lstrip("/")
        return path / "index.html" if url.endswith("/") or url == "" else path

    def page(self, url: str) -> Element:
        """A built page, parsed."""
        return parse(self.file(url).read_text(encoding="utf-8"))

    def content(self, url: str) -> Element:
        """The page's article (what the markdown rendered to)."""
        return self.page(url).find("article", cls="md-content__inner")

    def html_files(self) -> list[Path]:
        """Every HTML file of the site."""
        return sorted(self.site.rglob("*.html"))


def copy_project(dest: Path) -> Path:
    """The parts of the repository a site build reads, copied to ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for part in PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, dest / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, dest / part)
    return dest


def mkdocs(root: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run mkdocs from ``root`` (the project copy), the way ``make site`` does."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "LABBOOK_SITE_URL": SITE_URL}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def build(root: Path) -> Build:
    """``mkdocs build --strict`` of the project copy at ``root`` into ``root/site``."""
    proc = mkdocs(root, "build", "--strict", "--site-dir", str(root / "site"))
    return Build(root, proc.returncode, proc.stdout + proc.stderr)


def built_ok(result: Build) -> Build:
    """``result``, after failing the test with mkdocs' output if the build failed or warned."""
    if result.code != 0 or "WARNING" in result.output:
        pytest.fail(f"mkdocs build --strict failed (exit {result.code}):\n{result.output[-4000:]}")
    return result


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The example site, built once per session from a copy of the repository."""
    return built_ok(build(copy_project(tmp_path_factory.mktemp("example") / "project")))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh copy of the project to change and build."""
    return copy_project(tmp_path / "project")
