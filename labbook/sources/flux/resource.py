"""One Kubernetes object on its way through a build, with where it was read and what kustomize remembers of it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

CLUSTER_SCOPED = frozenset(
    {
        ("admissionregistration.k8s.io", "MutatingWebhookConfiguration"),
        ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"),
        ("apiextensions.k8s.io", "CustomResourceDefinition"),
        ("apiregistration.k8s.io", "APIService"),
        ("certificates.k8s.io", "CertificateSigningRequest"),
        ("flowcontrol.apiserver.k8s.io", "FlowSchema"),
        ("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration"),
        ("networking.k8s.io", "IngressClass"),
        ("node.k8s.io", "RuntimeClass"),
        ("policy", "PodSecurityPolicy"),
        ("rbac.authorization.k8s.io", "ClusterRole"),
        ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
        ("scheduling.k8s.io", "PriorityClass"),
        ("storage.k8s.io", "CSIDriver"),
        ("storage.k8s.io", "CSINode"),
        ("storage.k8s.io", "StorageClass"),
        ("storage.k8s.io", "VolumeAttachment"),
        ("", "ComponentStatus"),
        ("", "Namespace"),
        ("", "Node"),
        ("", "PersistentVolume"),
    }
)
"""(group, kind) kustomize knows to be cluster-scoped (kyaml ``openapi.precomputedIsNamespaceScoped``); every
other kind, custom resources included, is namespaced."""


def clone(value: Any) -> Any:
    """A deep copy of JSON-like data (dicts, lists, scalars), much faster than ``copy.deepcopy``."""
    if isinstance(value, dict):
        return {k: clone(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clone(v) for v in value]
    return value


def items(value: Any) -> list[Any]:
    """A YAML list, or nothing: a list field written as anything else is ignored."""
    return value if isinstance(value, list) else []


def text(value: Any) -> str | None:
    """A scalar as a string (YAML may have made ``1.10`` a float), None for missing or non-scalars."""
    if value is None or isinstance(value, (dict, list)):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass(frozen=True, slots=True)
class Generated:
    """What kustomize remembers about an object a ``configMapGenerator`` or ``secretGenerator`` made."""

    behavior: str = "create"
    """``create``, ``merge`` or ``replace``: how it combines with an object of the same name."""
    hashed: bool = True
    """Whether the content hash is appended to its name when the whole build ends."""


Id = tuple[str, str, str]
"""An earlier identity of an object: (kind, namespace, name)."""


@dataclass(slots=True)
class Res:
    """A built object and the repo file:line it comes from. ``obj`` is shared until :meth:`evolve` copies it."""

    obj: dict[str, Any]
    """The object."""
    file: str
    """Repo-relative path of the file that declared it."""
    line: int
    """1-based line where its document starts."""
    generated: Generated | None = None
    """Set for generator output (kustomize keeps this outside the object, so does the reader)."""
    previous: tuple[Id, ...] = ()
    """Identities it had before a namespace, prefix or suffix changed them (kustomize's build annotations);
    replacements select by any of them."""
    elided: bool = False
    """True when ``spec.values`` was not read (a HelmRelease parsed for speed); the values are unknown."""

    @property
    def kind(self) -> str:
        """``kind``."""
        return text(self.obj.get("kind")) or ""

    @property
    def api_version(self) -> str:
        """``apiVersion``."""
        return text(self.obj.get("apiVersion")) or ""

    @property
    def group(self) -> str:
        """API group (empty for the core group)."""
        return self.api_version.rpartition("/")[0]

    @property
    def version(self) -> str:
        """API version without the group."""
        return self.api_version.rpartition("/")[2]

    @property
    def meta(self) -> dict[str, Any]:
        """``metadata`` (empty when absent or not a mapping)."""
        m = self.obj.get("metadata")
        return m if isinstance(m, dict) else {}

    @property
    def name(self) -> str:
        """``metadata.name``."""
        return text(self.meta.get("name")) or ""

    @property
    def namespace(self) -> str:
        """``metadata.namespace`` (empty when unset)."""
        return text(self.meta.get("namespace")) or ""

    @property
    def labels(self) -> dict[str, str]:
        """``metadata.labels``."""
        v = self.meta.get("labels")
        return {str(k): text(x) or "" for k, x in v.items()} if isinstance(v, dict) else {}

    @property
    def annotations(self) -> dict[str, str]:
        """``metadata.annotations``."""
        v = self.meta.get("annotations")
        return {str(k): text(x) or "" for k, x in v.items()} if isinstance(v, dict) else {}

    @property
    def spec(self) -> dict[str, Any]:
        """``spec`` (empty when absent or not a mapping)."""
        s = self.obj.get("spec")
        return s if isinstance(s, dict) else {}

    @property
    def namespaced(self) -> bool:
        """Whether kustomize and the API server give it a namespace."""
        return (self.group, self.kind) not in CLUSTER_SCOPED

    def key(self) -> tuple[str, str, str, str]:
        """Identity: (group, kind, namespace, name)."""
        return (self.group, self.kind, self.namespace, self.name)

    def ids(self) -> list[Id]:
        """Its current identity, then every earlier one (kustomize ``MakeResIds``)."""
        return [(self.kind, self.namespace, self.name), *self.previous]

    def evolve(self, obj: dict[str, Any]) -> Res:
        """The same origin and memory with another object."""
        return Res(obj, self.file, self.line, self.generated, self.previous, self.elided)

    def with_meta(self, *, remember: bool = False, **changes: Any) -> Res:
        """A copy whose ``metadata`` has ``changes`` applied (shallow: the rest stays shared).

        ``remember`` records the identity it had before, as kustomize does when a namespace, prefix or
        suffix transformer renames an object.
        """
        obj = dict(self.obj)
        meta = dict(self.meta)
        meta.update(changes)
        obj["metadata"] = meta
        previous = self.previous
        if remember:
            previous = (*previous, (self.kind, self.namespace, self.name))
        return Res(obj, self.file, self.line, self.generated, previous, self.elided)

    def where(self) -> str:
        """``file:line`` for messages."""
        return f"{self.file}:{self.line}"

    def describe(self) -> str:
        """``Kind namespace/name`` for messages."""
        return f"{self.kind} {self.namespace + '/' if self.namespace else ''}{self.name}"
