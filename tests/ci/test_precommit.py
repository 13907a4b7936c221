"""pre-commit: the hooks this repo offers others, and the config it runs on itself."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from labbook.parser import build_parser
from tests.conftest import ROOT

MANIFEST = ROOT / ".pre-commit-hooks.yaml"
CONFIG = ROOT / ".pre-commit-config.yaml"


def pre_commit(*args: str, cwd: Path = ROOT, home: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, **({"PRE_COMMIT_HOME": str(home)} if home else {})}
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args], cwd=cwd, capture_output=True, text=True, timeout=300, env=env
    )


def manifest() -> list[dict]:
    return yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))


def local_hooks() -> list[dict]:
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    return [hook for repo in config["repos"] if repo["repo"] == "local" for hook in repo["hooks"]]


# --- pre-commit's own validation ----------------------------------------------------------------------------------


def test_pre_commit_validates_the_manifest_and_the_config() -> None:
    manifest_check = pre_commit("validate-manifest", str(MANIFEST))
    assert manifest_check.returncode == 0, manifest_check.stdout + manifest_check.stderr
    config_check = pre_commit("validate-config", str(CONFIG))
    assert config_check.returncode == 0, config_check.stdout + config_check.stderr


@pytest.mark.parametrize(
    "which,old,new",
    [
        ("manifest", "  entry: labbook validate\n", ""),
        ("manifest", "  pass_filenames: false\n", "  pass_filenames: nope\n"),
        ("config", "    rev: v0.17.6\n", ""),
        ("config", "        language: system\n", "        language: cobol\n"),
    ],
    ids=["manifest-without-entry", "manifest-bad-bool", "config-without-rev", "config-unknown-language"],
)
def test_pre_commit_rejects_broken_copies(which: str, old: str, new: str, tmp_path: Path) -> None:
    source = MANIFEST if which == "manifest" else CONFIG
    text = source.read_text(encoding="utf-8")
    assert old in text, f"fixture edit {old!r} no longer applies to {source.name}"
    broken = tmp_path / source.name
    broken.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = pre_commit(f"validate-{which}", str(broken))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "==> " in result.stdout or "=====> " in result.stdout


# --- the hooks other repositories use -----------------------------------------------------------------------------


def test_the_manifest_offers_validate_and_drift_flux() -> None:
    hooks = {h["id"]: h for h in manifest()}
    assert {"labbook-validate", "labbook-drift-flux"} <= set(hooks)
    for hook in hooks.values():
        assert hook["language"] == "python", hook["id"]
        assert hook["pass_filenames"] is False, hook["id"]
        assert shlex.split(hook["entry"])[0] == "labbook", hook["id"]
        assert hook["name"] and hook["description"] and hook["files"]


@pytest.mark.parametrize(
    "hook_id,path,runs",
    [
        ("labbook-validate", "inventory/hardware.yaml", True),
        ("labbook-validate", "journal/2026-01-05-why-two-sparks.md", True),
        ("labbook-validate", "docs/index.md", False),
        ("labbook-drift-flux", "clusters/homelab/flux-system/gotk-sync.yaml", True),
        ("labbook-drift-flux", "inventory/platform.yaml", True),
        ("labbook-drift-flux", "README.md", False),
        ("labbook-drift-docs", "docs/infrastructure/hardware.md", True),
        ("labbook-drift-docs", "inventory/hardware.yaml", True),
        ("labbook-drift-docs", "journal/2026-01-05-why-two-sparks.md", False),
    ],
    ids=lambda v: v if isinstance(v, str) else str(v),
)
def test_manifest_files_patterns(hook_id: str, path: str, runs: bool) -> None:
    hook = next(h for h in manifest() if h["id"] == hook_id)
    assert bool(re.search(hook["files"], path)) is runs


def _argv(entry: str, args: list[str] | None = None) -> list[str]:
    program, *argv = shlex.split(entry)
    assert Path(program).name == "labbook", entry
    return argv + (args or [])


@pytest.mark.parametrize("hook_id", ["labbook-validate", "labbook-drift-flux", "labbook-drift-docs"])
def test_manifest_entries_are_real_commands(hook_id: str) -> None:
    """Each entry parses as a labbook command line, with the documented extra args too."""
    hook = next(h for h in manifest() if h["id"] == hook_id)
    args = build_parser().parse_args(_argv(hook["entry"]))
    assert args.handler == hook_id.removeprefix("labbook-").replace("-", "_")
    if hook_id == "labbook-drift-flux":
        assert args.repo == "."
        overridden = build_parser().parse_args(_argv(hook["entry"], ["--repo", "../flux", "--path", "clusters/x"]))
        assert (overridden.repo, overridden.path) == ("../flux", "clusters/x")


def test_validate_hook_runs_in_a_consumer_layout(cli, tmp_path: Path, inventory_copy: Path, journal_copy: Path) -> None:
    """What pre-commit does in another repo: run the entry from that repo's root."""
    hook = next(h for h in manifest() if h["id"] == "labbook-validate")
    ok = cli(*_argv(hook["entry"]), cwd=tmp_path)
    assert ok.code == 0, ok.err
    assert ok.out.startswith("ok: 3 nodes, ")
    hw = inventory_copy / "hardware.yaml"
    hw.write_text(hw.read_text(encoding="utf-8").replace("    arch: arm64\n", "    arch: arm65\n", 1), encoding="utf-8")
    bad = cli(*_argv(hook["entry"]), cwd=tmp_path)
    assert bad.code == 2
    assert re.fullmatch(r"inventory/hardware\.yaml:\d+:\d+: nodes\[1\]\.arch: got 'arm65' \(expected .*\)\n", bad.err)


def test_drift_flux_hook_runs_in_a_flux_repository_that_keeps_its_inventory(cli, tmp_path: Path) -> None:
    """The manifest's default: the repository being committed is the Flux repository (``--repo .``)."""
    example = ROOT / "examples" / "flux"
    if not example.is_dir():
        pytest.skip("examples/flux is not there yet")
    repo = tmp_path / "flux"
    shutil.copytree(example, repo)
    shutil.copytree(ROOT / "inventory", repo / "inventory")
    hook = next(h for h in manifest() if h["id"] == "labbook-drift-flux")
    ok = cli(*_argv(hook["entry"]), cwd=repo)
    assert ok.code == 0, ok.out + ok.err
    platform = repo / "inventory" / "platform.yaml"
    text = platform.read_text(encoding="utf-8")
    version = re.search(r"chart: longhorn\n\s+version: (\S+)", text)
    assert version, "the example inventory no longer pins a longhorn chart"
    platform.write_text(text.replace(version[0], version[0].replace(version[1], "0.0.1")), encoding="utf-8")
    drift = cli(*_argv(hook["entry"], ["--format", "github"]), cwd=repo)
    assert drift.code == 1, drift.out + drift.err
    assert re.search(r"^::error file=inventory/platform\.yaml,line=\d+,", drift.out, re.M), drift.out


def test_drift_docs_hook_runs_in_a_consumer_layout(cli, tmp_path: Path, inventory_copy: Path) -> None:
    hook = next(h for h in manifest() if h["id"] == "labbook-drift-docs")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("A three-node cluster with 56 cores in total.\n", encoding="utf-8")
    assert cli(*_argv(hook["entry"]), cwd=tmp_path).code == 0
    (docs / "index.md").write_text("A four-node cluster with 76 cores in total.\n", encoding="utf-8")
    stale = cli(*_argv(hook["entry"]), cwd=tmp_path)
    assert stale.code == 1
    assert "docs/index.md:1" in stale.out


# --- the config this repository runs ------------------------------------------------------------------------------


def test_config_runs_ruff_at_the_pinned_version_and_the_labbook_hooks() -> None:
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    ruff = next(r for r in config["repos"] if r["repo"].endswith("/ruff-pre-commit"))
    pinned = re.search(r"^ruff==(\S+)$", (ROOT / "requirements.in").read_text(encoding="utf-8"), re.M)
    assert pinned and ruff["rev"] == f"v{pinned[1]}"
    assert [h["id"] for h in ruff["hooks"]] == ["ruff-check", "ruff-format"]
    ids = [h["id"] for h in local_hooks()]
    assert {"labbook-validate", "labbook-drift-flux"} <= set(ids)
    for hook in local_hooks():
        assert hook["pass_filenames"] is False
        assert shlex.split(hook["entry"])[0] == ".venv/bin/labbook"


def test_local_hooks_run_through_pre_commit(tmp_path: Path) -> None:
    """`pre-commit run` itself, on this repository, with the local hooks (ruff needs a clone from the network)."""
    if not (ROOT / ".venv" / "bin" / "labbook").exists():
        pytest.skip(".venv/bin/labbook not found: the local hooks run the make-built virtualenv (`make site`)")
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: pre-commit runs on the files git knows")
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    config["repos"] = [r for r in config["repos"] if r["repo"] == "local"]
    offline = tmp_path / "local-hooks.yaml"
    offline.write_text(yaml.safe_dump(config), encoding="utf-8")
    hooks = ["labbook-validate", "labbook-schema", "labbook-drift-docs"]
    if (ROOT / "examples" / "flux").is_dir():
        hooks.append("labbook-drift-flux")
    for hook_id in hooks:
        result = pre_commit("run", "--config", str(offline), "--all-files", hook_id, home=tmp_path / "home")
        assert result.returncode == 0, result.stdout + result.stderr
        assert re.search(r"\.+Passed$", result.stdout, re.M), result.stdout
