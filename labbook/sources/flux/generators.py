"""``configMapGenerator`` and ``secretGenerator``: ConfigMaps and Secrets that ``substituteFrom`` may name.

As in kustomize, what a generator made is marked on the object (:class:`~labbook.sources.flux.resource.Generated`,
never inside the object's data): its ``behavior`` decides how it combines with an object of the same name, and
the content hash is appended to its name only when the whole build ends (:func:`add_hashes`), after every
transformer, on the final content (kustomize ``KustTarget.addHashesToNames``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import posixpath
from collections.abc import Callable
from typing import Any

from labbook.sources.flux.resource import Generated, Res, items, text
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
    behavior = text(entry.get("behavior")) or "create"
    return Res(obj, origin[0], origin[1], generated=Generated(behavior=behavior, hashed=not disabled))


def combine(existing: list[Res], generated: list[Res]) -> list[Res]:
    """Add generated objects; ``behavior: merge|replace`` updates the one of the same kind and name instead
    (its current name or any earlier one, as kustomize matches by any id)."""
    out = list(existing)
    for res in generated:
        behavior = res.generated.behavior if res.generated else "create"
        if behavior in ("merge", "replace"):
            for i, old in enumerate(out):
                names = {n for k, _, n in old.ids() if k == old.kind}
                if old.kind == res.kind and res.name in names:
                    data = dict(old.obj.get("data") or {}) if behavior == "merge" else {}
                    data.update(res.obj.get("data") or {})
                    obj = dict(old.obj)
                    obj["data"] = data
                    out[i] = old.evolve(obj)
                    break
            continue
        out.append(res)
    return out


def add_hashes(objs: list[Res]) -> list[Res]:
    """Append the content hash to the name of every generated object that wants one (end of a whole build)."""
    out = []
    for res in objs:
        if res.generated is not None and res.generated.hashed and res.kind in ("ConfigMap", "Secret"):
            data = res.obj.get("data") if isinstance(res.obj.get("data"), dict) else {}
            secret_type = text(res.obj.get("type")) if res.kind == "Secret" else None
            digest = name_hash(res.kind, {str(k): text(v) or "" for k, v in data.items()}, secret_type)
            res = res.with_meta(remember=True, name=f"{res.name}-{digest}")
        out.append(res)
    return out
