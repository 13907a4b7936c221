"""Line-aware, duplicate-key-safe YAML loading for the owner's files.

PyYAML keeps the last of two duplicate keys without a word, and its plain
containers forget where they came from. The loader here builds
:class:`LocatedDict` and :class:`LocatedList` instead, which remember the
1-based line and column of every key and item, and refuses duplicate keys with
both positions. Parsing stays in libyaml (``CSafeLoader``) when it is present.
"""

from __future__ import annotations

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


_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_located_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _Loader.construct_located_seq)


def _problem_from_yaml(path: str, text: str, exc: yaml.YAMLError) -> Problem:
    if isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        char = exc.character if isinstance(exc.character, int) else ord(exc.character)
        return Problem(
            path, line, col, f"control character U+{char:04X} is not allowed in YAML (expected printable text)"
        )
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    message = problem if isinstance(exc, DuplicateKey) else f"invalid YAML: {problem}"
    if context and "expected" not in problem:
        message += f" ({context})"
    if "expected" not in message:
        message += " (expected well-formed YAML)"
    message = " ".join(message.split())
    if mark is None:
        return Problem(path, None, None, message)
    return Problem(path, mark.line + 1, mark.column + 1, message)


def decode(path: str, data: bytes) -> str:
    """Decode UTF-8, or fail with the line and column of the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise LoadError(
            Problem(path, line, col, f"invalid UTF-8 byte 0x{data[exc.start]:02x} (expected UTF-8 text)")
        ) from None


class LoadError(Exception):
    """A file that could not be parsed; carries its :class:`Problem`."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


def parse(path: str, text: str, *, line_offset: int = 0) -> Any:
    """Parse one YAML document into located containers.

    ``line_offset`` shifts reported lines, for YAML embedded in a larger file
    such as markdown front matter.
    """
    loader = _Loader(text)
    loader.line_offset = line_offset
    try:
        return loader.get_single_data()
    except yaml.YAMLError as exc:
        problem = _problem_from_yaml(path, text, exc)
    except RecursionError:
        problem = Problem(path, 1, 1, "YAML nested too deeply (expected a shallower document)")
    except ValueError as exc:  # libyaml: e.g. a NUL byte in the stream
        problem = Problem(path, 1, 1, f"unreadable YAML: {exc} (expected plain text)")
    finally:
        loader.dispose()
    if problem.line is not None:
        problem = Problem(problem.file, problem.line + line_offset, problem.col, problem.message)
    raise LoadError(problem)
