"""Line-aware, duplicate-key-safe YAML loading for the owner's files.

PyYAML keeps the last of two duplicate keys without a word, and its plain
containers forget where they came from. The loader here builds
:class:`LocatedDict` and :class:`LocatedList` instead, which remember the
1-based line and column of every key and item, and refuses duplicate keys with
both positions. Parsing stays in libyaml (``CSafeLoader``) when it is present.
"""

from __future__ import annotations

import functools
from collections.abc import Hashable, Iterator
from typing import Any

import yaml

from labbook.errors import Problem

try:
    _Base = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Base = yaml.SafeLoader  # type: ignore[misc,assignment]

Mark = tuple[int, int]
"""A 1-based (line, column)."""


class LocatedDict(dict):
    """A mapping that knows where it, each key and each value start."""

    __slots__ = ("key_marks", "start", "value_marks")

    def __init__(self, start: Mark) -> None:
        super().__init__()
        self.start = start
        self.key_marks: dict[Hashable, Mark] = {}
        self.value_marks: dict[Hashable, Mark] = {}


class LocatedList(list):
    """A sequence that knows where it and each item start."""

    __slots__ = ("item_marks", "start")

    def __init__(self, start: Mark) -> None:
        super().__init__()
        self.start = start
        self.item_marks: list[Mark] = []


class NotADate(str):
    """A scalar shaped like a date that is not one (``2026-02-30``): text, with the reason kept."""

    reason: str

    def __new__(cls, text: str, reason: str) -> NotADate:
        self = super().__new__(cls, text)
        self.reason = reason
        return self


class DuplicateKey(yaml.MarkedYAMLError):
    """A key that appears twice in one mapping."""


class _Loader(_Base):  # type: ignore[misc,valid-type]
    line_offset = 0
    """Added to every line, for YAML embedded in a larger file."""

    def _mark(self, node: yaml.Node) -> Mark:
        return (node.start_mark.line + 1 + self.line_offset, node.start_mark.column + 1)

    def construct_located_map(self, node: yaml.MappingNode) -> Iterator[LocatedDict]:
        data = LocatedDict(self._mark(node))
        yield data
        self.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, Hashable):
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    "found a key that cannot be used (expected a plain scalar key)",
                    key_node.start_mark,
                )
            if key in data:
                line, _ = data.key_marks[key]
                raise DuplicateKey(
                    None,
                    None,
                    f"duplicate key {key!r}, first defined on line {line} (expected each key once per mapping)",
                    key_node.start_mark,
                )
            data[key] = self.construct_object(value_node, deep=True)
            data.key_marks[key] = self._mark(key_node)
            data.value_marks[key] = self._mark(value_node)

    def construct_located_seq(self, node: yaml.SequenceNode) -> Iterator[LocatedList]:
        data = LocatedList(self._mark(node))
        yield data
        for item in node.value:
            data.append(self.construct_object(item, deep=True))
            data.item_marks.append(self._mark(item))

    def construct_checked_timestamp(self, node: yaml.ScalarNode) -> Any:
        """A date or datetime; one that does not exist (``2026-02-30``) stays text that says why."""
        try:
            return self.construct_yaml_timestamp(node)
        except ValueError as exc:
            return NotADate(self.construct_scalar(node), str(exc))


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_checked_timestamp)
_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_located_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _Loader.construct_located_seq)


_RESOLVER = yaml.resolver.Resolver()
"""How the loader (libyaml's parser, PyYAML's resolver) types a plain scalar."""


@functools.cache
def plain_str(scalar: str) -> bool:
    """Whether a plain scalar reads as a string (``on``, ``null``, ``true``, ``1.5`` do not)."""
    return _RESOLVER.resolve(yaml.ScalarNode, scalar, (True, False)) == "tag:yaml.org,2002:str"


def decode(path: str, data: bytes) -> str:
    """Decode UTF-8, or fail with the line and column of the first bad byte."""
    text, problems = decode_text(path, data)
    if text is None:
        raise LoadError(problems[0])
    return text


def decode_text(path: str, data: bytes) -> tuple[str | None, list[Problem]]:
    """UTF-8 text, or None and the problem at the line and column of the first bad byte."""
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [
            Problem(
                path,
                line,
                col,
                f"invalid UTF-8 byte 0x{data[exc.start]:02x} (expected UTF-8 text)",
            )
        ]


class LoadError(Exception):
    """A file that could not be parsed; carries its :class:`Problem`."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


def parse(path: str, text: str, *, line_offset: int = 0) -> Any:
    """Parse one YAML document into located containers; :class:`LoadError` when it cannot be read."""
    tree, problems = load_yaml(path, text, line_offset=line_offset)
    if problems:
        raise LoadError(problems[0])
    return tree


def load_yaml(path: str, text: str, *, line_offset: int = 0) -> tuple[Any, list[Problem]]:
    """Parse one YAML document into located containers: ``(tree, [])`` or ``(None, [problem])``.

    ``line_offset`` shifts reported lines, for YAML embedded in a larger file
    such as markdown front matter.
    """
    loader = _Loader(text)
    loader.line_offset = line_offset
    try:
        return loader.get_single_data(), []
    except yaml.YAMLError as exc:
        problem = _problem(path, text, exc, line_offset)
    except RecursionError:
        problem = Problem(path, 1 + line_offset, 1, "YAML nested too deeply (expected a shallower document)")
    except ValueError as exc:  # libyaml: e.g. a NUL byte in the stream
        problem = Problem(path, 1 + line_offset, 1, f"unreadable YAML: {exc} (expected plain text)")
    finally:
        loader.dispose()
    return None, [problem]


def _problem(path: str, text: str, exc: yaml.YAMLError, line_offset: int) -> Problem:
    """The one problem of a YAML error: ours (a duplicate or unusable key) as worded, PyYAML's in plain words."""
    ours = isinstance(exc, DuplicateKey) or (
        isinstance(exc, yaml.constructor.ConstructorError) and "(expected" in (exc.problem or "")
    )
    if ours and exc.problem_mark is not None:  # type: ignore[attr-defined]
        mark = exc.problem_mark  # type: ignore[attr-defined]
        return Problem(path, mark.line + 1 + line_offset, mark.column + 1, exc.problem)  # type: ignore[attr-defined]
    from labbook.load.syntax import syntax_problem  # read only when a file is broken

    return syntax_problem(path, text, exc, line_offset=line_offset)
