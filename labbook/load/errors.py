"""Turn pydantic validation errors into ``file:line:col`` problems with expectations.

Pydantic knows *what* is wrong and the key path; the located YAML tree knows
*where* that path is. Unknown keys get a "did you mean" from the model's own
field names.
"""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from labbook.errors import Problem


def _locate(tree: Any, loc: tuple[Any, ...]) -> tuple[int, int] | None:
    """Mark of the deepest element of ``loc`` found in the located tree."""
    node, mark = tree, getattr(tree, "start", None)
    for step in loc:
        if isinstance(step, str) and hasattr(node, "key_marks") and step in node:
            mark, node = node.key_marks[step], node[step]
        elif isinstance(step, int) and hasattr(node, "item_marks") and 0 <= step < len(node):
            mark, node = node.item_marks[step], node[step]
        # anything else is a pydantic union/validator tag: not part of the YAML path
    return mark


def _value_mark(tree: Any, loc: tuple[Any, ...]) -> tuple[int, int] | None:
    """Mark of the *value* at ``loc`` (for type errors), falling back to the key."""
    if loc and isinstance(loc[-1], str):
        parent = tree
        for step in loc[:-1]:
            try:
                parent = parent[step]
            except (KeyError, IndexError, TypeError):
                return _locate(tree, loc)
        marks = getattr(parent, "value_marks", None)
        if marks and loc[-1] in marks:
            return marks[loc[-1]]
    return _locate(tree, loc)


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class that owns the mapping at ``loc``."""
    current: Any = model
    for step in loc:
        if isinstance(step, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = current.model_fields.get(step)
        if field is None:
            return None
        current = _inner_model(field.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _inner_model(annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    if origin in (list, typing.Union, types.UnionType) or str(origin).endswith("Annotated"):
        for arg in typing.get_args(annotation):
            inner = _inner_model(arg)
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                return inner
        return None
    return annotation


def dotted(loc: tuple[Any, ...], model: type[BaseModel] | None = None) -> str:
    """``nodes[0].cpu.cores`` from a pydantic loc, dropping union tags."""
    out = ""
    for step in loc:
        if isinstance(step, int):
            out += f"[{step}]"
        elif model is None or not _is_tag(step):
            text = str(step)
            if not text or not text.isprintable():  # a key like "\r" must not break the one-line problem
                text = repr(text)
            out += f".{text}" if out else text
    return out or "(top level)"


def _is_tag(step: str) -> bool:
    return "[" in step or step.startswith(("function-", "list[", "union["))


def _expected(err: ErrorDetails, model: type[BaseModel], loc: tuple[Any, ...]) -> str:
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind == "missing":
        return f"missing required key {loc[-1]!r} (expected it to be set)"
    if kind == "extra_forbidden":
        owner = _model_at(model, loc[:-1])
        fields = sorted(f.alias or n for n, f in owner.model_fields.items()) if owner else []  # keys as written
        hint = difflib.get_close_matches(str(loc[-1]), fields, n=1)
        maybe = f"did you mean {hint[0]!r}? " if hint else ""
        return f"unknown key {loc[-1]!r} ({maybe}expected one of: {', '.join(fields)})"
    got = err.get("input")
    shown = repr(got) if not isinstance(got, (dict, list)) else type(got).__name__.replace("Located", "").lower()
    if len(shown) > 60:
        shown = shown[:57] + "..."
    wanted = {
        "int_parsing": "an integer",
        "int_type": "an integer",
        "int_from_float": "a whole number",
        "float_parsing": "a number",
        "float_type": "a number",
        "bool_parsing": "true or false",
        "bool_type": "true or false",
        "string_type": "a string",
        "list_type": "a list",
        "dict_type": "a mapping",
        "model_type": "a mapping",
        "model_attributes_type": "a mapping",
        "date_parsing": "a date like 2026-01-31",
        "date_type": "a date like 2026-01-31",
        "date_from_datetime_parsing": "a date like 2026-01-31",
        "url_parsing": "an http(s) URL",
        "url_scheme": "an http(s) URL",
        "string_too_short": "a non-empty string",
    }.get(kind)
    if kind == "literal_error":
        wanted = f"one of {ctx.get('expected')}"
    elif kind == "string_pattern_mismatch":
        wanted = f"text matching {ctx.get('pattern')}"
    elif kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        wanted = err["msg"].replace("Input should be ", "a number ")
    elif kind in ("too_short", "too_long"):
        wanted = err["msg"].replace("List should have ", "").replace("Value should have ", "")
        wanted = f"a list with {wanted}" if "item" in wanted else wanted
    elif kind == "string_too_long":
        wanted = err["msg"].replace("String should have ", "a string with ")
    elif kind == "value_error":
        return err["msg"].removeprefix("Value error, ")
    if wanted is None:
        wanted = err["msg"][0].lower() + err["msg"][1:]
    return f"got {shown} (expected {wanted})"


def problems_from_validation(
    file: str, tree: Any, model: type[BaseModel], exc: ValidationError, *, loc_prefix: tuple[Any, ...] = ()
) -> list[Problem]:
    """One :class:`Problem` per pydantic error, in file order."""
    out: list[Problem] = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        point = _value_mark(tree, loc) if err["type"] not in ("missing", "extra_forbidden") else _locate(tree, loc)
        if err["type"] == "extra_forbidden":
            point = _locate(tree, loc)
        line, col = point if point else (None, None)
        where = dotted(loc_prefix + loc, model)
        out.append(Problem(file, line, col, f"{where}: {_expected(err, model, loc)}"))
    seen: set[str] = set()
    unique = [p for p in out if not (str(p) in seen or seen.add(str(p)))]  # type: ignore[func-returns-value]
    return sorted(unique, key=lambda p: (p.line or 0, p.col or 0))
