"""``configMapGenerator`` and ``secretGenerator``: ConfigMaps and Secrets that ``substituteFrom`` may name."""

from __future__ import annotations

import base64
import hashlib
import json
import posixpath
from collections.abc import Callable
from typing import Any

from labbook.sources.flux.resource import Res, items, text
from labbook.sources.flux.tree import Tree


def name_hash(kind: str, data: dict[str, str], secret_type: str | None = None) -> str:
    """kustomize's content hash suffix (``hasher.go``): sha256 of the JSON, 10 hex chars, some letters swapped."""
    body: dict[str, Any] = {"kind": kind, "name": "", "data": data}
    if secret_type is not None:
        body["type"] = secret_type
    encoded = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    encoded = encoded.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    digest = hashlib.sha256(encoded.encode()).hexdigest()[:10]
    return digest.translate(str.maketrans("013ae", "ghkmt"))


def _env_pairs(raw: str) -> list[tuple[str, str]]:
    pairs = []
    for line in raw.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if sep:
            pairs.append((key.strip(), value))
    return pairs


def generate(
    tree: Tree,
    folder: str,
    kust: dict[str, Any],
    origin: tuple[str, int],
    warn: Callable[[str, int | None, str], None],
) -> list[Res]:
    """The ConfigMaps and Secrets a kustomization's generators produce (``literals``, ``envs``, ``files``)."""
    out: list[Res] = []
    options = kust.get("generatorOptions") if isinstance(kust.get("generatorOptions"), dict) else {}
    for field, kind in (("configMapGenerator", "ConfigMap"), ("secretGenerator", "Secret")):
        entries = kust.get(field) or []
        if not isinstance(entries, list):
            warn(origin[0], origin[1], f"`{field}` is not a list (expected a list of generators)")
            continue
        for entry in entries:
            if not isinstance(entry, dict) or not text(entry.get("name")):
                warn(origin[0], origin[1], f"a `{field}` entry has no name (expected `name:`)")
                continue
            data: dict[str, str] = {}
            for literal in items(entry.get("literals")):
                key, _, value = str(literal).partition("=")
                data[key] = value.strip('"') if value.startswith('"') and value.endswith('"') else value
            envs = items(entry.get("envs")) + ([entry["env"]] if isinstance(entry.get("env"), str) else [])
            for env in envs:
                raw = _read(tree, folder, str(env), origin, warn)
                if raw is not None:
                    data.update(_env_pairs(raw))
            for spec in items(entry.get("files")):
                key, sep, path = str(spec).partition("=")
                if not sep:
                    key, path = posixpath.basename(key), key
                raw = _read(tree, folder, path, origin, warn)
                if raw is not None:
                    data[key] = raw
            out.append(_object(kind, entry, options, data, origin))
    return out


def _read(
    tree: Tree, folder: str, path: str, origin: tuple[str, int], warn: Callable[[str, int | None, str], None]
) -> str | None:
    full = posixpath.normpath(posixpath.join(folder, path))
    if not tree.is_file(full):
        warn(origin[0], origin[1], f"generator file {path!r} not found (expected a file beside the kustomization)")
        return None
    return tree.repo.read(tree.real(full)).decode("utf-8", errors="replace")


def _object(kind: str, entry: dict[str, Any], options: dict[str, Any], data: dict[str, str], origin: tuple) -> Res:
    own = entry.get("options") if isinstance(entry.get("options"), dict) else {}
    name = text(entry.get("name")) or ""
    meta: dict[str, Any] = {"name": name}
    if text(entry.get("namespace")):
        meta["namespace"] = text(entry.get("namespace"))
    labels = {**(options.get("labels") or {}), **(own.get("labels") or {})}
    annotations = {**(options.get("annotations") or {}), **(own.get("annotations") or {})}
    if labels:
        meta["labels"] = labels
    if annotations:
        meta["annotations"] = annotations
    obj: dict[str, Any] = {"apiVersion": "v1", "kind": kind, "metadata": meta}
    secret_type = None
    if kind == "Secret":
        secret_type = text(entry.get("type")) or "Opaque"
        obj["type"] = secret_type
        obj["data"] = {k: base64.b64encode(v.encode()).decode() for k, v in data.items()}
    else:
        obj["data"] = data
    disabled = own.get("disableNameSuffixHash", options.get("disableNameSuffixHash", False))
    if not disabled:
        meta["name"] = f"{name}-{name_hash(kind, obj['data'], secret_type)}"
    obj[BEHAVIOR] = text(entry.get("behavior")) or "create"
    obj[BASE_NAME] = name
    return Res(obj, origin[0], origin[1])


def combine(existing: list[Res], generated: list[Res]) -> list[Res]:
    """Add generated objects; ``behavior: merge|replace`` updates the one of the same base name instead."""
    out = list(existing)
    for res in generated:
        behavior = res.obj.pop(BEHAVIOR, "create")
        if behavior in ("merge", "replace"):
            for i, old in enumerate(out):
                if old.kind == res.kind and old.obj.get(BASE_NAME, old.name) == res.obj[BASE_NAME]:
                    data = dict(old.obj.get("data") or {}) if behavior == "merge" else {}
                    data.update(res.obj.get("data") or {})
                    obj = dict(old.obj)
                    obj["data"] = data
                    out[i] = old.evolve(obj)
                    break
            continue
        out.append(res)
    return out


BEHAVIOR = "x-labbook-behavior"
"""Private key: the generator's ``behavior`` until :func:`combine` consumes it."""
BASE_NAME = "x-labbook-name"
"""Private key: a generated object's name before the hash suffix."""
