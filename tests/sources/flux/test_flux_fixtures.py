"""Entry points, this repository's own source, replacements, name prefixes and spec.ignore, on the fixture repos.

Each fixture's README.md says what it exercises and what the reader must find; these tests assert exactly that.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from labbook.errors import BadInput
from labbook.models.observed import FluxObserved
from labbook.sources.flux import build, read_repo

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "flux"


def read(name: str, path: str | None = None, source: str | None = None, verbose: bool = False) -> FluxObserved:
    return read_repo(FIXTURES / name, path, source, verbose)


def releases(observed: FluxObserved) -> dict[str, tuple[str | None, str | None]]:
    """``namespace/name`` -> (chart, version)."""
    return {f"{h.namespace}/{h.name}": (h.chart, h.version) for h in observed.helmreleases}


def sources(observed: FluxObserved) -> list[str]:
    return [str(s) for s in observed.repo_sources]


def test_replacements_set_namespaces_versions_and_charts():
    observed = read("replacements")
    assert releases(observed) == {
        "media/api": ("api", "2.4.6"),
        "media/pinned": ("pinned", "1.0.0"),
        "media/tools": ("tools", "3.0.0"),
        "media/web": ("mirror-chart", "2.4.6"),
    }
    ks = {k.name: k for k in observed.kustomizations}
    assert (ks["web"].namespace, ks["web"].target_namespace) == ("media", "media")
    assert (ks["tools"].namespace, ks["tools"].target_namespace) == ("media", "media")
    assert observed.warnings == []


def test_a_failing_replacement_fails_the_kustomization_as_in_flux(tmp_path: Path):
    repo = tmp_path / "replacements"
    shutil.copytree(FIXTURES / "replacements", repo)
    kust = repo / "apps/media/web/app/kustomization.yaml"
    kust.write_text(kust.read_text().replace("name: version-pin", "name: no-such-deployment"))
    observed = read_repo(repo)
    assert sorted(releases(observed)) == ["media/tools"]
    (warning,) = observed.warnings
    assert (warning.file, warning.line) == ("apps/media/web/ks.yaml", 2)
    assert "Kustomization media/web applies nothing: kustomize build fails (replacement source" in warning.message
    assert "nothing selected" in warning.message


def test_name_prefix_and_suffix_from_kustomization_files_and_the_flux_kustomization():
    observed = read("name-prefix")
    assert releases(observed) == {"team/team-inner-web-x-v2": ("web", "1.2.3"), "shared/inner-web-x": ("web", "1.2.3")}
    assert observed.namespaces == ["team"]
    assert observed.warnings == []


def test_spec_ignore_is_honoured_and_overrides_sourceignore():
    observed = read("spec-ignore")
    assert releases(observed) == {"apps/one": ("one", "1.0.0"), "apps/extra": ("extra", "2.0.0")}
    assert sources(observed) == [
        "GitRepository flux-system/mine (read by the root Kustomization flux-system/root, flux-system/elsewhere in "
        "the entry folder)"
    ]
    (warning,) = observed.warnings
    assert warning.message == (
        "Kustomization flux-system/elsewhere not followed: its path './clusters/two/apps' is not a folder in "
        "GitRepository flux-system/mine"
    )


def test_flux_operator_values_from_a_generated_configmap():
    observed = read("entry-flux-instance-chart")
    assert observed.entry == "deploy/cluster"
    assert observed.entry_reason.startswith(
        "Flux Operator: instance.sync in the values of the flux-instance HelmRelease flux-system/flux-instance"
    )
    assert sources(observed) == [
        "GitRepository flux-system/home-ops (the source of Kustomization flux-system/home-ops, which syncs the entry "
        "folder)"
    ]
    assert releases(observed) == {
        "apps/prod-app": ("app", "2.0.0"),
        "flux-system/flux-instance": ("flux-instance", "0.40.0"),
    }
    assert observed.warnings == []


def test_flux_instance_manifest_syncing_an_oci_artifact_pushed_from_a_folder():
    observed = read("entry-flux-instance-manifest")
    assert observed.entry == "kubernetes/clusters/prod"
    assert sources(observed) == [
        "OCIRepository flux-system/flux-system (the source of Kustomization flux-system/flux-system, which syncs "
        "the entry folder)"
    ]
    assert releases(observed) == {"web/web": ("web", "4.5.6")}
    found = build(FIXTURES / "entry-flux-instance-manifest")
    assert {k.name: k.repo_folder for k in found.kustomizations}["apps"] == "kubernetes/apps"
    assert observed.warnings == []


def test_root_kustomization_started_by_hand():
    observed = read("entry-root-kustomization")
    assert observed.entry == "clusters/main"
    assert observed.entry_reason == "root Kustomization flux-system/root, which nothing else in the repository includes"
    assert sources(observed) == [
        "GitRepository flux-system/gitops (read by the root Kustomization flux-system/root in the entry folder)"
    ]
    assert releases(observed) == {"web/web": ("web", "1.0.0")}
    assert observed.warnings == []


def test_without_anything_to_tell_the_reader_assumes_flux_system_and_says_so():
    observed = read("self-source-remote")
    assert releases(observed) == {}
    (source,) = observed.repo_sources
    assert (source.kind, source.namespace, source.name) == ("GitRepository", "flux-system", "flux-system")
    assert source.reason.startswith("assumed, as flux bootstrap names it")
    assert all("pass --source KIND/NAMESPACE/NAME" in w.message for w in observed.warnings)
    assert len(observed.warnings) == 2


def test_source_flag_names_this_repository():
    observed = read("self-source-remote", source="GitRepository/flux-system/platform")
    assert releases(observed) == {"apps/platform-app": ("app", "1.0.0")}
    assert sources(observed) == ["GitRepository flux-system/platform (named by --source)"]


def test_git_remote_names_this_repository(tmp_path: Path):
    repo = tmp_path / "checkout"
    shutil.copytree(FIXTURES / "self-source-remote", repo)
    (repo / ".git").mkdir()
    (repo / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (repo / ".git" / "config").write_text(
        '[core]\n\tbare = false\n[remote "origin"]\n\turl = git@github.com:example/homelab.git\n'
    )
    observed = read_repo(repo)
    assert releases(observed) == {"apps/platform-app": ("app", "1.0.0")}
    assert sources(observed) == ["GitRepository flux-system/platform (its URL is the checkout's git remote `origin`)"]
    (warning,) = observed.warnings
    assert "GitRepository flux-system/vendor is another repository" in warning.message


def test_each_cause_once_with_a_count_and_every_place_with_verbose():
    grouped = read("not-evaluated")
    assert sorted(releases(grouped)) == ["apps/alpha", "apps/beta", "apps/delta", "apps/epsilon", "apps/gamma"]
    messages = [w.message for w in grouped.warnings]
    assert len(messages) == 3
    assert messages[0].startswith("`vars` is deprecated in kustomize")
    assert messages[1].startswith("remote kustomize inputs are not fetched by the offline reader")
    assert "(5 times, at 5 places: apps/alpha/kustomization.yaml:1, apps/beta/kustomization.yaml:1, " in messages[1]
    assert messages[1].endswith("and 2 more; --verbose lists each)")
    every = read("not-evaluated", verbose=True)
    assert len(every.warnings) == 11
    assert sum("is not fetched by the offline reader" in w.message for w in every.warnings) == 5


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/clusters/test", "--path '/clusters/test' is absolute (expected a folder relative to --repo)"),
        ("../..", "--path '../..' leaves the repository (expected a folder in it)"),
    ],
)
def test_path_must_be_relative_to_the_repository(path, message):
    with pytest.raises(BadInput) as err:
        read("replacements", path)
    assert err.value.lines()[0].endswith(message)


def test_bad_source_flag_is_bad_input():
    with pytest.raises(BadInput) as err:
        read("replacements", source="flux-system")
    assert err.value.lines() == [
        "--source: got 'flux-system' (expected KIND/NAMESPACE/NAME, KIND one of GitRepository, OCIRepository, Bucket)"
    ]


def test_unreadable_folders_are_said_not_fatal(monkeypatch, tmp_path: Path):
    import labbook.sources.flux.tree as tree

    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / "replacements", repo)
    (repo / "notes").mkdir()
    (repo / "notes" / "private.yaml").write_text("kind: Secret\n")
    real_walk = tree.os.walk

    def walk(top, onerror=None, **kw):
        for folder, dirs, names in real_walk(top, onerror=onerror, **kw):
            if folder.endswith("notes"):
                onerror(PermissionError(13, "Permission denied", folder))
                dirs[:] = []
                continue
            yield folder, dirs, names

    monkeypatch.setattr(tree.os, "walk", walk)
    observed = read_repo(repo)
    assert releases(observed) == releases(read("replacements"))
    assert [(w.file, w.message) for w in observed.warnings] == [
        ("notes", "folder could not be read (permission denied): its files are not seen")
    ]
