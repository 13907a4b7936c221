"""Site builds: a copy of the project in a temp dir, built by MkDocs or Zensical, parsed pages.

- ``mkdocs``: ``mkdocs build --strict`` into ``site/``, as ``make site`` runs it. Never ``-q``:
  ``mkdocs build -q --strict`` exits 0 on warnings.
- ``zensical``: ``labbook zensical`` into ``site-zensical/``, as ``make site-zensical`` runs it
  (the content step into ``build/zensical/``, then ``zensical build --strict``). Skipped, saying
  why, when Zensical is not installed.

The example site is built once per session and builder (``example_site`` runs each test on
both; ``mkdocs_site`` and ``zensical_site`` name one). Tests that need another inventory,
journal or reports build their own copy (``project``), with the ``builder`` fixture when the
behaviour must hold under both.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from labbook.config import CONFIG_FILE, read_config
from labbook.site.zensical import installed as zensical_installed
from tests.conftest import ROOT
from tests.history.example import make_example
from tests.site.html import Element, parse

PARTS = ("mkdocs.yml", "labbook.yaml", "docs", "journal", "inventory")
"""What a site build reads from the repository."""

SITE_URL = "http://127.0.0.1:8000/"
BUILDERS = ("mkdocs", "zensical")
SITE_DIRS = {"mkdocs": "site", "zensical": "site-zensical"}
SEARCH_INDEX = {"mkdocs": "search/search_index.json", "zensical": "search.json"}
"""Where each builder writes its search index (Material's lunr index; Zensical's own format)."""
NO_ZENSICAL = "zensical is not installed in this environment (make installs the version in requirements.lock)"


@dataclass
class Build:
    """One build of a project copy."""

    root: Path
    """The project copy."""
    code: int
    """Exit code."""
    output: str
    """stdout and stderr together."""
    builder: str = "mkdocs"
    """``mkdocs`` or ``zensical``."""

    @property
    def site(self) -> Path:
        """The built site."""
        return self.root / SITE_DIRS[self.builder]

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


def _env() -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "LABBOOK_SITE_URL": SITE_URL}


def mkdocs(root: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run mkdocs from ``root`` (the project copy), the way ``make site`` does."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", *args], cwd=root, capture_output=True, text=True, timeout=timeout, env=_env()
    )


def zensical(root: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run ``labbook zensical`` from ``root``, the way ``make site-zensical`` does."""
    argv = ["zensical", "--site-dir", SITE_DIRS["zensical"], "--build-dir", "build/zensical"]
    return subprocess.run(
        [sys.executable, "-m", "labbook", *argv], cwd=root, capture_output=True, text=True, timeout=timeout, env=_env()
    )


def build(root: Path, builder: str = "mkdocs") -> Build:
    """Build the project copy at ``root`` with ``builder`` into its site folder."""
    if builder == "zensical":
        proc = zensical(root)
    else:
        proc = mkdocs(root, "build", "--strict", "--site-dir", str(root / SITE_DIRS["mkdocs"]))
    return Build(root, proc.returncode, proc.stdout + proc.stderr, builder)


def built_ok(result: Build) -> Build:
    """``result``, after failing the test with the builder's output if the build failed or warned."""
    if result.code != 0 or "WARNING" in result.output or "Traceback" in result.output:
        pytest.fail(f"{result.builder} build failed (exit {result.code}):\n{result.output[-4000:]}")
    return result


def needs(builder: str) -> None:
    """Skip, saying why, when ``builder`` cannot run here."""
    if builder == "zensical" and not zensical_installed():
        pytest.skip(NO_ZENSICAL)


def example_project(dest: Path) -> Path:
    """The project copied to ``dest`` with its example history built where ``labbook.yaml`` names it, as
    ``make site`` leaves it."""
    copy_project(dest)
    config, problems = read_config(dest / CONFIG_FILE)
    assert config is not None and config.history is not None and config.history.inventory, problems
    make_example((dest / config.history.inventory).parent)
    return dest


@pytest.fixture(scope="session")
def mkdocs_site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The example site built by MkDocs, once per session."""
    return built_ok(build(example_project(tmp_path_factory.mktemp("example-mkdocs") / "project")))


@pytest.fixture(scope="session")
def zensical_site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The example site built by Zensical, once per session."""
    needs("zensical")
    return built_ok(build(example_project(tmp_path_factory.mktemp("example-zensical") / "project"), "zensical"))


@pytest.fixture(params=BUILDERS)
def example_site(request: pytest.FixtureRequest) -> Build:
    """The example site, once per builder: the test runs against both."""
    return request.getfixturevalue(f"{request.param}_site")


@pytest.fixture(params=BUILDERS)
def builder(request: pytest.FixtureRequest) -> str:
    """Each builder in turn (Zensical skipped, saying why, when absent)."""
    needs(request.param)
    return request.param


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh copy of the project to change and build."""
    return copy_project(tmp_path / "project")
