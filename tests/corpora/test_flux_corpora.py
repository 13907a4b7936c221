"""The Flux reader on real public repositories (../shared/corpora/flux), skipped with a reason when absent.

For each repository (and each cluster of a repository that has several): no
crash; the number of HelmReleases equals a figure this test derives on its own
(its own walk of what Flux reaches, counting ``kind: HelmRelease`` documents with
a plain line scan, no YAML library and no reader code) and, where the corpus
README gives one, its cross-check figure; the entry point is found without
``--path`` in a single-cluster repository; and ``labbook init --from-flux``
followed by ``labbook drift flux`` reports in sync.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from labbook.errors import BadInput
from labbook.sources.flux import read_repo
from tests.conftest import run_labbook

pytestmark = pytest.mark.corpus

DOC_SPLIT = re.compile(r"^---[ \t]*$", re.M)
KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")


@dataclass(frozen=True)
class Case:
    folder: str
    path: str | None
    entry: str
    roots: dict[str, str]
    """Where each source's paths live in the repo: ``"Kind/name"`` -> repo folder (``*`` for any artifact)."""
    readme: int | None = None
    """The reachable HelmRelease count the corpus README states (its cross-check), when it gives one."""
    default_source: tuple[str, str] | None = None
    """The sourceRef of Flux Kustomizations that name none in their file (a kustomize component adds it)."""


CASES = {
    "flux2-kustomize-helm-example-staging": Case(
        "fluxcd__flux2-kustomize-helm-example",
        "clusters/staging",
        "clusters/staging",
        # the ArtifactGenerator copies apps/base and apps/staging under base/ and staging/, infrastructure/** to /
        {
            "GitRepository/flux-system": "",
            "ExternalArtifact/apps": "apps",
            "ExternalArtifact/infrastructure": "infrastructure",
        },
    ),
    "flux2-kustomize-helm-example-production": Case(
        "fluxcd__flux2-kustomize-helm-example",
        "clusters/production",
        "clusters/production",
        {
            "GitRepository/flux-system": "",
            "ExternalArtifact/apps": "apps",
            "ExternalArtifact/infrastructure": "infrastructure",
        },
    ),
    "onedr0p-home-ops": Case("onedr0p__home-ops", None, "kubernetes/flux/cluster", {"GitRepository/flux-system": ""}),
    # the flux-instance HelmRelease values name the entry and the root source home-kubernetes
    "bluevulpine-flux-talos": Case(
        "bluevulpine__flux-talos", None, "kubernetes/flux/cluster", {"GitRepository/home-kubernetes": ""}, 104
    ),
    # the entry is in helm-values.yaml (valuesFrom a generated ConfigMap); a component adds every sourceRef
    "waifulabs-infrastructure": Case(
        "waifulabs__infrastructure",
        None,
        "kubernetes/apps",
        {"GitRepository/home-kubernetes": ""},
        68,
        ("GitRepository", "home-kubernetes"),
    ),
    # three clusters: each needs --path; the root source is the repository's own GitRepository k8s-gitops
    "tvories-cluster-0": Case(
        "tvories__k8s-gitops",
        "k8s/clusters/cluster-0",
        "k8s/clusters/cluster-0",
        {"GitRepository/k8s-gitops": ""},
        74,
    ),
    "tvories-cluster-test": Case(
        "tvories__k8s-gitops",
        "k8s/clusters/cluster-test",
        "k8s/clusters/cluster-test",
        {"GitRepository/k8s-gitops": ""},
        1,
    ),
    "tvories-nas": Case(
        "tvories__k8s-gitops", "k8s/clusters/nas/flux", "k8s/clusters/nas/flux", {"GitRepository/k8s-gitops": ""}, 6
    ),
    # the Flux Operator syncs an OCI artifact pushed from kubernetes/; ArtifactGenerators copy its folders as they are
    "xunholy-k8s-gitops": Case(
        "xunholy__k8s-gitops",
        None,
        "kubernetes/clusters/cluster-00",
        {"OCIRepository/flux-system": "kubernetes", "ExternalArtifact/*": "kubernetes"},
    ),
}


def _docs(path: Path) -> list[str]:
    return DOC_SPLIT.split(path.read_text(encoding="utf-8", errors="replace"))


def _field(doc: str, key: str) -> str | None:
    m = re.search(rf"^{key}:[ \t]*['\"]?([^'\"\s#]+)", doc, re.M)
    return m.group(1) if m else None


def _list(doc: str, key: str) -> list[str]:
    """Items of a top-level block list of scalars (``resources:``, ``components:``)."""
    m = re.search(rf"^{key}:[ \t]*\n((?:[ \t]*(?:-.*|#.*)?\n?)+)", doc, re.M)
    if not m:
        return []
    return [i.strip().strip("'\"") for i in re.findall(r"^[ \t]*-[ \t]+([^#\n]+)", m.group(1), re.M)]


def _spec(doc: str, key: str) -> str | None:
    m = re.search(rf"^spec:\n(?:[ \t]+.*\n|\n)*?[ \t]{{2}}{key}:[ \t]*['\"]?([^'\"\s#]+)", doc, re.M)
    return m.group(1) if m else None


def _source(doc: str) -> tuple[str, str] | None:
    m = re.search(r"^[ \t]{2}sourceRef:\n((?:[ \t]{4}.*\n)+)", doc, re.M)
    if not m:
        return None
    kind = re.search(r"kind:[ \t]*(\S+)", m.group(1))
    name = re.search(r"name:[ \t]*(\S+)", m.group(1))
    return (kind.group(1) if kind else "", name.group(1) if name else "")


class Walk:
    """What Flux reaches, walked independently of the reader."""

    def __init__(self, repo: Path, case: Case) -> None:
        self.repo, self.case = repo, case
        self.files: set[Path] = set()
        self.done: set[tuple[Path, tuple[str, ...]]] = set()

    def kfile(self, folder: Path) -> Path | None:
        return next((folder / n for n in KUSTOMIZATION_FILES if (folder / n).is_file()), None)

    def folder(self, folder: Path, components: tuple[str, ...] = ()) -> None:
        if (folder, components) in self.done or not folder.is_dir():
            return
        self.done.add((folder, components))
        kfile = self.kfile(folder)
        if kfile is None:  # kustomize-controller's generated kustomization
            for path in sorted(folder.iterdir()):
                if path.is_dir():
                    self.folder(path) if self.kfile(path) else self.folder_files(path)
                elif path.suffix in (".yaml", ".yml"):
                    self.add(path)
        else:
            text = kfile.read_text()
            for entry in _list(text, "resources") + _list(text, "bases"):
                self.entry(folder / entry)
            for entry in _list(text, "components"):
                self.folder(folder / entry)
        for entry in components:
            self.folder(folder / entry)

    def folder_files(self, folder: Path) -> None:
        for path in sorted(folder.iterdir()):
            if path.is_dir():
                self.folder(path) if self.kfile(path) else self.folder_files(path)
            elif path.suffix in (".yaml", ".yml"):
                self.add(path)

    def entry(self, path: Path) -> None:
        path = Path(posixpath.normpath(path))
        if path.is_file():
            self.add(path)
        elif path.is_dir():
            self.folder(path)

    def add(self, path: Path) -> None:
        if path in self.files:
            return
        self.files.add(path)
        for doc in _docs(path):
            if _field(doc, "kind") == "Kustomization" and (_field(doc, "apiVersion") or "").startswith(
                "kustomize.toolkit.fluxcd.io"
            ):
                self.flux_kustomization(doc)

    def flux_kustomization(self, doc: str) -> None:
        source = _source(doc) or self.case.default_source
        if source is None:
            return
        kind, name = source
        root = self.case.roots.get(f"{kind}/{name}", self.case.roots.get(f"{kind}/*"))
        if root is None:
            return  # another repository
        path = (_spec(doc, "path") or "./").strip("/").removeprefix("./")
        components = (
            re.findall(r"^[ \t]{4}-[ \t]+(\.\./\S+|\./\S+)", doc.split("components:", 1)[1], re.M)
            if (re.search(r"^[ \t]{2}components:", doc, re.M))
            else []
        )
        self.folder(self.repo / root / path, tuple(components))

    def helmreleases(self) -> int:
        return sum(
            1
            for path in self.files
            for doc in _docs(path)
            if _field(doc, "kind") == "HelmRelease" and (_field(doc, "apiVersion") or "").startswith("helm.toolkit")
        )


@pytest.fixture(params=list(CASES), ids=list(CASES))
def case(request, corpora) -> tuple[Path, Case]:
    spec = CASES[request.param]
    return corpora / spec.folder, spec


def test_every_corpus_is_listed(corpora):
    assert sorted({c.folder for c in CASES.values()}) == sorted(p.name for p in corpora.iterdir() if p.is_dir())


def test_helmrelease_count_matches_an_independent_walk(case):
    repo, spec = case
    walk = Walk(repo, spec)
    walk.folder(repo / spec.entry)
    expected = walk.helmreleases()
    observed = read_repo(repo, spec.path)
    assert len(observed.helmreleases) == expected, sorted(f"{h.namespace}/{h.name}" for h in observed.helmreleases)
    if spec.readme is not None:
        assert len(observed.helmreleases) == spec.readme
    assert expected >= 1


def test_entry_point_is_found_without_path_in_a_single_cluster_repository(case):
    repo, spec = case
    if spec.path is not None:
        with pytest.raises(BadInput) as err:
            read_repo(repo)
        assert "several cluster entry points: " in err.value.lines()[0]
        assert spec.path in err.value.lines()[0]
        return
    assert read_repo(repo).entry == spec.entry


def test_no_crash_and_every_warning_names_a_file(case):
    repo, spec = case
    observed = read_repo(repo, spec.path)
    assert observed.source == "flux"
    for warning in observed.warnings:
        assert warning.file and not warning.file.startswith("/"), warning
        assert warning.line is None or warning.line >= 1


def test_init_then_drift_is_in_sync(case, tmp_path):
    repo, spec = case
    path = ["--path", spec.path] if spec.path else []
    made = run_labbook("init", "--from-flux", str(repo), *path, "--inventory", "inv", cwd=tmp_path, timeout=300)
    assert made.code == 0, made.err
    drift = run_labbook("drift", "flux", "--repo", str(repo), *path, "--inventory", "inv", cwd=tmp_path, timeout=300)
    assert drift.code == 0, drift.out + drift.err
    assert "in sync: " in drift.out
