"""The oracle's cases: every repository it builds, with its entry, its root Kustomization and the sources that
are the repository, as the repository's owner set them up (read by hand from the repository and its corpus
README, never from the reader). Shared by the oracle tests and ``bench/flux_drift.py``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import CORPORA, ROOT
from tests.oracle.oracle import Root

FIXTURES = ROOT / "tests" / "fixtures" / "flux"
GIT = {"GitRepository/flux-system": ""}
BOOTSTRAP = Root("flux-system", "flux-system", "GitRepository", "flux-system")


def _ignore(cluster: str) -> str:
    """tvories__k8s-gitops: the spec.ignore of each cluster's own GitRepository k8s-gitops (cluster-0, cluster-test)."""
    return f"/*\n!/k8s/global\n!/k8s/clusters/{cluster}\n/k8s/**/*.md\n/k8s/**/*.tmpl\n"


SOPS_SETTINGS = (
    ("decryption", {"provider": "sops"}),
    ("postBuild", {"substituteFrom": [{"kind": "ConfigMap", "name": "cluster-settings"},
                                      {"kind": "Secret", "name": "cluster-secrets"}]}),
)  # fmt: skip
"""bluevulpine__flux-talos: what the FluxInstance's kustomize.patches add to the root Kustomization."""
XUNHOLY_ROOT = (
    ("decryption", {"provider": "sops"}),
    ("postBuild", {"substitute": {}, "substituteFrom": [{"kind": "ConfigMap", "name": "cluster-config"},
                                                        {"kind": "Secret", "name": "cluster-secrets"}]}),
)  # fmt: skip
"""xunholy__k8s-gitops: what the FluxInstance's kustomize.patches add to the root Kustomization ``flux-system``."""


@dataclass(frozen=True)
class Case:
    repo: Path
    entry: str
    roots: dict[str, str]
    root: Root | None = BOOTSTRAP
    path: str | None = None
    corpus: bool = False
    ignores: dict[str, str] = field(default_factory=dict)
    source: str | None = None


CASES = {
    "example": Case(ROOT / "examples" / "flux", "clusters/homelab", GIT),
    **{
        f"fixture-{name}": Case(FIXTURES / name, "clusters/test", GIT)
        for name in (
            "generated-kustomization",
            "resources-and-namespace",
            "components",
            "patches",
            "substitution",
            "sourceignore",
            "helmrelease-versions",
            "tolerant-yaml",
            "deferred-vars",
            "duplicates",
            "other-sources",
            "replacements",
            "name-prefix",
            "sourceignore-defaults",
        )
    },
    "fixture-other-sources-with-source-flag": Case(
        FIXTURES / "other-sources",
        "clusters/test",
        {**GIT, "OCIRepository/flux-system": "deploy"},
        source="OCIRepository/flux-system/flux-system",
    ),
    "fixture-entry-operator": Case(FIXTURES / "entry-operator", "kubernetes/flux/cluster", GIT, None),
    "fixture-entry-flux-instance-chart": Case(
        FIXTURES / "entry-flux-instance-chart",
        "deploy/cluster",
        {"GitRepository/home-ops": ""},
        Root(
            "flux-system",
            "home-ops",
            "GitRepository",
            "home-ops",
            (("postBuild", {"substitute": {"CLUSTER": "prod"}}),),
        ),
    ),
    "fixture-entry-flux-instance-manifest": Case(
        FIXTURES / "entry-flux-instance-manifest",
        "clusters/prod",
        {"OCIRepository/flux-system": "kubernetes"},
        Root("flux-system", "flux-system", "OCIRepository", "flux-system"),
    ),
    "fixture-entry-root-kustomization": Case(
        FIXTURES / "entry-root-kustomization", "clusters/main", {"GitRepository/gitops": ""}, None
    ),
    "fixture-spec-ignore": Case(
        FIXTURES / "spec-ignore",
        "clusters/one",
        {"GitRepository/mine": ""},
        None,
        ignores={"GitRepository/mine": "/*\n!/shared\n!/clusters/one\n"},
    ),
    "fixture-self-source-remote-with-source-flag": Case(
        FIXTURES / "self-source-remote",
        "clusters/main",
        {"GitRepository/platform": ""},
        None,
        source="GitRepository/flux-system/platform",
    ),
    "corpus-flux2-example-staging": Case(
        CORPORA / "fluxcd__flux2-kustomize-helm-example", "clusters/staging", GIT, path="clusters/staging", corpus=True
    ),
    "corpus-flux2-example-production": Case(
        CORPORA / "fluxcd__flux2-kustomize-helm-example",
        "clusters/production",
        GIT,
        path="clusters/production",
        corpus=True,
    ),
    "corpus-onedr0p": Case(CORPORA / "onedr0p__home-ops", "kubernetes/flux/cluster", GIT, corpus=True),
    "corpus-xunholy": Case(
        CORPORA / "xunholy__k8s-gitops",
        "clusters/cluster-00",
        {**GIT, "OCIRepository/flux-system": "kubernetes"},
        Root("flux-system", "flux-system", "OCIRepository", "flux-system", XUNHOLY_ROOT),
        corpus=True,
    ),
    "corpus-bluevulpine": Case(
        CORPORA / "bluevulpine__flux-talos",
        "kubernetes/flux/cluster",
        {"GitRepository/home-kubernetes": ""},
        Root("flux-system", "home-kubernetes", "GitRepository", "home-kubernetes", SOPS_SETTINGS),
        corpus=True,
    ),
    "corpus-waifulabs": Case(
        CORPORA / "waifulabs__infrastructure",
        "kubernetes/apps",
        {"GitRepository/home-kubernetes": ""},
        Root("flux-system", "home-kubernetes", "GitRepository", "home-kubernetes"),
        corpus=True,
    ),
    # tvories__k8s-gitops: three clusters, each with the repository's own GitRepository k8s-gitops and its spec.ignore;
    # cluster-0 and cluster-test are applied by hand (kubectl apply -k), nas by its root Kustomization `cluster`
    **{
        f"corpus-tvories-{name}": Case(
            CORPORA / "tvories__k8s-gitops",
            entry,
            {"GitRepository/k8s-gitops": ""},
            root,
            entry,
            True,
            {"GitRepository/k8s-gitops": ignore},
        )
        for name, entry, root, ignore in (
            ("cluster-0", "k8s/clusters/cluster-0", None, _ignore("cluster-0")),
            ("cluster-test", "k8s/clusters/cluster-test", None, _ignore("cluster-test")),
            (
                "nas",
                "k8s/clusters/nas/flux",
                Root("flux-system", "cluster", "GitRepository", "k8s-gitops"),
                "/*\n!/k8s/global\n!/k8s/clusters/nas\n",
            ),
        )
    },
}
"""Every case names its entry, its root Kustomization and the sources that are the repository, as the repository's
owner set them up (read by hand from the repository and its corpus README, never from the reader)."""
