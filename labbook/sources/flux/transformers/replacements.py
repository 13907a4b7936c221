"""``replacements`` (kustomize ``ReplacementTransformer``, api/filters/replacement/replacement.go at v5.7.1).

Each replacement, in order, reads one value and writes it into fields of other objects:

- ``source`` selects exactly one object (by group, version, kind, name, namespace,
  matching its current or any earlier identity) and reads ``fieldPath``
  (default ``metadata.name``); ``options.delimiter`` with ``options.index`` keeps
  one part of it; ``sourceValue`` gives a literal instead;
- each ``targets`` entry selects objects the same way plus label and annotation
  selectors, drops those ``reject`` selects, and writes every ``fieldPaths`` entry
  (default ``metadata.name``); ``options.create`` makes missing fields,
  ``options.delimiter``/``index`` replace (or, out of range, prepend/append) one
  part of the field.

A source that matches nothing or several objects, a missing source field, or a
missing target field without ``create`` fails the build, as in kustomize.
``path:`` entries read a file holding one replacement or a list of them; the
file may be outside the kustomization's folder (Flux builds with no load
restrictor).
"""

from __future__ import annotations

from typing import Any

import yaml

from labbook.sources.flux.patches import PatchError, selector_matches
from labbook.sources.flux.resource import Res, clone, items, text
from labbook.sources.flux.transformers import fieldpath
from labbook.sources.flux.transformers.base import BuildError, Level

DEFAULT_FIELD = "metadata.name"
ID_FIELDS = ("group", "version", "kind", "name", "namespace")
"""The fields of a selector that pick objects by identity (kustomize ``resid.ResId``)."""


def _entries(level: Level) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for entry in items(level.kust.get("replacements")):
        if not isinstance(entry, dict):
            raise BuildError("a `replacements` entry is not a mapping (expected `path:` or `source:`/`targets:`)")
        path = text(entry.get("path"))
        if path and (entry.get("source") is not None or entry.get("targets")):
            raise BuildError("cannot specify both path and inline replacement")
        if not path:
            out.append(entry)
            continue
        docs = level.documents(path, inline=False, what="replacement")
        first = docs[0] if docs else None
        if isinstance(first, list):
            out += [r for r in first if isinstance(r, dict)]
        elif isinstance(first, dict):
            out.append(first)
        else:
            raise BuildError(f"replacement file {path!r} holds neither a replacement nor a list of them")
    return out


def _effective_ns(res: Res, namespace: str) -> str:
    if not res.namespaced:
        return "\0cluster"
    return namespace or "default"


def _selects(selector: dict[str, Any], res: Res) -> bool:
    """kustomize ``ResId.IsSelectedBy`` against the current and every earlier identity of ``res``."""
    for field, value in (("group", res.group), ("version", res.version)):
        want = text(selector.get(field))
        if want and want != value:
            return False
    kind, name, namespace = text(selector.get("kind")), text(selector.get("name")), text(selector.get("namespace"))
    for id_kind, id_ns, id_name in res.ids():
        if kind and kind != id_kind:
            continue
        if name and name != id_name:
            continue
        if namespace and (namespace or "default") != _effective_ns(res, id_ns):
            continue
        return True
    return False


def _by_labels(selector: dict[str, Any], res: Res) -> bool:
    try:
        labels = text(selector.get("labelSelector"))
        annotations = text(selector.get("annotationSelector"))
        return (not labels or selector_matches(labels, res.labels)) and (
            not annotations or selector_matches(annotations, res.annotations)
        )
    except PatchError as exc:
        raise BuildError(str(exc)) from None


def _id_only(selector: dict[str, Any]) -> bool:
    return any(text(selector.get(f)) for f in ID_FIELDS)


def _value(entry: dict[str, Any], objs: list[Res]) -> Any:
    if entry.get("sourceValue") is not None:
        if entry.get("source") is not None:
            raise BuildError("value and resource selectors are mutually exclusive")
        return text(entry["sourceValue"]) or ""
    source = entry.get("source")
    if not isinstance(source, dict):
        raise BuildError("replacements must specify a source and at least one target")
    matches = [o for o in objs if _selects(source, o)]
    described = ", ".join(
        f"{k}={v}" for k, v in source.items() if k in ("group", "version", "kind", "name", "namespace")
    )
    if not matches:
        raise BuildError(f"replacement source ({described}): nothing selected")
    if len(matches) > 1:
        raise BuildError(
            f"replacement source ({described}): multiple matches ({', '.join(o.describe() for o in matches)})"
        )
    field = text(source.get("fieldPath")) or DEFAULT_FIELD
    try:
        value = fieldpath.lookup(matches[0].obj, fieldpath.split(field))
    except fieldpath.PathError as exc:
        raise BuildError(f"replacement source {matches[0].describe()}: {exc}") from None
    if value is fieldpath.MISSING or value is None or value == {} or value == []:
        raise BuildError(f"fieldPath `{field}` is missing for replacement source {matches[0].describe()}")
    options = source.get("options") if isinstance(source.get("options"), dict) else {}
    delimiter = text(options.get("delimiter"))
    if not delimiter:
        return clone(value)
    if isinstance(value, (dict, list)):
        raise BuildError("delimiter option can only be used with scalar nodes")
    parts = fieldpath.scalar_text(value).split(delimiter)
    index = _int(options.get("index"))
    if index < 0 or index >= len(parts):
        raise BuildError(f"options.index {index} is out of bounds for value {fieldpath.scalar_text(value)}")
    return parts[index]


def _int(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        raise BuildError(f"options.index {value!r} is not a number") from None


def _like(target: Any, value: Any) -> Any:
    """kyaml keeps a scalar target's type and copies only the value's text into it."""
    if isinstance(value, (dict, list)) or target is None or isinstance(target, (dict, list)):
        return clone(value)
    raw = fieldpath.scalar_text(value)
    if isinstance(target, str):
        return raw
    try:
        typed = yaml.safe_load(raw)
    except yaml.YAMLError:
        return raw
    return typed if isinstance(typed, type(target)) else raw


def _write(res: Res, value: Any, target: dict[str, Any]) -> Res:
    options = target.get("options") if isinstance(target.get("options"), dict) else {}
    create = bool(options.get("create"))
    delimiter = text(options.get("delimiter"))
    obj = clone(res.obj)
    holder = {"": obj}
    for path in [str(p) for p in items(target.get("fieldPaths"))] or [DEFAULT_FIELD]:
        empty = {} if isinstance(value, dict) else [] if isinstance(value, list) else None
        try:
            found = fieldpath.slots(holder, "", fieldpath.split(path), empty if create else fieldpath.MISSING)
        except fieldpath.PathError as exc:
            raise BuildError(f"replacement target {res.describe()}: {path}: {exc}") from None
        if not found:
            verb = "find or create" if create else "find"
            raise BuildError(f"unable to {verb} field {path!r} in replacement target {res.describe()} ({res.where()})")
        for container, key in found:
            current, new = container[key], value
            if delimiter:
                if isinstance(current, (dict, list)):
                    raise BuildError("delimiter option can only be used with scalar nodes")
                parts = fieldpath.scalar_text(current).split(delimiter)
                index = _int(options.get("index"))
                piece = fieldpath.scalar_text(value)
                if index < 0:
                    parts.insert(0, piece)
                elif index >= len(parts):
                    parts.append(piece)
                else:
                    parts[index] = piece
                new = delimiter.join(parts)
            container[key] = _like(current, new)
    return res.evolve(holder[""])


def apply(level: Level, objs: list[Res]) -> list[Res]:
    """Every replacement, in order."""
    for entry in _entries(level):
        value = _value(entry, objs)
        targets = entry.get("targets")
        if not isinstance(targets, list) or not targets:
            raise BuildError("replacements must specify a source and at least one target")
        for target in targets:
            select = target.get("select") if isinstance(target, dict) else None
            if not isinstance(select, dict):
                raise BuildError("target must specify resources to select")
            rejects = [r for r in items(target.get("reject")) if isinstance(r, dict)]
            out = []
            for res in objs:
                chosen = _selects(select, res) and _by_labels(select, res)
                if chosen and any(
                    (_id_only(r) and _selects(r, res))
                    or ((r.get("labelSelector") or r.get("annotationSelector")) and _by_labels(r, res))
                    for r in rejects
                ):
                    chosen = False
                out.append(_write(res, value, target) if chosen else res)
            objs = out
    return objs
