"""The inventory: everything the owner claims, and the checks across its files.

Pure: no I/O. The loader attaches a :class:`SourceMap` so that checks and the
drift engine can say *where* a claim is made.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import PrivateAttr

from labbook.models.base import Model, suggestion
from labbook.models.hardware import Hardware
from labbook.models.platform import Platform
from labbook.models.rdma import Rdma
from labbook.models.site import Site

if TYPE_CHECKING:
    from labbook.models.location import Location

SECTIONS = ("hardware", "platform", "rdma", "site")
"""Inventory files, one per concern: ``inventory/<section>.yaml``."""

Path = tuple[str | int, ...]


class SourceMap:
    """Where each section came from: its file and its located YAML tree.

    The tree is whatever the loader built; any container exposing ``key_marks``
    (mappings) or ``item_marks`` (sequences) of 1-based ``(line, col)`` works.
    """

    def __init__(self, files: dict[str, tuple[str, Any]]) -> None:
        self._files = files

    def file(self, section: str) -> str:
        """The file a section was read from."""
        return self._files[section][0]

    def mark(self, section: str, path: Path) -> tuple[int, int] | None:
        """Line and column of the deepest part of ``path`` that exists (a scalar's value, else its key)."""
        node = self._files[section][1]
        mark = getattr(node, "start", None)
        for step in path:
            marks = getattr(node, "key_marks", None) if isinstance(step, str) else getattr(node, "item_marks", None)
            if marks is None:
                break
            try:
                mark = marks[step]
                parent, node = node, node[step]
            except (KeyError, IndexError, TypeError):
                break
            if isinstance(step, str) and not isinstance(node, (dict, list)):
                mark = parent.value_marks[step]  # a scalar: point at the value, not its key
        return mark

    def location(self, section: str, path: Path) -> Location:
        """A :class:`Location` for ``path`` in ``section``."""
        from labbook.models.location import Location  # only drift needs it: not imported by `labbook validate`

        mark = self.mark(section, path)
        return Location(file=self.file(section), line=mark[0] if mark else None)


@dataclass(frozen=True)
class Inconsistency:
    """A cross-reference that does not hold, found after every file validated."""

    section: str
    """Inventory section the offending value is in."""
    path: Path
    """Key path to it."""
    message: str
    """What is wrong (expected …)."""


@dataclass(frozen=True)
class Reference:
    """A field that names something defined elsewhere in the inventory."""

    section: str
    """Inventory section the field is in."""
    path: tuple[str, ...]
    """Key path to it; ``*`` stands for every item of a list."""
    kind: str
    """What it names: ``node``."""

    def matches(self, section: str, loc: tuple[Any, ...]) -> bool:
        """Whether a concrete key path (list indexes as ints) is this reference."""
        return (
            section == self.section
            and len(loc) == len(self.path)
            and all((p == "*" and isinstance(s, int)) or p == s for p, s in zip(self.path, loc, strict=True))
        )


REFERENCES = (
    Reference("platform", ("categories", "*", "components", "*", "runs_on", "nodes", "*"), "node"),
    Reference("rdma", ("links", "*", "endpoints", "*", "node"), "node"),
    Reference("rdma", ("sriov", "nodes", "*", "node"), "node"),
)
"""Every cross-reference between inventory files (checked after each file validated on its own)."""


def unknown(kind: str, name: object, known: set[str]) -> str:
    """``unknown node 'x' (did you mean 'y'? expected one of: …)``."""
    if known:
        expected = f"one of: {', '.join(sorted(known))}"
    else:
        expected = f"a {kind} listed in hardware.yaml, which has none yet"
    return f"unknown {kind} {str(name)!r} ({suggestion(name, known)}expected {expected})"


def reference_at(section: str, loc: tuple[Any, ...]) -> Reference | None:
    """The reference a key path is, if any."""
    return next((r for r in REFERENCES if r.matches(section, loc)), None)


def _values(node: Any, path: tuple[str, ...], at: Path = ()) -> Iterator[tuple[Path, Any]]:
    """``(key path, value)`` for every value a reference pattern reaches in a model."""
    if not path:
        yield at, node
        return
    step, rest = path[0], path[1:]
    if step == "*":
        for i, item in enumerate(node or []):
            yield from _values(item, rest, (*at, i))
    elif node is not None:
        yield from _values(getattr(node, step), rest, (*at, step))


def dangling(section: str, model: Any, names: dict[str, set[str]]) -> Iterator[Inconsistency]:
    """References in one section's model to names not in ``names`` (``{"node": {...}}``)."""
    for ref in REFERENCES:
        if ref.section == section:
            for path, value in _values(model, ref.path):
                if value not in names[ref.kind]:
                    yield Inconsistency(section, path, unknown(ref.kind, value, names[ref.kind]))


class Inventory(Model):
    """The four inventory files together."""

    hardware: Hardware
    """``hardware.yaml``."""
    platform: Platform
    """``platform.yaml``."""
    rdma: Rdma
    """``rdma.yaml``."""
    site: Site
    """``site.yaml``."""

    _sourcemap: SourceMap | None = PrivateAttr(default=None)

    def with_sourcemap(self, sourcemap: SourceMap) -> Inventory:
        """Attach where each section came from (done by the loader)."""
        self._sourcemap = sourcemap
        return self

    def path_of(self, subject: str) -> tuple[str, Path] | None:
        """Section and key path of a subject such as ``component/cilium``."""
        kind, _, ident = subject.partition("/")
        if kind == "component":
            for i, cat in enumerate(self.platform.categories):
                for j, comp in enumerate(cat.components):
                    if comp.id == ident:
                        return "platform", ("categories", i, "components", j)
        elif kind == "node":
            for i, node in enumerate(self.hardware.nodes):
                if node.name == ident:
                    return "hardware", ("nodes", i)
        elif kind == "rdma":
            if ident == "sriov":
                return "rdma", ("sriov",)
            for i, link in enumerate(self.rdma.links):
                if link.id == ident:
                    return "rdma", ("links", i)
            for i, nad in enumerate(self.rdma.networks):
                if nad.name == ident:
                    return "rdma", ("networks", i)
        return None

    def where(self, subject: str, *field: str | int) -> Location | None:
        """Where the inventory states ``field`` of ``subject``, as precisely as known."""
        found = self.path_of(subject)
        if found is None or self._sourcemap is None:
            return None
        section, path = found
        return self._sourcemap.location(section, path + field)

    def locate(self, section: str, path: Path) -> tuple[str, int | None, int | None]:
        """File, line and column of ``path`` in ``section`` (line and column None when unknown)."""
        if self._sourcemap is None:
            return f"{section}.yaml", None, None
        mark = self._sourcemap.mark(section, path)
        return self._sourcemap.file(section), mark[0] if mark else None, mark[1] if mark else None

    def ids(self) -> set[str]:
        """Every id a journal entry may relate to: components and nodes."""
        return {c.id for c in self.platform.components} | {n.name for n in self.hardware.nodes}

    def inconsistencies(self) -> list[Inconsistency]:
        """Duplicate ids and dangling cross-references, in file order."""
        return list(_check(self))


def _dupes(items: list[Any], attr: str, section: str, prefix: Path, what: str) -> Iterator[Inconsistency]:
    seen: set[str] = set()
    for i, item in enumerate(items):
        value = getattr(item, attr)
        if value in seen:
            yield Inconsistency(
                section, (*prefix, i, attr), f"{what} {value!r} is defined twice (expected unique {what}s)"
            )
        seen.add(value)


def _check(inv: Inventory) -> Iterator[Inconsistency]:
    names = {"node": {n.name for n in inv.hardware.nodes}}
    yield from _dupes(inv.hardware.nodes, "name", "hardware", ("nodes",), "node name")
    yield from _dupes(inv.platform.categories, "id", "platform", ("categories",), "category id")
    seen: set[str] = set()
    for i, cat in enumerate(inv.platform.categories):
        for j, comp in enumerate(cat.components):
            if comp.id in seen:
                yield Inconsistency(
                    "platform",
                    ("categories", i, "components", j, "id"),
                    f"component id {comp.id!r} is defined twice (expected unique component ids)",
                )
            seen.add(comp.id)
    yield from _dupes(inv.rdma.links, "id", "rdma", ("links",), "link id")
    yield from _dupes(inv.rdma.networks, "name", "rdma", ("networks",), "network name")
    yield from _dupes(inv.rdma.capabilities, "id", "rdma", ("capabilities",), "capability id")
    links = [link.id for link in inv.rdma.links]
    for i, cap in enumerate(inv.rdma.capabilities):
        if cap.link is not None and cap.link not in links:
            expected = f"one of: {', '.join(links)}" if links else "a link listed under `links`, which has none"
            yield Inconsistency("rdma", ("capabilities", i, "link"), f"unknown link {cap.link!r} (expected {expected})")
    for section in SECTIONS:
        yield from dangling(section, getattr(inv, section), names)
    pools = {inv.rdma.sriov.resource_name} if inv.rdma.sriov else set()
    for i, nad in enumerate(inv.rdma.networks):
        if nad.resource_name not in pools:
            expected = ", ".join(sorted(pools)) or "an SR-IOV pool declared under `sriov`"
            yield Inconsistency(
                "rdma",
                ("networks", i, "resource_name"),
                f"resource {nad.resource_name!r} is not advertised by SR-IOV "
                f"({suggestion(nad.resource_name, pools)}expected {expected})",
            )
