"""``drift flux --fix``: take mismatched chart names, versions and namespaces from Git into ``platform.yaml``.

The file is edited with ruamel.yaml's round-trip loader, so comments, key order,
quoting and flow style survive; when the edit only replaces scalars, every
other line is kept byte for byte. The new file replaces the old one atomically.
It never adds or removes a component: ``missing`` and ``undocumented`` findings,
and mismatches it cannot repair safely (a chart source, a Kustomization path, a
release installing through ``targetNamespace``), are left for the owner.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString
from ruamel.yaml.util import load_yaml_guess_indent

from labbook.drift.flux import Fixable, Outcome
from labbook.errors import BadInput, Problem
from labbook.files import atomic_write, read_bytes
from labbook.models.inventory import Inventory
from labbook.models.report import Finding


@dataclass(frozen=True)
class Change:
    """One value written to the inventory."""

    file: str
    """The inventory file, as shown to the user."""
    line: int | None
    """1-based line of the value."""
    subject: str
    """``component/<id>``."""
    field: str
    """``chart.name``, ``chart.version`` or ``namespace``."""
    old: str | None
    """The value before (None when the key was added)."""
    new: str
    """The value written."""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        old = "(not set)" if self.old is None else self.old
        return f"{where}: {self.subject} {self.field}: {old} -> {self.new}"


def _styled(old: Any, new: str) -> Any:
    """``new`` in the quoting ``old`` had; quoted anyway when plain YAML would not read it back as text."""
    if isinstance(old, DoubleQuotedScalarString):
        return DoubleQuotedScalarString(new)
    if isinstance(old, SingleQuotedScalarString):
        return SingleQuotedScalarString(new)
    try:
        plain_ok = yaml.safe_load(new) == new
    except yaml.YAMLError:
        plain_ok = False
    return new if plain_ok else DoubleQuotedScalarString(new)


def _node(root: Any, path: tuple[str | int, ...]) -> Any:
    node = root
    for step in path:
        node = node[step]
    return node


def left_for_owner(findings: list[Finding], fixed: set[tuple[str, str]]) -> list[Finding]:
    """Findings ``--fix`` does not repair: missing, undocumented, and the mismatches it left alone."""
    return [f for f in findings if f.code != "mismatch" or (f.subject, f.field or "") not in fixed]


def apply_fixes(inventory: Inventory, outcome: Outcome, inventory_dir: Path) -> list[Change]:
    """Write the fixable mismatches of ``outcome`` into ``<inventory_dir>/platform.yaml``; the changes made."""
    if not outcome.fixable:
        return []
    path = inventory_dir / "platform.yaml"
    located = inventory.where(outcome.fixable[0].subject)
    shown = located.file if located and located.file else path.as_posix()
    text = read_bytes(path, shown).decode("utf-8")
    try:
        _, indent, offset = load_yaml_guess_indent(text)
        rt = YAML()
        rt.preserve_quotes = True
        rt.width = 4096
        rt.indent(mapping=2, sequence=indent or 4, offset=offset or 2)
        root = rt.load(text)
    except YAMLError as exc:
        raise BadInput(
            Problem(shown, None, None, f"cannot edit: {exc} (expected the file that was validated)")
        ) from exc
    changes: list[Change] = []
    touched: list[int] = []
    added = False
    for fix in outcome.fixable:
        located = inventory.path_of(fix.subject)
        if located is None:
            continue
        full = located[1] + fix.path
        parent = _node(root, full[:-1])
        key = full[-1]
        if not isinstance(parent, (CommentedMap, CommentedSeq)):
            continue
        if isinstance(parent, CommentedMap) and key not in parent:
            parent.insert(len(parent), key, _styled(None, fix.new))
            line = parent.lc.line + 1 if parent.lc.line is not None else None
            changes.append(Change(shown, line, fix.subject, fix.field, None, fix.new))
            added = True
            continue
        old = parent[key]
        if str(old) != fix.old:
            continue  # the file no longer says what was compared: leave it
        parent[key] = _styled(old, fix.new)
        line = parent.lc.value(key)[0] if isinstance(parent, CommentedMap) else parent.lc.item(key)[0]
        touched.append(line)
        changes.append(Change(shown, line + 1, fix.subject, fix.field, fix.old, fix.new))
    if not changes:
        return []
    out = io.StringIO()
    rt.dump(root, out)
    new_text = out.getvalue()
    before, after = text.splitlines(keepends=True), new_text.splitlines(keepends=True)
    if not added and len(before) == len(after):
        for i in touched:
            before[i] = after[i]
        new_text = "".join(before)
    atomic_write(path, new_text)
    return changes


__all__ = ["Change", "Fixable", "apply_fixes", "left_for_owner"]
