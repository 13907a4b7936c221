"""``labbook.yaml``: the project's sources, command-line options over it, and its own errors located."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.cli.cases import FLUX, scratch
from tests.conftest import ROOT


def test_labbook_yaml_names_the_repo_the_path_and_the_snapshot(cli, tmp_path: Path) -> None:
    root = scratch(tmp_path)
    (root / "labbook.yaml").write_text(
        f"flux:\n  repo: {FLUX}\n  path: clusters/homelab\n"
        f"cluster:\n  snapshot: {ROOT / 'examples/cluster/snapshot.yaml'}\n",
        encoding="utf-8",
    )
    flux = cli("drift", "flux", "--format", "json", cwd=root)
    assert flux.code == 0, flux.err
    assert yaml.safe_load(flux.out)["target"] == str(FLUX)
    cluster = cli("drift", "cluster", "--format", "json", cwd=root)
    assert cluster.code == 0, cluster.err
    report = yaml.safe_load(cluster.out)
    assert report["target"].endswith("snapshot.yaml")
    listed = cli("flux", "list", "--format", "json", cwd=root)
    assert listed.code == 0 and yaml.safe_load(listed.out)


def test_a_repo_on_the_command_line_wins_over_the_config(cli, tmp_path: Path) -> None:
    root = scratch(tmp_path)
    (root / "labbook.yaml").write_text("flux:\n  repo: nowhere\n  path: clusters/homelab\n", encoding="utf-8")
    assert cli("drift", "flux", cwd=root).err.startswith("nowhere: ")
    given = cli("drift", "flux", "--repo", str(FLUX), "--format", "json", cwd=root)
    assert given.code == 0, given.err


def test_a_broken_config_is_located(cli, tmp_path: Path) -> None:
    root = scratch(tmp_path)
    (root / "labbook.yaml").write_text("flux:\n  rpeo: x\n", encoding="utf-8")
    result = cli("drift", "flux", cwd=root)
    assert result.code == 2
    assert result.err.splitlines()[0] == (
        "labbook.yaml:1:1: flux.repo: missing required key 'repo' (expected it to be set)"
    )
    assert result.err.splitlines()[1] == (
        "labbook.yaml:2:3: flux.rpeo: unknown key 'rpeo' (did you mean 'repo'? expected one of: path, repo, source)"
    )


def test_the_example_runs_from_its_config(cli) -> None:
    """This repository's labbook.yaml: what `make check` runs."""
    assert cli("drift", "flux").code == 0
    assert cli("drift", "cluster").code == 0


def test_a_broken_history_section_is_located_with_its_keys(cli, tmp_path: Path) -> None:
    """``history:`` is a mapping or ``false``: any other value is judged as the mapping, so the error names
    its keys (never a union's "expected one of False")."""
    root = scratch(tmp_path)
    config = root / "labbook.yaml"
    config.write_text("history:\n  inventry: x\n", encoding="utf-8")
    typo = cli("history", cwd=root)
    assert typo.code == 2
    assert typo.err == (
        "labbook.yaml:2:3: history.inventry: unknown key 'inventry' "
        "(did you mean 'inventory'? expected one of: flux, inventory, note, off)\n"
    )
    config.write_text("history: 3\n", encoding="utf-8")
    assert cli("history", cwd=root).err == "labbook.yaml:1:10: history: got 3 (expected a mapping)\n"
    config.write_text("history:\n  flux: 3\n", encoding="utf-8")
    assert (
        cli("history", cwd=root).err == "labbook.yaml:2:9: history.flux: got 3 (expected a folder, or false for none)\n"
    )
    config.write_text("history: false\n", encoding="utf-8")
    off = cli("history", cwd=root)
    assert off.code == 2 and "history: false in labbook.yaml turns the lab's history off" in off.err
