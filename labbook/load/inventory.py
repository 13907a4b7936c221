"""Load ``inventory/*.yaml`` into an :class:`Inventory`, collecting every problem."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from labbook.errors import BadInput, Problem
from labbook.files import display, read_bytes
from labbook.load.errors import dotted, problems_from_validation
from labbook.load.yaml import LoadError, decode, parse
from labbook.models.hardware import Hardware
from labbook.models.inventory import SECTIONS, Inventory, SourceMap
from labbook.models.platform import Platform
from labbook.models.rdma import Rdma
from labbook.models.site import Site

MODELS: dict[str, type[BaseModel]] = {"hardware": Hardware, "platform": Platform, "rdma": Rdma, "site": Site}
"""The model each inventory file validates against."""


def _load_section(path: Path, model: type[BaseModel]) -> tuple[str, Any, BaseModel | None, list[Problem]]:
    shown = display(path)
    try:
        tree = parse(shown, decode(shown, read_bytes(path, shown)))
    except BadInput as exc:
        return shown, None, None, [p for p in exc.problems if isinstance(p, Problem)]
    except LoadError as exc:
        return shown, None, None, [exc.problem]
    if not isinstance(tree, dict):
        got = "an empty file" if tree is None else f"a {type(tree).__name__.replace('Located', '').lower()}"
        return (
            shown,
            tree,
            None,
            [Problem(shown, 1, 1, f"got {got} (expected a mapping of {model.__name__.lower()} keys)")],
        )
    try:
        return shown, tree, model.model_validate(tree), []
    except ValidationError as exc:
        return shown, tree, None, problems_from_validation(shown, tree, model, exc)


def load_inventory(directory: Path) -> Inventory:
    """Read, validate and cross-check the inventory in ``directory``.

    Raises :class:`BadInput` listing every problem in every file.
    """
    if not directory.is_dir():
        raise BadInput(
            Problem(display(directory), None, None, "inventory folder not found (expected a folder of YAML files)")
        )
    problems: list[Problem] = []
    files: dict[str, tuple[str, Any]] = {}
    parts: dict[str, BaseModel] = {}
    for section in SECTIONS:
        shown, tree, model, found = _load_section(directory / f"{section}.yaml", MODELS[section])
        files[section] = (shown, tree)
        problems += found
        if model is not None:
            parts[section] = model
    if problems:
        raise BadInput(problems)
    sourcemap = SourceMap(files)
    inventory = Inventory(**parts).with_sourcemap(sourcemap)  # type: ignore[arg-type]
    for bad in inventory.inconsistencies():
        loc = sourcemap.mark(bad.section, bad.path)
        line, col = loc if loc else (None, None)
        problems.append(Problem(sourcemap.file(bad.section), line, col, f"{dotted(bad.path)}: {bad.message}"))
    if problems:
        raise BadInput(problems)
    return inventory
