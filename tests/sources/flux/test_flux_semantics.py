"""Each kustomize/Flux semantic the reader follows, on the small fixture repos in tests/fixtures/flux/.

Every fixture folder has a README.md that says what it exercises and what the
reader must find; these tests assert exactly that.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from labbook.errors import BadInput
from labbook.models.observed import FluxObserved
from labbook.sources.flux import build, read_repo

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "flux"


def read(name: str, path: str | None = None) -> FluxObserved:
    return read_repo(FIXTURES / name, path)


def releases(observed: FluxObserved) -> dict[str, tuple[str, str | None, str | None]]:
    """``namespace/name`` -> (installs into, chart, version)."""
    return {f"{h.namespace}/{h.name}": (h.installs_into, h.chart, h.version) for h in observed.helmreleases}


def messages(observed: FluxObserved) -> list[str]:
    return [f"{w.file}:{w.line}: {w.message}" for w in observed.warnings]


def test_every_fixture_has_a_readme():
    folders = [p for p in FIXTURES.iterdir() if p.is_dir()]
    assert len(folders) >= 10
    assert [p.name for p in folders if not (p / "README.md").is_file()] == []


def test_folder_without_kustomization_is_read_as_flux_generates_it():
    observed = read("generated-kustomization")
    assert sorted(releases(observed)) == ["apps/listed", "apps/nested", "apps/top"]
    assert observed.warnings == []


def test_resources_namespace_prefix_and_suffix():
    observed = read("resources-and-namespace")
    assert sorted(releases(observed)) == ["team/pre-b-one-suf", "team/pre-two-suf"]
    assert observed.namespaces == ["team"]  # the Namespace object is renamed, never prefixed


def test_components_from_kustomization_and_flux_spec():
    assert releases(read("components")) == {
        "apps/app": ("apps", "c", "2.0.0"),
        "apps/extra": ("apps", "c", "3.0.0"),
    }


def test_every_patch_form():
    observed = read("patches")
    got = {name: (chart, version) for name, (_, chart, version) in releases(observed).items()}
    assert got == {
        "apps/alpha": ("alpha-patched", "1.1.0"),
        "apps/beta": ("c", "2.2.0"),
        "apps/gamma": ("c", "3.3.0"),
        "apps/delta": ("c", "4.4.0"),
        "apps/epsilon": ("eps", "5.5.0"),
        "apps/zeta": ("c", "9.9.9"),
        "apps/eta": ("c", "1.0.0"),
    }
    gamma = next(h for h in observed.helmreleases if h.name == "gamma")
    assert (gamma.source_kind, gamma.source_namespace, gamma.source_name) == ("HelmRepository", "flux-system", "other")
    assert observed.warnings == []


def test_post_build_substitution():
    observed = read("substitution")
    got = {name: (chart, version) for name, (_, chart, version) in releases(observed).items()}
    assert got == {
        "apps/web": ("nginx", "1.2.3"),
        "apps/db": ("c", "9.9.9"),
        "apps/cache": ("c", "6.0.0"),
        "apps/queue": ("c", "7.0.0"),
        "apps/literal": ("c", "${VERSION}"),
        "apps/disabled": ("c", "${WEB_VERSION}"),
        "apps/secretive": ("c", "${TOKEN}"),
        "plain/untouched": ("c", "${WEB_VERSION:=0.0.1}"),
    }
    warnings = messages(observed)
    assert len(warnings) == 2, warnings
    assert warnings[0].startswith("clusters/test/sops.yaml:1: Secret flux-system/sealed is SOPS-encrypted")
    assert "(TOKEN)" in warnings[0]
    assert warnings[1].startswith("clusters/test/apps.yaml:30: substituteFrom ConfigMap flux-system/nowhere")
    assert not any("not-in-git" in w for w in warnings)  # optional: silent


def test_sourceignore_replaces_the_built_in_exclusions():
    observed = read("sourceignore")
    assert sorted(releases(observed)) == ["apps/deep-local", "apps/flux-yaml-is-read", "apps/keep-draft", "apps/kept"]
    assert observed.warnings == []  # no ignored (broken) file was read


def test_built_in_exclusions_without_a_sourceignore():
    observed = read("sourceignore-defaults")
    assert sorted(releases(observed)) == ["apps/kept"]
    assert observed.warnings == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("v2-spec", ("podinfo", "6.9.2", "HelmRepository", "flux-system", "podinfo", "apps")),
        ("v2beta2-spec", ("podinfo", "6.9.1", "HelmRepository", "flux-system", "podinfo", "apps")),
        ("v2beta1-spec", ("podinfo", "6.9.0", "HelmRepository", "flux-system", "podinfo", "apps")),
        ("no-version", ("podinfo", "*", "HelmRepository", "flux-system", "podinfo", "apps")),
        ("oci-tag", ("app-template", "4.4.0", "OCIRepository", "apps", "app-template", "apps")),
        ("oci-semver", ("cert-manager", "1.x", "OCIRepository", "apps", "cert-manager", "apps")),
        (
            "oci-digest",
            (
                "podinfo",
                "sha256:8f9b1c7a4f6d2e0b3c5a7d9e1f2a4b6c8d0e2f4a6b8c0d2e4f6a8b0c2d4e6f8a",
                "OCIRepository",
                "apps",
                "podinfo-digest",
                "apps",
            ),
        ),
        ("oci-latest", ("podinfo", "latest", "OCIRepository", "apps", "podinfo-latest", "apps")),
        ("helmchart", ("redis", "20.1.0", "HelmChart", "apps", "redis", "apps")),
        ("dangling", (None, None, "OCIRepository", "apps", "gone", "apps")),
        ("installs-elsewhere", ("podinfo", "1.0.0", "HelmRepository", "flux-system", "podinfo", "web")),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_helmrelease_versions_and_chart_references(name, expected):
    observed = read("helmrelease-versions")
    hr = next(h for h in observed.helmreleases if h.name == name)
    got = (hr.chart, hr.version, hr.source_kind, hr.source_namespace, hr.source_name, hr.installs_into)
    assert got == expected


def test_dangling_chart_ref_is_a_warning_with_its_line():
    assert messages(read("helmrelease-versions")) == [
        "clusters/test/releases.yaml:120: HelmRelease apps/dangling: chartRef OCIRepository apps/gone is not in the "
        "repo (chart and version unknown)"
    ]


def test_yaml_pyyaml_rejects_is_read_and_broken_yaml_fails_its_kustomization():
    observed = read("tolerant-yaml")
    got = {name: version for name, (_, _, version) in releases(observed).items()}
    assert got == {
        "apps/anchored": "2.0.0",
        "apps/value-scalar": "1.0.0",
        "apps/custom-tag": "1.0.0",
        "apps/templated": "1.1.1",
    }
    assert [(w.file, w.line) for w in observed.warnings] == [("clusters/test/apps.yaml", 16)]
    assert observed.warnings[0].message.startswith(
        "Kustomization flux-system/broken applies nothing: kustomize build fails (broken/broken.yaml:4: cannot parse "
        "YAML:"
    )


def test_origin_is_the_repo_file_and_document_line():
    observed = read("tolerant-yaml")
    origins = {h.name: (h.origin.file, h.origin.line) for h in observed.helmreleases}
    assert origins["anchored"] == ("apps/anchors.yaml", 1)
    assert origins["templated"] == ("apps/helm-template.yaml", 2)  # after the leading `---`


def test_two_clusters_need_a_path():
    with pytest.raises(BadInput) as err:
        read("entry-two-clusters")
    (line,) = err.value.lines()
    assert "several cluster entry points: clusters/production, clusters/staging" in line
    assert "expected --path" in line
    assert sorted(releases(read("entry-two-clusters", "clusters/staging"))) == ["apps/staging-app"]


def test_entry_point_under_the_flux_operator():
    found = build(FIXTURES / "entry-operator")
    assert found.entry == "kubernetes/flux/cluster"
    assert sorted(releases(read("entry-operator"))) == ["apps/app"]


def test_no_entry_point_is_bad_input():
    with pytest.raises(BadInput) as err:
        read("entry-none")
    assert err.value.lines() == [
        f"{err.value.problems[0].file}: no Flux entry point found (expected a clusters/<name> folder or Flux "
        "Kustomizations, or --path)"
    ]


@pytest.mark.parametrize(
    ("repo", "path", "message"),
    [
        ("does-not-exist", None, "repository folder not found (expected a checked-out Flux repository)"),
        ("generated-kustomization", "clusters/nope", "entry point not found or holds no files Flux reads"),
        ("generated-kustomization", "../outside", "leaves the repository (expected a folder in it)"),
    ],
    ids=["missing-repo", "missing-path", "path-escapes"],
)
def test_bad_repo_or_path(repo, path, message):
    with pytest.raises(BadInput) as err:
        read(repo, path)
    assert message in err.value.lines()[0]


def test_sources_the_reader_can_and_cannot_follow():
    observed = read("other-sources")
    assert sorted(releases(observed)) == ["apps/bundled", "apps/platform-app"]
    warnings = messages(observed)
    assert len(warnings) == 3
    assert (
        "Kustomization flux-system/vendor not followed: GitRepository flux-system/vendor-charts is another"
        in (warnings[0])
    )
    assert "Kustomization flux-system/orphan not followed: no ArtifactGenerator" in warnings[1]
    assert (
        "Kustomization flux-system/oci not followed: OCIRepository flux-system/flux-system is another" in (warnings[2])
    )
    found = build(FIXTURES / "other-sources")
    by_name = {k.name: k for k in found.kustomizations}
    assert by_name["composed"].source == "ExternalArtifact flux-system/bundle"
    assert by_name["vendor"].skipped and by_name["orphan"].skipped and by_name["oci"].skipped


def test_source_flag_adds_a_source_that_is_this_repository():
    observed = read_repo(FIXTURES / "other-sources", source="OCIRepository/flux-system/flux-system")
    assert sorted(releases(observed)) == ["apps/bundled", "apps/oci-extra", "apps/platform-app"]
    assert [str(s) for s in observed.repo_sources] == [
        "OCIRepository flux-system/flux-system (named by --source)",
        "GitRepository flux-system/flux-system (the source of Kustomization flux-system/flux-system, which syncs "
        "the entry folder)",
    ]
    found = build(FIXTURES / "other-sources", source="OCIRepository/flux-system/flux-system")
    assert {k.name: k.repo_folder for k in found.kustomizations}["oci"] == "deploy/extra"


def test_substitute_from_waits_for_a_later_kustomization():
    assert releases(read("deferred-vars")) == {"apps/app": ("apps", "c", "4.5.6")}


def test_duplicates_keep_the_first_and_remote_bases_warn():
    observed = read("duplicates")
    assert releases(observed) == {"apps/shared": ("apps", "c", "1.0.0"), "apps/local": ("apps", "c", "1.0.0")}
    warnings = messages(observed)
    assert warnings == [
        "second/kustomization.yaml:1: remote resource 'https://github.com/example/remote//deploy?ref=v1.0.0' is not "
        "fetched by the offline reader",
        "second/shared.yaml:2: HelmRelease apps/shared is also applied by Kustomization flux-system/first; the first "
        "one read is kept",
    ]


def test_kustomizations_carry_path_depends_on_and_target_namespace():
    observed = read_repo(FIXTURES.parents[2] / "examples" / "flux")
    ks = {k.name: k for k in observed.kustomizations}
    assert ks["sriov-device-plugin"].path == "./infrastructure/gpu/sriov-device-plugin"
    assert ks["sriov-device-plugin"].depends_on == ["flux-system/multus"]
    assert ks["rabbitmq-operator"].target_namespace == "rabbitmq-system"
    assert (ks["flux-system"].origin.file, ks["flux-system"].origin.line) == (
        "clusters/homelab/flux-system/gotk-sync.yaml",
        16,
    )
