"""Turn pydantic validation errors into ``file:line:col`` problems with expectations.

Pydantic knows *what* is wrong and the key path; the located YAML tree knows
*where* that path is. Unknown keys get a "did you mean" from the model's own
field names.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from labbook.errors import Problem
from labbook.models.base import ID_WORDS, suggestion

Refine = Callable[[tuple[Any, ...], Any], "str | None"]
"""Given a pydantic loc and the input there, a better message (e.g. "unknown node …, did you mean …"), or None."""

PATTERNS = {
    r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$": f"an id: {ID_WORDS}",
    r"^[a-z0-9][-a-z0-9]*$": "a slug: lowercase letters, digits and '-'",
    r"^v\d+\.\d+\.\d+$": "a version like v1.11.5",
    r"^[0-9a-f]{4}$": "four lowercase hex digits, like 15b3",
    r"^[a-z0-9.-]+/[A-Za-z0-9_.-]+$": "a resource name like nvidia.com/cx7_qsfp",
    r"^[A-Z][A-Z0-9_]*$": "a variable name in capitals, like NCCL_IB_HCA",
    r"^[A-Z_]+$": "a Linux capability in capitals, like IPC_LOCK",
    r"^\d{4}-\d{2}-\d{2}-[a-z0-9][-a-z0-9]*$": "a journal entry's file name without .md, like 2025-12-14-nccl",
}
"""Regular expressions of the models, said in words."""


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
            if not text or not text.isprintable() or text != text.strip():  # "\r" or " 7": shown quoted
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
        maybe = suggestion(loc[-1], fields, cutoff=0.6)
        return f"unknown key {loc[-1]!r} ({maybe}expected one of: {', '.join(fields)})"
    got = err.get("input")
    shown = shown_value(got)
    if kind.startswith("date") and hasattr(got, "reason"):  # 2026-02-30: shaped like a date, but is none
        return f"{got} is not a date: {got.reason} (expected a date that exists, like 2026-01-31)"
    if kind == "date_from_datetime_inexact" and isinstance(got, dt.datetime):
        return f"got {shown} (expected a date without a time, like {got.date().isoformat()})"
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
        "date_from_datetime_inexact": "a date like 2026-01-31",
        "url_parsing": "an http(s) URL",
        "url_scheme": "an http(s) URL",
        "string_too_short": "a non-empty string",
    }.get(kind)
    if kind == "literal_error":
        wanted = f"one of {ctx.get('expected')}"
    elif kind == "string_pattern_mismatch":
        wanted = PATTERNS.get(str(ctx.get("pattern")), f"text matching {ctx.get('pattern')}")
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


def shown_value(got: Any) -> str:
    """A value as the user wrote it, for "got …": dates in ISO form, containers by kind, long text cut."""
    if isinstance(got, (dt.date, dt.datetime)):
        shown = got.isoformat(sep=" ") if isinstance(got, dt.datetime) else got.isoformat()
    elif isinstance(got, (dict, list)):
        shown = "a mapping" if isinstance(got, dict) else "a list"
    else:
        shown = repr(str(got) if isinstance(got, str) else got)
    return shown if len(shown) <= 60 else shown[:57] + "..."


def problems_from_validation(
    file: str,
    tree: Any,
    model: type[BaseModel],
    exc: ValidationError,
    *,
    loc_prefix: tuple[Any, ...] = (),
    refine: Refine | None = None,
) -> list[Problem]:
    """One :class:`Problem` per pydantic error, in file order; ``refine`` may reword an error at a loc."""
    out: list[Problem] = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        point = _value_mark(tree, loc) if err["type"] not in ("missing", "extra_forbidden") else _locate(tree, loc)
        if err["type"] == "extra_forbidden":
            point = _locate(tree, loc)
        line, col = point if point else (None, None)
        where = dotted(loc_prefix + loc, model)
        message = refine(loc, err.get("input")) if refine and err["type"] == "string_pattern_mismatch" else None
        out.append(Problem(file, line, col, f"{where}: {message or _expected(err, model, loc)}"))
    seen: set[str] = set()
    unique = [p for p in out if not (str(p) in seen or seen.add(str(p)))]  # type: ignore[func-returns-value]
    return sorted(unique, key=lambda p: (p.line or 0, p.col or 0))
