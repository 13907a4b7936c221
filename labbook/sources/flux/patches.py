"""Kustomize patches: target selectors, strategic merge and JSON 6902.

Strategic merge on custom resources (HelmRelease, Kustomization …) has no
schema to consult, so kustomize (kyaml ``merge2``) merges mappings key by key,
deletes keys patched to ``null``, honours ``$patch: delete|replace``, and merges
lists element by element only when every element is a mapping carrying the same
associative key (``name``, ``mountPath`` …); any other list is replaced. That
merge and Kubernetes label-selector matching are kept here: no Python library
implements kyaml's schema-less merge or the apimachinery selector grammar. RFC
6902 itself is the ``jsonpatch`` library's.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import jsonpatch
import jsonpointer

from labbook.sources.flux.resource import Res, clone, text

ASSOCIATIVE_KEYS = ("mountPath", "devicePath", "ip", "type", "topologyKey", "name", "containerPort")
"""kyaml's keys that make a list of mappings mergeable by element."""


class PatchError(ValueError):
    """A patch that cannot be applied or parsed."""


# --- selectors ----------------------------------------------------------------------------------------------


@lru_cache(maxsize=1024)
def _regex(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(f"(?:{pattern})\\Z")
    except re.error:
        return re.compile(re.escape(pattern) + "\\Z")


_REQ = re.compile(
    r"\s*(?:(?P<not>!)\s*(?P<nkey>[^\s,!=()]+)"
    r"|(?P<key>[^\s,!=()]+)\s*(?:(?P<op>==|=|!=)\s*(?P<val>[^\s,()]*)"
    r"|\s+(?P<set>in|notin)\s*\((?P<vals>[^)]*)\))?)\s*(?:,|$)"
)


def _parse_selector(selector: str) -> list[tuple[str, str, frozenset[str]]]:
    reqs: list[tuple[str, str, frozenset[str]]] = []
    pos = 0
    selector = selector.strip()
    while pos < len(selector):
        m = _REQ.match(selector, pos)
        if not m or m.end() == pos:
            raise PatchError(f"invalid label selector {selector!r}")
        pos = m.end()
        if m["not"]:
            reqs.append((m["nkey"], "!", frozenset()))
        elif m["op"]:
            reqs.append((m["key"], "!=" if m["op"] == "!=" else "=", frozenset({m["val"]})))
        elif m["set"]:
            vals = frozenset(v.strip() for v in m["vals"].split(",") if v.strip())
            reqs.append((m["key"], m["set"], vals))
        else:
            reqs.append((m["key"], "exists", frozenset()))
    return reqs


def selector_matches(selector: str, labels: dict[str, str]) -> bool:
    """Kubernetes label-selector syntax: ``a=b,c!=d,e in (x,y),f notin (z),g,!h``."""
    for key, op, vals in _parse_selector(selector):
        present = key in labels
        value = labels.get(key)
        if op == "=" and value not in vals:
            return False
        if op == "!=" and present and value in vals:
            return False
        if op == "in" and value not in vals:
            return False
        if op == "notin" and present and value in vals:
            return False
        if op == "exists" and not present:
            return False
        if op == "!" and present:
            return False
    return True


def target_matches(target: dict[str, Any], res: Res) -> bool:
    """Whether a kustomize patch ``target`` selects ``res`` (name, namespace, kind … are anchored regexes)."""
    checks = (
        ("group", res.group),
        ("version", res.version),
        ("kind", res.kind),
        ("name", res.name),
    )
    for field, value in checks:
        want = text(target.get(field))
        if want and not _regex(want).match(value):
            return False
    want_ns = text(target.get("namespace"))
    if want_ns:
        ns = res.namespace
        if not _regex(want_ns).match(ns) and not (ns == "" and _regex(want_ns).match("default")):
            return False
    labels = text(target.get("labelSelector"))
    if labels and not selector_matches(labels, res.labels):
        return False
    annotations = text(target.get("annotationSelector"))
    return not (annotations and not selector_matches(annotations, res.annotations))


# --- strategic merge ----------------------------------------------------------------------------------------


def _assoc_key(dest: list[Any], patch: list[Any]) -> str | None:
    items = dest + patch
    if not items or not all(isinstance(i, dict) for i in items):
        return None
    for key in ASSOCIATIVE_KEYS:
        if all(key in i for i in items):
            return key
    return None


def _merge_list(dest: list[Any], patch: list[Any]) -> list[Any]:
    key = _assoc_key(dest, [p for p in patch if not (isinstance(p, dict) and p.get("$patch") == "delete")])
    if key is None:
        return [_strip(clone(p)) for p in patch if not (isinstance(p, dict) and p.get("$patch"))]
    out = [clone(d) for d in dest]
    index = {text(d.get(key)): i for i, d in enumerate(out)}
    removed: set[int] = set()
    for item in patch:
        at = index.get(text(item.get(key)))
        if item.get("$patch") == "delete":
            if at is not None:
                removed.add(at)
            continue
        if at is None:
            index[text(item.get(key))] = len(out)
            out.append(_strip(clone(item)))
        else:
            out[at] = merge(out[at], item)
    return [v for i, v in enumerate(out) if i not in removed]


def _strip(value: Any) -> Any:
    """Drop ``$patch``/``$retainKeys`` directives from data being inserted."""
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if not (isinstance(k, str) and k.startswith("$"))}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def merge(dest: Any, patch: Any) -> Any:
    """``patch`` strategically merged into ``dest``; neither is modified."""
    if not isinstance(patch, dict) or not isinstance(dest, dict):
        return _strip(clone(patch))
    directive = patch.get("$patch")
    if directive == "replace":
        return _strip(clone(patch))
    if directive == "delete":
        return None
    out = dict(dest)
    for key, value in patch.items():
        if isinstance(key, str) and key.startswith("$"):
            continue
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict):
            merged = merge(out.get(key), value) if isinstance(out.get(key), dict) else _strip(clone(value))
            if merged is None or (isinstance(value, dict) and value.get("$patch") == "delete"):
                out.pop(key, None)
            else:
                out[key] = merged
        elif isinstance(value, list) and isinstance(out.get(key), list):
            out[key] = _merge_list(out[key], value)
        else:
            out[key] = _strip(clone(value))
    return out


def apply_strategic(res: Res, patch: dict[str, Any]) -> Res | None:
    """``res`` with a strategic-merge patch applied; kind, name and namespace are kept (kustomize).

    None when the patch deletes the object (``$patch: delete`` at its top).
    """
    keep = res.kind, res.name, res.namespace
    merged = merge(res.obj, patch)
    if merged is None:
        return None
    if not isinstance(merged, dict):
        raise PatchError("the patch does not leave an object")
    out = res.evolve(merged)
    if (out.kind, out.name, out.namespace) != keep:
        out.obj["kind"] = keep[0]
        meta = dict(out.meta)
        meta["name"] = keep[1]
        if keep[2]:
            meta["namespace"] = keep[2]
        else:
            meta.pop("namespace", None)
        out.obj["metadata"] = meta
    return out


# --- JSON 6902 ----------------------------------------------------------------------------------------------
#
# RFC 6902 itself comes from the `jsonpatch` library (kustomize uses evanphx/json-patch, which follows the RFC:
# `add` on an existing key replaces it, `remove`/`replace` of a missing path fail, `-` appends). Only what the
# RFC does not know stays here: a HelmRelease read without its `spec.values`.

VALUES = "/spec/values"


def _under_values(pointer: Any) -> bool:
    p = text(pointer) or ""
    return p == VALUES or p.startswith(VALUES + "/")


def apply_json6902(res: Res, ops: list[Any]) -> Res:
    """``res`` with JSON-patch operations applied (add, remove, replace, move, copy, test).

    On an object read without its ``spec.values`` (:attr:`Res.elided`), operations inside ``spec.values``
    are left out: they cannot change anything the reader reports. One that copies or moves *from* there
    to elsewhere cannot be evaluated and raises :class:`PatchError`.
    """
    if res.elided:
        kept = []
        for op in ops:
            if (
                isinstance(op, dict)
                and _under_values(op.get("path"))
                and (op.get("from") is None or _under_values(op.get("from")))
            ):
                continue
            if isinstance(op, dict) and _under_values(op.get("from")):
                raise PatchError(
                    f"{text(op.get('op'))} from {text(op.get('from'))} reads spec.values, not read offline"
                )
            kept.append(op)
        ops = kept
        if not ops:
            return res
    for op in ops:
        if not isinstance(op, dict):
            raise PatchError("a JSON 6902 operation must be a mapping")
    try:
        doc = jsonpatch.apply_patch(clone(res.obj), ops, in_place=True)
    except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException) as exc:
        raise PatchError(str(exc)) from None
    except (TypeError, ValueError, KeyError, IndexError) as exc:  # malformed operations the library does not vet
        raise PatchError(f"malformed operation: {exc}") from None
    if not isinstance(doc, dict):
        raise PatchError("the patch does not leave an object")
    return res.evolve(doc)
