"""Flux OCIRepositories (``source.toolkit.fluxcd.io/v1``): what a ``chartRef`` HelmRelease asks for. Pure: no I/O.

source-controller's ``docs/spec/v1/ocirepositories.md``: ``.spec.ref.digest``
takes precedence over ``.spec.ref.semver``, which takes precedence over
``.spec.ref.tag``; with no ``ref`` the tag is ``latest``. The HelmRelease
comparison reads these as the desired version of the charts they hold; this
kind compares nothing on its own.
"""

from __future__ import annotations

from typing import Any

from labbook.models.cluster import ClusterOCIRepository
from labbook.models.inventory import Inventory
from labbook.models.location import Location
from labbook.sources.cluster.kinds.base import Kind, ReadContext
from labbook.sources.cluster.plan import ListCall
from labbook.sources.cluster.wire import ManagedMeta, Typed, Wire, meta_dict, object_name


class OCIRef(Wire):
    """``spec.ref``."""

    tag: str | None = None
    """Tag."""
    semver: str | None = None
    """SemVer range, resolved to the highest matching tag."""
    digest: str | None = None
    """Digest."""


class OCIRepositorySpec(Wire):
    """``spec``."""

    url: str | None = None
    """``oci://`` URL of the artifact."""
    ref: OCIRef | None = None
    """What to pull."""


class OCIRepositoryObject(Typed):
    """An OCIRepository."""

    metadata: ManagedMeta
    """``metadata`` with field managers."""
    spec: OCIRepositorySpec = OCIRepositorySpec()
    """Spec."""


def _field(ref: OCIRef | None) -> str | None:
    for name in ("digest", "semver", "tag"):
        if ref is not None and getattr(ref, name):
            return name
    return None


class OCIRepositoryKind(Kind):
    """``source.toolkit.fluxcd.io/v1`` OCIRepository."""

    group, version, kind, plural = "source.toolkit.fluxcd.io", "v1", "OCIRepository", "ocirepositories"
    model = OCIRepositoryObject
    field = "oci_repositories"
    crd = True
    provider = "flux"

    def calls(self, inv: Inventory) -> list[ListCall]:
        """One list across namespaces when a documented chart comes from an OCIRepository."""
        oci = any(h.source.kind == "OCIRepository" for c in inv.platform.components for h in c.helm)
        return [self.list_call()] if oci else []

    def documented(self, inv: Inventory) -> int:
        """Documented charts taken from an OCIRepository."""
        return sum(h.source.kind == "OCIRepository" for c in inv.platform.components for h in c.helm)

    def parse(self, obj: OCIRepositoryObject, ctx: ReadContext) -> list[ClusterOCIRepository]:
        """The ref and who set it."""
        ref, field = obj.spec.ref, _field(obj.spec.ref)
        return [
            ClusterOCIRepository(
                namespace=obj.namespace,
                name=obj.metadata.name,
                url=obj.spec.url,
                tag=ref.tag if ref else None,
                semver=ref.semver if ref else None,
                digest=ref.digest if ref else None,
                ref_manager=obj.metadata.manager_of("spec", "ref", field) if field else None,
                origin=Location(object=object_name(obj)),
            )
        ]

    def project(self, obj: OCIRepositoryObject, ctx: ReadContext) -> dict[str, Any]:
        """URL, ref, and the field manager of the ref field in force."""
        field = _field(obj.spec.ref)
        manager = obj.metadata.manager_of("spec", "ref", field) if field else None
        managed = [{"manager": manager, "fieldsV1": {"f:spec": {"f:ref": {f"f:{field}": {}}}}}] if manager else []
        spec = obj.spec.model_dump(by_alias=True, exclude_none=True)
        return {**self.head(), "metadata": meta_dict(obj, managedFields=managed), "spec": spec}
