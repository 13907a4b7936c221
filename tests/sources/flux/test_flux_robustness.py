"""No repository crashes the reader: any value, of any shape, in the fields it reads.

Hypothesis writes a small Flux repo whose kustomization, Flux Kustomization,
HelmRelease, source and ArtifactGenerator fields hold arbitrary YAML values;
the reader must return a FluxObserved (warnings allowed) and never raise anything
but BadInput.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from labbook.errors import BadInput
from labbook.sources.flux import read_repo

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.sampled_from(["", "./", "../x", "apps", "x.yaml", "${A}", "${A:=1}", "$${B}", "${", "HelmRelease", "a=b", "*"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.sampled_from(["name", "kind", "path", "patch", "target", "op", "value", "from", "to"]), inner, max_size=3
        ),
    ),
    max_leaves=8,
)

KUST_FIELDS = ["resources", "bases", "components", "patches", "patchesStrategicMerge", "patchesJson6902", "namespace",
               "namePrefix", "nameSuffix", "labels", "commonLabels", "commonAnnotations", "configMapGenerator",
               "secretGenerator", "generatorOptions", "kind"]  # fmt: skip
FLUX_FIELDS = ["path", "sourceRef", "targetNamespace", "patches", "components", "postBuild", "dependsOn", "namePrefix"]
HR_FIELDS = ["chart", "chartRef", "targetNamespace", "values"]

SETTINGS = settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _repo(root: Path, kust: dict, flux: dict, hr: dict, meta) -> None:
    (root / "clusters/test").mkdir(parents=True)
    (root / "apps").mkdir()
    (root / "clusters/test/ks.yaml").write_text(
        yaml.safe_dump_all(
            [
                {
                    "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
                    "kind": "Kustomization",
                    "metadata": {"name": "apps", "namespace": "flux-system"},
                    "spec": {"path": "./apps", "sourceRef": {"kind": "GitRepository", "name": "flux-system"}, **flux},
                },
                {
                    "apiVersion": "source.extensions.fluxcd.io/v1beta1",
                    "kind": "ArtifactGenerator",
                    "metadata": meta,
                    "spec": flux,
                },
                {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": kust},
            ]
        )
    )
    (root / "apps/kustomization.yaml").write_text(yaml.safe_dump({"resources": ["hr.yaml"], **kust}))
    (root / "apps/hr.yaml").write_text(
        yaml.safe_dump_all(
            [
                {"apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease", "metadata": meta, "spec": hr},
                {"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "OCIRepository", "metadata": meta, "spec": hr},
            ]
        )
    )


@SETTINGS
@given(
    kust=st.dictionaries(st.sampled_from(KUST_FIELDS), VALUES, max_size=4),
    flux=st.dictionaries(st.sampled_from(FLUX_FIELDS), VALUES, max_size=4),
    hr=st.dictionaries(st.sampled_from(HR_FIELDS), VALUES, max_size=3),
    meta=st.one_of(VALUES, st.fixed_dictionaries({"name": SCALARS, "namespace": SCALARS})),
)
def test_any_field_shape_never_crashes_the_reader(kust, flux, hr, meta):
    with tempfile.TemporaryDirectory() as tmp:
        _repo(Path(tmp), kust, flux, hr, meta)
        try:
            observed = read_repo(Path(tmp))
        except BadInput:
            return
        assert all(w.file for w in observed.warnings)
