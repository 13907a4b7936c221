"""kustomize field paths (``spec.template.spec.containers.[name=app].image``), as kyaml reads them.

Kept here rather than taken from a library: the syntax and its quirks are kyaml's
own (no Python library implements them), and replacements depend on them:

- :func:`split` is ``SmarterPathSplitter`` (kyaml/utils/pathsplitter.go): ``.``
  separates parts, ``\\.`` escapes one, ``[a.b]`` keeps a dotted map key whole and
  ``[name=x.y]`` a dotted list selector;
- :func:`lookup` is ``PathGetter`` (kyaml/yaml/fns.go), used for a replacement's
  source: ``[name=x]`` matches exactly, a number is an index, ``-`` the last element;
- :func:`slots` is ``PathMatcher`` (kyaml/yaml/match.go), used for targets: ``[name=x]``
  is an *unanchored regular expression* (``[name=app]`` also matches ``myapp``),
  ``*`` is every element, and with ``create`` missing parts are made on the way.
"""

from __future__ import annotations

import re
from typing import Any

from labbook.sources.flux.resource import text

MISSING = object()
"""What :func:`lookup` returns when the path does not exist."""


class PathError(ValueError):
    """A field path kyaml refuses, or a node of the wrong kind on the way."""


def split(path: str) -> list[str]:
    """The parts of a field path."""
    parts = path.split(".")
    if len(parts) > 1 and parts[0] == "":
        parts = parts[1:]
    joined = [parts[0]]
    for part in parts[1:]:
        if joined[-1].endswith("\\"):
            joined[-1] = joined[-1][:-1] + "." + part
        else:
            joined.append(part)
    out: list[str] = []
    i = 0
    while i < len(joined):
        part = joined[i]
        if part.startswith("[") and not part.endswith("]"):
            bracketed = [part]
            while i < len(joined) - 1:
                i += 1
                bracketed.append(joined[i])
                if joined[i].endswith("]"):
                    break
            whole = ".".join(bracketed)
            out.append(whole if "=" in whole else whole.strip("[]"))
        else:
            out.append(part)
        i += 1
    return [p.strip() for p in out if p.strip()]


def _index(part: str) -> int | None:
    return int(part) if re.fullmatch(r"\+?\d+", part) else None


def _selector(part: str) -> tuple[str, str]:
    body = part[1:-1]
    field, sep, value = body.partition("=")
    if not sep:
        raise PathError(f"list path element {part!r} must contain fieldName=fieldValue")
    return field, value


def scalar_text(value: Any) -> str:
    """A scalar as kyaml reads its text (``true``, ``3``, ``1.5``); ``""`` for null."""
    return "" if value is None else (text(value) or "")


def lookup(node: Any, path: list[str]) -> Any:
    """The node at ``path``, or :data:`MISSING`."""
    for part in path:
        if _index(part) is not None or part == "-":
            if not isinstance(node, list):
                raise PathError(f"{part!r} indexes a list, found {type(node).__name__}")
            if not node:
                return MISSING
            at = len(node) - 1 if part == "-" else int(part)
            if at >= len(node):
                return MISSING
            node = node[at]
        elif part == "*":
            raise PathError("wildcard is not supported in a replacement source")
        elif part.startswith("[") and part.endswith("]"):
            field, value = _selector(part)
            if not isinstance(node, list):
                return MISSING
            found = [
                e
                for e in node
                if (
                    scalar_text(e) == value if not field else isinstance(e, dict) and scalar_text(e.get(field)) == value
                )
            ]
            if not found:
                return MISSING
            node = found[0]
        else:
            if not isinstance(node, dict) or part not in node:
                return MISSING
            node = node[part]
    return node


Slot = tuple[Any, Any]
"""A place a value can be written: (container, key or index)."""


def _new(next_part: str | None, leaf: Any) -> Any:
    if next_part is None:
        return leaf
    if _index(next_part) is not None or (next_part.startswith("[") and next_part.endswith("]")):
        return []
    return {}


def slots(container: Any, key: Any, path: list[str], create: Any = MISSING) -> list[Slot]:
    """Every place ``path`` designates below ``container[key]``; ``create`` (not :data:`MISSING`) is the empty
    node of the value's kind to make missing parts with."""
    if not path:
        return [(container, key)]
    node = container[key]
    part, rest = path[0], path[1:]
    nxt = rest[0] if rest else None
    making = create is not MISSING
    index = _index(part)
    if index is not None:
        if not isinstance(node, list):
            raise PathError(f"{part!r} indexes a list, found {type(node).__name__}")
        if index == len(node) and making:
            node.append(_new(nxt, _copy_kind(create)))
        if index >= len(node):
            raise PathError(f"index {index} specified but only {len(node)} elements found")
        return slots(node, index, rest, create)
    if part.startswith("[") and part.endswith("]"):
        field, pattern = _selector(part)
        if not isinstance(node, list):
            raise PathError(f"{part!r} selects list elements, found {type(node).__name__}")
        regex = re.compile(pattern)
        out: list[Slot] = []
        for i, element in enumerate(node):
            value = element if not field else element.get(field) if isinstance(element, dict) else None
            if (field and not isinstance(element, dict)) or (field and field not in element):
                continue
            if regex.search(scalar_text(value).strip()):
                out += slots(node, i, rest, create)
        if out or not making:
            return out
        node.append(pattern if not field else {field: pattern})
        return slots(container, key, path, create)
    if part == "*":
        if not isinstance(node, list):
            raise PathError(f"'*' visits list elements, found {type(node).__name__}")
        found: list[Slot] = []
        for i in range(len(node)):
            found += slots(node, i, rest, create)
        return found
    if not isinstance(node, dict):
        if node is None and making:
            node = container[key] = {}
        else:
            return []
    if part not in node:
        if not making:
            return []
        node[part] = _new(nxt, _copy_kind(create))
    return slots(node, part, rest, create)


def _copy_kind(create: Any) -> Any:
    return {} if isinstance(create, dict) else [] if isinstance(create, list) else None
