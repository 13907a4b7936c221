"""Load ``inventory/*.yaml`` into an :class:`Inventory`, collecting every problem.

:func:`read_inventory` returns ``(inventory, problems)``: the inventory is None
when any problem is an error. Files in the folder that are not inventory files
are warnings naming the expected files, so that a misnamed ``hardware.yml``
is never skipped without a word.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from labbook.errors import BadInput, Problem
from labbook.files import display, folder_problems_to_read, read_file
from labbook.load.yaml import decode_text, load_yaml
from labbook.models.base import did_you_mean
from labbook.models.hardware import Hardware
from labbook.models.inventory import SECTIONS, Inconsistency, Inventory, SourceMap, dangling, reference_at, unknown
from labbook.models.platform import Platform
from labbook.models.rdma import Rdma
from labbook.models.site import Site

MODELS: dict[str, type[BaseModel]] = {"hardware": Hardware, "platform": Platform, "rdma": Rdma, "site": Site}
"""The model each inventory file validates against."""

EXPECTED = ", ".join(f"{s}.yaml" for s in SECTIONS)
"""The inventory's file names, for messages."""


def _node_names(tree: Any) -> set[str]:
    """Node names in a hardware tree, valid or not (for "did you mean" while a file is still broken)."""
    nodes = tree.get("nodes") if isinstance(tree, dict) else None
    return {n["name"] for n in nodes or [] if isinstance(n, dict) and isinstance(n.get("name"), str)}


def _read_tree(path: Path, section: str) -> tuple[str, Any, list[Problem]]:
    shown = display(path)
    data, problems = read_file(path, shown)
    if data is None:
        others = [p for p in _listing(path.parent) if did_you_mean(p.stem, [section]) or p.stem == section]
        if others and not path.exists():
            hint = f"rename {display(sorted(others)[0])} to {path.name}"
            problems = [Problem(shown, None, None, "file not found (expected an existing file)", hint)]
        return shown, None, problems
    return parse_tree(shown, section, data)


def parse_tree(shown: str, section: str, data: bytes) -> tuple[str, Any, list[Problem]]:
    """One inventory file's bytes as a located YAML tree: ``(shown, tree, problems)``."""
    text, problems = decode_text(shown, data)
    if text is None:
        return shown, None, problems
    tree, problems = load_yaml(shown, text)
    if not problems and not isinstance(tree, dict):
        got = "an empty file" if tree is None else f"a {type(tree).__name__.replace('Located', '').lower()}"
        problems = [Problem(shown, 1, 1, f"got {got} (expected a mapping of {section} keys)")]
    return shown, tree, problems


def _validate(section: str, shown: str, tree: Any, nodes: set[str]) -> tuple[BaseModel | None, list[Problem]]:
    model = MODELS[section]

    def refine(loc: tuple[Any, ...], value: Any) -> str | None:
        ref = reference_at(section, loc)
        return unknown(ref.kind, value, nodes) if ref else None

    try:
        return model.model_validate(tree), []
    except ValidationError as exc:
        from labbook.load.errors import problems_from_validation  # only a broken file pays for it

        return None, problems_from_validation(shown, tree, model, exc, refine=refine)


def _listing(directory: Path) -> list[Path]:
    """The YAML files directly in ``directory`` (not hidden), sorted; none when it cannot be listed."""
    try:
        found = [p for p in directory.iterdir() if not p.name.startswith(".")]
    except OSError:
        return []
    return sorted(p for p in found if p.name.lower().endswith((".yaml", ".yml")))


def stray_files(directory: Path) -> list[Problem]:
    """Warnings for YAML files in ``directory`` that are not inventory files (with the expected names).

    A misnamed file whose intended name is missing is left to the "file not
    found" error, which carries the same hint.
    """
    expected = [f"{s}.yaml" for s in SECTIONS]
    out: list[Problem] = []
    for path in _listing(directory):
        name = path.name
        if name in expected or not path.is_file():
            continue
        meant = did_you_mean(name.rsplit(".", 1)[0], [e.removesuffix(".yaml") for e in expected])
        meant = meant or (name.rsplit(".", 1)[0] if name.rsplit(".", 1)[0] in SECTIONS else None)
        if meant and not (directory / f"{meant}.yaml").exists():
            continue
        hint = f"rename it to {meant}.yaml, or merge it into that file" if meant else None
        out.append(
            Problem(display(path), None, None, f"not read: not an inventory file (expected {EXPECTED})", hint, True)
        )
    return out


def read_inventory(directory: Path) -> tuple[Inventory | None, list[Problem]]:
    """Read, validate and cross-check the inventory in ``directory``: ``(inventory, problems)``.

    The inventory is None when a problem is an error; warnings (stray files)
    come with a loaded inventory too.
    """
    unusable = folder_problems_to_read(directory, "inventory folder", "a folder of YAML files")
    if unusable:
        return None, unusable
    problems = stray_files(directory)
    trees = {s: _read_tree(directory / f"{s}.yaml", s) for s in SECTIONS}
    inventory, found = assemble(trees)
    problems = sorted(problems + found, key=_order)
    return (None if any(not p.warning for p in problems) else inventory), problems


def assemble(trees: dict[str, tuple[str, Any, list[Problem]]]) -> tuple[Inventory | None, list[Problem]]:
    """Validate and cross-check the parsed inventory files ``{section: (shown, tree, problems)}``, wherever
    they were read from (the working tree, or a Git commit): ``(inventory, problems)``."""
    problems: list[Problem] = []
    for _, _, found in trees.values():
        problems += found
    nodes = _node_names(trees["hardware"][1])
    parts: dict[str, BaseModel] = {}
    for section, (file, tree, found) in trees.items():
        if found:
            continue
        model, found = _validate(section, file, tree, nodes)
        problems += found
        if model is not None:
            parts[section] = model
    if len(parts) < len(SECTIONS):
        if "hardware" in parts:  # the other files' references can still be checked
            names = {"node": nodes}
            for section, model in parts.items():
                file, tree, _ = trees[section]
                problems += _located(SourceMap({section: (file, tree)}), dangling(section, model, names))
        return None, sorted(problems, key=_order)
    sourcemap = SourceMap({s: (file, tree) for s, (file, tree, _) in trees.items()})
    # the parts are validated: assemble them without building the aggregate's validator (start-up time)
    inventory = Inventory.model_construct(**parts).with_sourcemap(sourcemap)  # type: ignore[arg-type]
    crossed = inventory.inconsistencies()
    if crossed:
        problems += _located(sourcemap, crossed)
    problems.sort(key=_order)
    return (None if any(not p.warning for p in problems) else inventory), problems


def _located(sourcemap: SourceMap, found: Iterable[Inconsistency]) -> list[Problem]:
    from labbook.load.errors import dotted

    out = []
    for bad in found:
        loc = sourcemap.mark(bad.section, bad.path)
        line, col = loc if loc else (None, None)
        out.append(Problem(sourcemap.file(bad.section), line, col, f"{dotted(bad.path)}: {bad.message}"))
    return out


def _order(p: Problem) -> tuple[int, int, int, int]:
    """Warnings first, then errors by inventory file, line and column."""
    stem = Path(p.file).stem
    rank = SECTIONS.index(stem) if stem in SECTIONS and not p.warning else -1
    return rank, p.line or 0, p.col or 0, 0


def load_inventory(directory: Path) -> Inventory:
    """:func:`read_inventory` for library callers: the inventory, or :class:`BadInput` with every error."""
    inventory, problems = read_inventory(directory)
    if inventory is None:
        raise BadInput([p for p in problems if not p.warning])
    return inventory
