"""One Kubernetes object on its way through a build, with where it was read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

CLUSTER_SCOPED = frozenset({"Namespace"})
"""Kept kinds kustomize treats as cluster-scoped (every other kept kind is namespaced)."""


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


@dataclass(slots=True)
class Res:
    """A built object and the repo file:line it comes from. ``obj`` is shared until :meth:`evolve` copies it."""

    obj: dict[str, Any]
    """The object."""
    file: str
    """Repo-relative path of the file that declared it."""
    line: int
    """1-based line where its document starts."""

    @property
    def kind(self) -> str:
        """``kind``."""
        return text(self.obj.get("kind")) or ""

    @property
    def group(self) -> str:
        """API group (empty for the core group)."""
        api = text(self.obj.get("apiVersion")) or ""
        return api.rpartition("/")[0]

    @property
    def version(self) -> str:
        """API version without the group."""
        return (text(self.obj.get("apiVersion")) or "").rpartition("/")[2]

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
        return self.kind not in CLUSTER_SCOPED

    def key(self) -> tuple[str, str, str, str]:
        """Identity: (group, kind, namespace, name)."""
        return (self.group, self.kind, self.namespace, self.name)

    def evolve(self, obj: dict[str, Any]) -> Res:
        """The same origin with another object."""
        return Res(obj, self.file, self.line)

    def with_meta(self, **changes: Any) -> Res:
        """A copy whose ``metadata`` has ``changes`` applied (shallow: the rest stays shared)."""
        obj = dict(self.obj)
        meta = dict(self.meta)
        meta.update(changes)
        obj["metadata"] = meta
        return Res(obj, self.file, self.line)

    def where(self) -> str:
        """``file:line`` for messages."""
        return f"{self.file}:{self.line}"

    def describe(self) -> str:
        """``Kind namespace/name`` for messages."""
        return f"{self.kind} {self.namespace + '/' if self.namespace else ''}{self.name}"
