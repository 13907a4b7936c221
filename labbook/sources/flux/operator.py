"""The Flux Operator's sync: which folder a ``FluxInstance`` tells Flux to apply, and from which source.

A ``FluxInstance`` with ``spec.sync`` makes the operator create a source
(``spec.sync.kind``, default ``GitRepository``) and a Flux Kustomization, both
named ``spec.sync.name`` (default: the FluxInstance's namespace) in the
FluxInstance's namespace, the Kustomization applying ``spec.sync.path``
(flux-operator internal/controller/fluxinstance_controller.go and the
``syncTmpl`` in internal/builder/templates.go). ``spec.kustomize.patches`` are
appended to the kustomization the operator builds, so they patch those two
objects too.

The ``flux-instance`` Helm chart writes that FluxInstance from its values
``instance.sync`` and ``instance.kustomize`` (controlplaneio-fluxcd/charts
charts/flux-instance/templates/instance.yaml; no sync without ``instance.sync.url``),
so a HelmRelease of that chart names the entry point as well: in
``spec.values``, or in a ConfigMap named by ``spec.valuesFrom`` (key
``valuesKey``, default ``values.yaml``), often one a ``configMapGenerator`` makes
from a file beside it. Values from ``valuesFrom`` are merged in order and
``spec.values`` on top, as helm-controller does.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Any

from labbook.sources.flux.loader import load
from labbook.sources.flux.resource import items, text
from labbook.sources.flux.tree import Repo, Tree

OPERATOR_GROUP = "fluxcd.controlplane.io"
CHART = "flux-instance"


@dataclass
class Sync:
    """What one FluxInstance (or ``flux-instance`` HelmRelease) syncs."""

    kind: str
    """Source kind: GitRepository, OCIRepository or Bucket."""
    namespace: str
    """Namespace of the FluxInstance, hence of the source and the Kustomization."""
    name: str
    """Name of the source and of the Kustomization."""
    url: str
    """``sync.url``."""
    ref: str
    """``sync.ref``."""
    path: str
    """``sync.path`` as written."""
    file: str
    """Repo file of the FluxInstance or HelmRelease."""
    line: int
    """Its line."""
    via: str
    """How it was found, for people: ``FluxInstance flux-system/flux`` or ``flux-instance HelmRelease values …``."""
    patches: list[Any] = field(default_factory=list)
    """``spec.kustomize.patches``: they patch the source and Kustomization the operator makes."""
    notes: list[str] = field(default_factory=list)
    """What could not be read with certainty."""
    assumed: tuple[str, str] | None = None
    """(kind, name) of the FluxInstance or HelmRelease whose namespace Git does not write (flux-system is
    assumed until the build shows where it lands)."""

    def source_object(self) -> dict[str, Any]:
        """The source object the operator makes (``syncTmpl``)."""
        spec: dict[str, Any] = {"url": self.url}
        if self.kind == "GitRepository":
            spec["ref"] = {"name": self.ref}
        elif self.kind == "OCIRepository":
            spec["ref"] = {"tag": self.ref}
        api = "source.toolkit.fluxcd.io/v1"
        return {
            "apiVersion": api,
            "kind": self.kind,
            "metadata": {"name": self.name, "namespace": self.namespace},
            "spec": spec,
        }

    def kustomization_object(self) -> dict[str, Any]:
        """The Flux Kustomization the operator makes (``syncTmpl``)."""
        return {
            "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
            "kind": "Kustomization",
            "metadata": {"name": self.name, "namespace": self.namespace},
            "spec": {
                "interval": "10m0s",
                "path": self.path,
                "prune": True,
                "sourceRef": {"kind": self.kind, "name": self.name},
            },
        }


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    """Helm's values merge: mappings merge key by key, anything else is replaced."""
    out = dict(base)
    for key, value in top.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def _embedded(doc: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    """A document of ``kind``, or the objects of that kind a ResourceSet templates (``spec.resources``)."""
    if doc.get("kind") == kind:
        return [doc]
    if doc.get("kind") == "ResourceSet":
        return [r for r in items(_dict(doc.get("spec")).get("resources")) if _dict(r).get("kind") == kind]
    return []


def _chart_url(url: str | None) -> bool:
    """An OCI URL of the ``flux-instance`` chart."""
    return bool(url) and str(url).rstrip("/").endswith("/" + CHART)


def _helmreleases(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return _embedded(doc, "HelmRelease")


class _Finder:
    def __init__(self, repo: Repo) -> None:
        self.repo = repo
        self.tree = Tree.subfolder(repo, "", "repo")
        self.oci_urls: dict[str, str] = {}
        self.found: list[Sync] = []

    def run(self) -> list[Sync]:
        # Only files whose text names the operator's kind or chart can hold a sync; parse just those.
        marked = self.repo.grep(["FluxInstance", CHART])
        candidates = self._scan(marked)
        other_names = [n for n, url in self.oci_urls.items() if _chart_url(url) and n not in marked]
        if other_names:  # a HelmRelease may name the chart's OCIRepository without the chart's name
            candidates += self._scan([p for p in self.repo.grep(other_names) if p not in marked])
        for path, line, obj in candidates:
            if not any(self._is_chart(hr) for hr in _helmreleases(obj)):
                continue
            if obj.get("kind") == "HelmRelease":  # read again, this time with its values
                docs, _ = self.repo.parse(path, values=True)
                obj = next((d.obj for d in docs if d.line == line and isinstance(d.obj, dict)), obj)
            for hr in _helmreleases(obj):
                if self._is_chart(hr):
                    self._helmrelease(path, line, hr)
        return self.found

    def _scan(self, paths: list[str]) -> list[tuple[str, int, dict[str, Any]]]:
        """FluxInstances (added now), chart OCIRepositories (remembered), HelmReleases and ResourceSets (returned)."""
        candidates: list[tuple[str, int, dict[str, Any]]] = []
        for path, doc in self.repo.objects(paths):
            obj = doc.obj
            if doc.kind == "FluxInstance" and (text(obj.get("apiVersion")) or "").startswith(OPERATOR_GROUP):
                spec = _dict(obj.get("spec"))
                self._add(obj, "FluxInstance", _dict(spec.get("sync")), _dict(spec.get("kustomize")), path, doc.line)
                continue
            for oci in _embedded(obj, "OCIRepository"):
                name, url = text(_dict(oci.get("metadata")).get("name")), text(_dict(oci.get("spec")).get("url"))
                if name and url:
                    self.oci_urls.setdefault(name, url)
            if doc.kind in ("HelmRelease", "ResourceSet"):
                candidates.append((path, doc.line, obj))
        return candidates

    def _is_chart(self, hr: dict[str, Any]) -> bool:
        spec = _dict(hr.get("spec"))
        chart = _dict(_dict(spec.get("chart")).get("spec"))
        if text(chart.get("chart")) == CHART:
            return True
        ref = _dict(spec.get("chartRef"))
        return text(ref.get("kind")) == "OCIRepository" and _chart_url(self.oci_urls.get(text(ref.get("name")) or ""))

    def _helmrelease(self, path: str, line: int, hr: dict[str, Any]) -> None:
        spec = _dict(hr.get("spec"))
        values: dict[str, Any] = {}
        notes: list[str] = []
        for ref in items(spec.get("valuesFrom")):
            got = self._values_from(path, _dict(ref), notes)
            if got is not None:
                values = _merge(values, got)
        instance = _dict(_merge(values, _dict(spec.get("values"))).get("instance"))
        self._add(hr, "HelmRelease", _dict(instance.get("sync")), _dict(instance.get("kustomize")), path, line, notes)

    def _values_from(self, hr_path: str, ref: dict[str, Any], notes: list[str]) -> dict[str, Any] | None:
        kind, name = text(ref.get("kind")), text(ref.get("name")) or ""
        key = text(ref.get("valuesKey")) or "values.yaml"
        if kind != "ConfigMap":
            if not ref.get("optional"):
                notes.append(f"valuesFrom {kind} {name} is not read offline")
            return None
        raw = self._generated(hr_path, name, key)
        if raw is None:
            for _, doc in self.repo.objects(self.repo.grep([name])):
                meta = _dict(doc.obj.get("metadata"))
                data = _dict(doc.obj.get("data"))
                if doc.kind == "ConfigMap" and text(meta.get("name")) == name and key in data:
                    raw = text(data[key])
                    break
        if raw is None:
            notes.append(f"valuesFrom ConfigMap {name} (key {key}) is not in the repo")
            return None
        docs, problem = load(raw.encode(), keep_all=True, values=True)
        if problem or not docs or not isinstance(docs[0].obj, dict):
            notes.append(f"valuesFrom ConfigMap {name} (key {key}) is not a YAML mapping")
            return None
        if text(ref.get("targetPath")):
            notes.append(f"valuesFrom ConfigMap {name} uses targetPath, not applied offline")
            return None
        return docs[0].obj

    def _generated(self, hr_path: str, name: str, key: str) -> str | None:
        """``key`` of a ``configMapGenerator`` named ``name`` in a kustomization beside the HelmRelease or above."""
        folder = posixpath.dirname(hr_path)
        while True:
            kfile = self.tree.kustomization_file(folder)
            docs, problem = self.repo.parse(kfile, keep_all=True, values=True) if kfile else ([], None)
            kust = docs[0].obj if docs and not problem and isinstance(docs[0].obj, dict) else {}
            for entry in items(kust.get("configMapGenerator")):
                if _dict(entry).get("name") == name:
                    found = self._generator_key(folder, _dict(entry), key)
                    if found is not None:
                        return found
            if not folder:
                return None
            folder = posixpath.dirname(folder)

    def _generator_key(self, folder: str, entry: dict[str, Any], key: str) -> str | None:
        for spec in items(entry.get("files")):
            k, sep, rel = str(spec).partition("=")
            if not sep:
                k, rel = posixpath.basename(k), k
            full = posixpath.normpath(posixpath.join(folder, rel))
            if k == key and self.tree.is_file(full):
                try:
                    return self.repo.read(full).decode("utf-8", errors="replace")
                except OSError:
                    return None
        for literal in items(entry.get("literals")):
            k, _, value = str(literal).partition("=")
            if k == key:
                return value
        return None

    def _add(
        self,
        declared: dict[str, Any],
        kind: str,
        sync: dict[str, Any],
        kustomize: dict[str, Any],
        path: str,
        line: int,
        notes: list[str] | None = None,
    ) -> None:
        """A FluxInstance, or a flux-instance HelmRelease (which installs one in its release namespace)."""
        url = text(sync.get("url"))
        if not url:
            return  # no sync: the operator makes no source and no Kustomization
        meta, spec = _dict(declared.get("metadata")), _dict(declared.get("spec"))
        written = (text(spec.get("targetNamespace")) if kind == "HelmRelease" else None) or text(meta.get("namespace"))
        namespace, name = written or "flux-system", text(meta.get("name")) or "?"
        via = (
            f"spec.sync of FluxInstance {namespace}/{name}"
            if kind == "FluxInstance"
            else f"instance.sync in the values of the {CHART} HelmRelease {namespace}/{name}"
        )
        self.found.append(
            Sync(
                kind=text(sync.get("kind")) or "GitRepository",
                namespace=namespace,
                name=text(sync.get("name")) or namespace,
                url=url,
                ref=text(sync.get("ref")) or "",
                path=text(sync.get("path")) or "",
                file=path,
                line=line,
                via=via,
                patches=[p for p in items(kustomize.get("patches")) if isinstance(p, dict)],
                notes=notes or [],
                assumed=None if written else (kind, name),
            )
        )


def syncs(repo: Repo) -> list[Sync]:
    """Every FluxInstance sync the repository declares (as a manifest or through ``flux-instance`` chart values)."""
    return _Finder(repo).run()
