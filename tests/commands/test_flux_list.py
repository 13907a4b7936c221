"""`labbook flux list`: the reader's view of a repo, as a table and as JSON."""

from __future__ import annotations

import json

import pytest

from tests.conftest import ROOT, run_labbook

KEYS = ["kind", "namespace", "name", "chart", "version", "source_kind", "source_name", "file", "line"]


def test_json_lists_every_helmrelease_and_source_with_the_documented_keys():
    result = run_labbook("flux", "list", "--format", "json")
    assert result.code == 0
    rows = json.loads(result.out)
    assert all(list(row) == KEYS for row in rows)
    hrs = [r for r in rows if r["kind"] == "HelmRelease"]
    assert len(hrs) == 22
    assert {
        "kind": "HelmRelease",
        "namespace": "kgateway-system",
        "name": "kgateway-crds",
        "chart": "kgateway-crds",
        "version": "v2.1.1",
        "source_kind": "OCIRepository",
        "source_name": "kgateway-crds",
        "file": "infrastructure/network/kgateway/helmreleases.yaml",
        "line": 2,
    } in rows
    oci = next(r for r in rows if r["kind"] == "OCIRepository" and r["name"] == "app-template")
    assert (oci["chart"], oci["version"], oci["source_kind"]) == ("app-template", "4.4.0", None)
    assert {r["kind"] for r in rows} == {"HelmRelease", "HelmRepository", "OCIRepository", "GitRepository"}
    assert "SOPS-encrypted" in result.err  # warnings go to stderr


def test_text_table_like_flux_get():
    source = (ROOT / "tests/fixtures/flux/helmrelease-versions/clusters/test/releases.yaml").read_text().splitlines()
    named = source.index("  name: oci-semver")
    start = max(i for i in range(named) if source[i].startswith("apiVersion:")) + 1
    result = run_labbook("flux", "list", "--repo", str(ROOT / "tests/fixtures/flux/helmrelease-versions"))
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0].startswith("entry point: clusters/test (flux bootstrap: Kustomization flux-system/flux-system")
    assert lines[1] == (
        "this repository: GitRepository flux-system/flux-system (the source of Kustomization flux-system/flux-system, "
        "which syncs the entry folder)"
    )
    assert lines[2] == ""
    assert lines[3].split() == ["KIND", "NAMESPACE", "NAME", "CHART", "VERSION", "SOURCE", "FILE"]
    row = next(line for line in lines if " oci-semver " in line).split()
    assert row == [
        "HelmRelease",
        "apps",
        "oci-semver",
        "cert-manager",
        "1.x",
        "OCIRepository/cert-manager",
        f"clusters/test/releases.yaml:{start}",
    ]
    dangling = next(line for line in lines if " dangling " in line).split()
    assert dangling[3:5] == ["-", "-"]
    assert result.err.startswith("warning: clusters/test/releases.yaml:120: HelmRelease apps/dangling")


def test_unreadable_repo_is_exit_2():
    result = run_labbook("flux", "list", "--repo", "nowhere")
    assert result.code == 2
    assert result.err == "nowhere: repository folder not found (expected a checked-out Flux repository)\n"


FIXTURES = sorted(p.name for p in (ROOT / "tests" / "fixtures" / "flux").iterdir() if p.is_dir())
EXTRA = {
    "not-evaluated-verbose": ("not-evaluated", ["--verbose"]),
    "self-source-remote-source-flag": ("self-source-remote", ["--source", "GitRepository/flux-system/platform"]),
    "other-sources-source-flag": ("other-sources", ["--source", "OCIRepository/flux-system/flux-system"]),
}


@pytest.mark.parametrize("case", [*FIXTURES, *EXTRA], ids=[*FIXTURES, *EXTRA])
def test_flux_list_of_every_fixture_matches_its_golden(case, cli, golden):
    name, extra = EXTRA.get(case, (case, []))
    args = ["flux", "list", "--repo", f"tests/fixtures/flux/{name}", *extra]
    result = cli(*args)
    golden(
        f"flux-list/{case}.txt",
        f"$ labbook {' '.join(args)}\nexit {result.code}\n--- stdout\n{result.out}--- stderr\n{result.err}",
    )
