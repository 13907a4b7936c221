"""Tolerant, selective YAML loading for Flux repositories.

Real repositories hold YAML that PyYAML's safe loader refuses although Flux
(go-yaml) reads it: anchors redefined within one document, the bare scalar
``=`` (``tag:yaml.org,2002:value``) and application tags such as ``!env_var``.
The loader here accepts all three. Anything else it cannot parse becomes a
:class:`FileProblem` with a line, never an exception.

It is also selective, for speed: libyaml composes every document (in C), but
only documents of the kinds the reader uses are constructed into Python
objects, and a HelmRelease's ``spec.values`` (often most of the file, and
irrelevant to what is deployed) is replaced by an empty mapping.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.nodes import MappingNode, Node, ScalarNode

from labbook.sources.flux import textscan

try:
    _CBase = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _CBase = yaml.SafeLoader  # type: ignore[misc,assignment]

KEPT_KINDS = frozenset(
    {
        "HelmRelease",
        "HelmRepository",
        "OCIRepository",
        "HelmChart",
        "GitRepository",
        "Bucket",
        "ExternalArtifact",
        "ArtifactGenerator",
        "Kustomization",
        "Namespace",
        "ConfigMap",
        "Secret",
        "ResourceSet",
        "FluxInstance",
        "List",
    }
)
"""Kinds the reader needs: Flux and Flux Operator objects, Namespaces, and ConfigMaps/Secrets for
``substituteFrom``."""

_EMPTY_VALUES = MappingNode("tag:yaml.org,2002:map", [])


@dataclass(frozen=True, slots=True)
class Doc:
    """One YAML document of a file."""

    obj: Any
    """The constructed document (a dict for objects), or None when it was skipped or empty."""
    line: int
    """1-based line where the document's content starts."""
    kind: str | None
    """Top-level ``kind``, when it is a plain scalar."""
    elided: bool = False
    """True when a HelmRelease's ``spec.values`` was replaced by ``{}`` instead of being read."""


@dataclass(frozen=True, slots=True)
class FileProblem:
    """Why a file could not be read."""

    line: int | None
    """1-based line of the problem."""
    message: str
    """What is wrong."""


def _construct_any(loader: yaml.BaseLoader, node: Node) -> Any:
    """Unknown tags (``!env_var``, ``!secret`` …): read the node as if untagged."""
    if isinstance(node, ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, MappingNode):
        return loader.construct_mapping(node, deep=True)
    return loader.construct_sequence(node, deep=True)


def _construct_value(loader: yaml.BaseLoader, node: Node) -> Any:
    """The YAML 1.1 ``value`` type (a bare ``=``): go-yaml reads it as the string ``=``."""
    return loader.construct_scalar(node)


class _FastLoader(_CBase):  # type: ignore[misc,valid-type]
    """libyaml parser and composer; Python constructors."""


class _SlowLoader(yaml.SafeLoader):
    """Pure-Python composer that lets a later anchor redefine an earlier one (YAML 1.2, go-yaml)."""

    def compose_node(self, parent: Node | None, index: Any) -> Node:  # type: ignore[override]
        event = self.peek_event()
        anchor = getattr(event, "anchor", None)
        if anchor is not None and not isinstance(event, yaml.AliasEvent):
            self.anchors.pop(anchor, None)
        return super().compose_node(parent, index)  # type: ignore[arg-type]


for _cls in (_FastLoader, _SlowLoader):
    _cls.add_constructor("tag:yaml.org,2002:value", _construct_value)
    _cls.add_constructor(None, _construct_any)  # type: ignore[arg-type]


def _top(node: MappingNode, key: str) -> Node | None:
    for k, v in node.value:
        if isinstance(k, ScalarNode) and k.value == key:
            return v
    return None


def _prune_values(node: MappingNode) -> bool:
    """Replace ``spec.values`` by an empty mapping; whether there was one."""
    spec = _top(node, "spec")
    if not isinstance(spec, MappingNode):
        return False
    found = False
    for i, (k, _) in enumerate(spec.value):
        if isinstance(k, ScalarNode) and k.value == "values":
            spec.value[i] = (k, _EMPTY_VALUES)
            found = True
    return found


def _documents(loader: Any, keep_all: bool, values: bool) -> list[Doc]:
    docs: list[Doc] = []
    while loader.check_node():
        node = loader.get_node()
        line = node.start_mark.line + 1
        kind = None
        elided = False
        if isinstance(node, MappingNode):
            kind_node = _top(node, "kind")
            if isinstance(kind_node, ScalarNode):
                kind = kind_node.value
            if kind == "HelmRelease" and not values:
                elided = _prune_values(node)
        elif isinstance(node, ScalarNode) and node.value == "" and node.tag.endswith(":null"):
            continue  # an empty document (comment-only file, trailing ---)
        if keep_all or kind in KEPT_KINDS:
            docs.append(Doc(loader.construct_document(node), line, kind, elided))
        else:
            docs.append(Doc(None, line, kind))
    return docs


def _problem(exc: Exception) -> FileProblem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    text = " ".join(f"{problem}{f' ({context})' if context else ''}".split())
    return FileProblem(mark.line + 1 if mark is not None else None, f"cannot parse YAML: {text}")


def _parse(data: bytes | str, keep_all: bool, values: bool = False) -> tuple[list[Doc], FileProblem | None]:
    for cls in (_FastLoader, _SlowLoader):
        loader = cls(data)
        try:
            return _documents(loader, keep_all, values), None
        except ComposerError as exc:
            if "duplicate anchor" in str(exc.context or "") and cls is _FastLoader:
                continue  # redefined anchor: retry with the pure-Python composer
            return [], _problem(exc)
        except yaml.YAMLError as exc:
            return [], _problem(exc)
        except (ValueError, RecursionError) as exc:  # libyaml: NUL bytes, absurd nesting
            return [], FileProblem(None, f"cannot parse YAML: {exc}")
        finally:
            loader.dispose()
    raise AssertionError("unreachable")  # pragma: no cover


def _shift(doc: Doc, lines: int) -> Doc:
    return Doc(doc.obj, doc.line + lines, doc.kind, doc.elided)


def load(data: bytes, *, keep_all: bool = False, values: bool = False) -> tuple[list[Doc], FileProblem | None]:
    """Every document of ``data``; only kinds in :data:`KEPT_KINDS` are constructed unless ``keep_all``, and a
    HelmRelease's ``spec.values`` is read only with ``values``.

    Returns the documents and, when the file is unreadable, the problem (and no documents).
    """
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        return _parse(data, keep_all, values)  # let libyaml detect UTF-16 and report real errors
    chunks = None if keep_all else textscan.documents(text)
    if chunks is None:
        return _parse(text, keep_all, values)
    docs: list[Doc] = []
    for offset, chunk in chunks:
        kind = textscan.kind_of(chunk)
        if kind is not None and kind not in KEPT_KINDS:
            docs.append(Doc(None, offset + textscan.first_line(chunk) + 1, kind))
            continue
        elided = textscan.elide_values(chunk) if kind == "HelmRelease" and not values else None
        found, problem = _parse(elided, False) if elided is not None else ([], None)
        if elided is None or problem is not None:
            found, problem = _parse(chunk, False, values)
        if problem is not None:
            line = problem.line + offset if problem.line is not None else None
            return [], FileProblem(line, problem.message)
        docs += [_shift(d, offset) for d in found]
    return docs, None
