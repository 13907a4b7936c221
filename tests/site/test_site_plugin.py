"""The ``labbook`` MkDocs plugin in-process: MkDocs' own config loading and events, no site written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.exceptions import PluginError

from labbook.site import mkdocs_plugin
from labbook.site.mkdocs_plugin import LabbookPlugin
from tests.conftest import ROOT


def configured(project: Path, command: str = "build"):
    """``mkdocs.yml`` of ``project`` loaded by MkDocs, ``on_startup`` and ``on_config`` run for every plugin."""
    config = load_config(str(project / "mkdocs.yml"))
    config.plugins.on_startup(command=command, dirty=False)
    return config.plugins.on_config(config)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for part in ("inventory", "journal", "docs"):
        shutil.copytree(ROOT / part, tmp_path / part)
    shutil.copy2(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    return tmp_path


def test_the_entry_point_loads_the_plugin_with_its_typed_options(project: Path) -> None:
    config = configured(project)
    plugin = config.plugins["labbook"]
    assert isinstance(plugin, LabbookPlugin)
    assert dict(plugin.config) == {
        "inventory": "inventory",
        "journal": "journal",
        "reports": "reports",
        "project": "labbook.yaml",
    }
    assert plugin.site is not None and plugin.site.paths.journal == project / "journal"
    assert config.site_name == "Michael Willingham"
    assert [name for name in vars(config) if "labbook" in name] == [], "no state stashed on the MkDocs config"


def test_the_site_is_loaded_once_per_build_and_the_macros_use_it(project: Path, monkeypatch) -> None:
    calls = []
    real = mkdocs_plugin.load_site
    monkeypatch.setattr(mkdocs_plugin, "load_site", lambda *a: calls.append(a) or real(*a))
    config = configured(project)  # runs mkdocs-macros' on_config too, which calls define_env
    assert len(calls) == 1
    macros = config.plugins["macros"]
    assert "site_header" in macros.macros and macros.variables["totals"]["nodes"] == 3
    configured(project)  # a new build (a `mkdocs serve` rebuild loads the config again) loads afresh
    assert len(calls) == 2


@pytest.mark.parametrize(("command", "drafts"), [("build", False), ("serve", True)])
def test_drafts_follow_the_blog_and_the_command(project: Path, command: str, drafts: bool) -> None:
    assert configured(project, command).plugins["labbook"].site.drafts is drafts


def test_bad_options_and_inputs_fail_the_build_with_every_problem(project: Path, monkeypatch) -> None:
    monkeypatch.chdir(project)
    text = (project / "mkdocs.yml").read_text(encoding="utf-8")
    (project / "mkdocs.yml").write_text(text.replace("      blog_dir: journal\n", "      blog_dir: notes\n"))
    hardware = project / "inventory" / "hardware.yaml"
    hardware.write_text(hardware.read_text(encoding="utf-8").replace("      cores: 16\n", "      cores: x\n"))
    with pytest.raises(PluginError) as exc:
        configured(project)
    lines = str(exc.value).splitlines()
    assert lines[0] == (
        "mkdocs.yml: plugins.blog: posts are read from notes/posts/ "
        "(expected journal/posts/: blog_dir: journal and the default post_dir)"
    )
    assert lines[1].startswith("inventory/hardware.yaml:") and "cores: got 'x'" in lines[1]
