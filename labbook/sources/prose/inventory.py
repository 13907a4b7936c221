"""The owner's prose inside the inventory: every field typed :data:`~labbook.models.base.Prose`.

The tagline, the living-document note, the intro, the design choices and the
learning lines of ``site.yaml``, the notes and whys of ``rdma.yaml``, component
descriptions and notes, node notes: the models mark them, so a new prose field
is checked as soon as it is declared. Each figure is located at the line and
column of the file where it is written, inside plain, quoted and folded
(``>-``) scalars alike.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from labbook.errors import BadInput
from labbook.files import display, read_bytes
from labbook.load.yaml import LoadError, decode, parse
from labbook.models.base import PROSE
from labbook.models.inventory import SECTIONS, Inventory
from labbook.models.location import Location
from labbook.models.observed import ObservedFigure
from labbook.models.report import ReportWarning
from labbook.sources.prose.figures import Reader, read_text

Key = tuple[str | int, ...]
"""A path to a value inside one inventory file."""


def _unwrap(annotation: Any) -> tuple[Any, tuple[Any, ...]]:
    """``(type, metadata)`` with ``Optional`` and ``Annotated`` peeled off."""
    metadata: tuple[Any, ...] = ()
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation, *extra = typing.get_args(annotation)
            metadata += tuple(extra)
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation, metadata
            annotation = args[0]
        else:
            return annotation, metadata


def _walk(annotation: Any, metadata: tuple[Any, ...], value: Any, path: Key) -> Iterator[tuple[Key, str]]:
    annotation, more = _unwrap(annotation)
    if value is None:
        return
    if PROSE in metadata + more and isinstance(value, str):
        yield path, value
    elif isinstance(value, BaseModel):
        yield from prose_fields(value, path)
    elif isinstance(value, list) and typing.get_origin(annotation) is list:
        (item,) = typing.get_args(annotation) or (Any,)
        for i, element in enumerate(value):
            yield from _walk(item, (), element, (*path, i))


def prose_fields(model: BaseModel, path: Key = ()) -> Iterator[tuple[Key, str]]:
    """``(path, text)`` of every prose field set in ``model``, in declaration order."""
    for name, info in type(model).model_fields.items():
        yield from _walk(info.annotation, tuple(info.metadata), getattr(model, name), (*path, name))


def _node(tree: Any, path: Key) -> tuple[Any, tuple[int, int] | None]:
    """The raw YAML value at ``path`` and where it starts."""
    node, mark = tree, None
    for step in path:
        marks = getattr(node, "value_marks" if isinstance(step, str) else "item_marks", None)
        try:
            mark = marks[step] if marks is not None else None
            node = node[step]
        except (KeyError, IndexError, TypeError):
            return None, None
    return node, mark


def align(text: str, start: tuple[int, int], value: str) -> list[tuple[int, int] | None]:
    """For each character of the scalar ``value``, its (line, col) in the file ``text``, or None.

    YAML folding only changes whitespace, so the non-space characters of the value
    appear in the file in order from where the scalar starts (after a ``|``/``>``
    header, or an opening quote). Escapes in quoted scalars are stepped over; where
    the two still disagree, the rest is None (callers fall back to ``start``).
    """
    lines = text.split("\n")
    li, ci = start[0] - 1, start[1] - 1
    head = lines[li][ci] if 0 <= li < len(lines) and ci < len(lines[li]) else ""
    quote = head if head in "'\"" and head else ""
    if head in ("|", ">"):
        li, ci = li + 1, 0
    elif quote:
        ci += 1
    out: list[tuple[int, int] | None] = []
    for i, char in enumerate(value):
        if char.isspace():
            out.append(None)
            continue
        while li < len(lines) and (ci >= len(lines[li]) or lines[li][ci].isspace()):
            li, ci = (li + 1, 0) if ci >= len(lines[li]) else (li, ci + 1)
        if li < len(lines) and lines[li][ci] != char and quote and lines[li][ci] in ("\\", "'"):
            ci += 1  # an escape (\" or '') stands for one character of the value
        if li >= len(lines) or ci >= len(lines[li]) or lines[li][ci] != char:
            return out + [None] * (len(value) - i)
        out.append((li + 1, ci + 1))
        ci += 1
    return out


def read_inventory(
    directory: Path, inventory: Inventory, reader: Reader
) -> tuple[list[ObservedFigure], list[str], list[ReportWarning]]:
    """Figures and claims in the inventory's prose, the files read, and any file that could not be read."""
    figures: list[ObservedFigure] = []
    files: list[str] = []
    warnings: list[ReportWarning] = []
    for section in SECTIONS:
        fields = list(prose_fields(getattr(inventory, section)))
        if not fields:
            continue
        path = directory / f"{section}.yaml"
        shown = display(path)
        try:
            text = decode(shown, read_bytes(path, shown)).replace("\r\n", "\n")
            tree = parse(shown, text)
        except (BadInput, LoadError) as exc:
            problems = exc.problems if isinstance(exc, BadInput) else [exc.problem]
            warnings += [ReportWarning(file=shown, message=f"{p} (prose not checked)") for p in problems]
            continue
        files.append(shown)
        for key, _ in fields:
            raw, mark = _node(tree, key)
            if not isinstance(raw, str) or mark is None:
                continue
            places = align(text, mark, raw)
            for offset, kind, value, claim, of in read_text(raw, reader):
                line, col = places[offset] or mark
                origin = Location(file=shown, line=line, col=col)
                figures.append(ObservedFigure(kind=kind, value=value, claim=claim, of=of, origin=origin))  # type: ignore[arg-type]
    return figures, files, warnings
