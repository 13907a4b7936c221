"""Flux's ``postBuild`` variable substitution, as ``fluxcd/pkg/envsubst`` does it.

A port of the parser and evaluator kustomize-controller runs on every built
object, with strict mode off (an unset variable is the empty string):

- ``${VAR}``; ``${VAR:=default}``, ``${VAR:-default}``, ``${VAR=default}`` (and,
  as in Flux, ``:+``/``:?`` behave like ``:-``); ``${#VAR}``; ``${VAR:1:2}``;
  ``${VAR/a/b}`` and friends; ``${VAR^^}``, ``${VAR,,}``;
- ``$$`` is an escape for ``$``, so ``$${VAR}`` stays ``${VAR}`` in the output;
- a bare ``$VAR`` (no braces) is left alone.

A syntax error raises :class:`SubstitutionError`, which in Flux fails the whole
Kustomization; the reader reports it as a warning instead.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field


class SubstitutionError(ValueError):
    """``bad substitution`` and the other envsubst parse errors."""


@dataclass(slots=True)
class _Func:
    param: str
    name: str = ""
    args: list[_Func | str] = field(default_factory=list)


def _is_ident(c: str) -> bool:
    return c.isalnum() or c == "_"


class _Parser:
    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0

    def peek(self) -> str:
        return self.s[self.i] if self.i < len(self.s) else ""

    def at_lbrack(self) -> bool:
        return self.s.startswith("${", self.i)

    def parse(self) -> list[_Func | str]:
        out: list[_Func | str] = []
        while self.i < len(self.s):
            if self.at_lbrack():
                self.i += 2
                out.append(self.func())
            else:
                out.append(self.text())
        return out

    def text(self) -> str:
        """Plain text up to the next ``${``; ``$$`` yields ``$`` and hides what follows it."""
        s, i, buf = self.s, self.i, []
        while i < len(s):
            c = s[i]
            if c == "$" and i + 1 < len(s):
                if s[i + 1] == "{":
                    break
                if s[i + 1] == "$":
                    buf.append("$")
                    i += 2
                    continue
            buf.append(c)
            i += 1
        self.i = i
        return "".join(buf)

    def scan(self, accept: Callable[[str, int], bool]) -> str:
        start = self.i
        while self.i < len(self.s) and accept(self.s[self.i], self.i - start + 1):
            self.i += 1
        return self.s[start : self.i]

    def rbrack(self) -> None:
        if self.peek() != "}":
            raise SubstitutionError("bad substitution")
        self.i += 1

    def func(self) -> _Func:
        if self.peek() == "#":
            self.i += 1
            name = self.scan(lambda c, n: _is_ident(c))
            if not name:
                raise SubstitutionError("bad substitution")
            node = _Func(name, "#")
            self.rbrack()
            return node
        name = self.scan(lambda c, n: _is_ident(c))
        if not name:
            raise SubstitutionError("unable to parse variable name")
        c = self.peek()
        if c == ":":
            nxt = self.s[self.i + 1 : self.i + 2]
            return self.default(name) if nxt in ("=", "-", "?", "+") else self.substr(name)
        if c == "=":
            return self.default(name)
        if c in (",", "^"):
            node = _Func(name, self.scan(lambda c, n: c in ",^" and n < 3))
            self.rbrack()
            return node
        if c == "/":
            return self.replace(name)
        if c in ("#", "%"):
            node = _Func(name, self.scan(lambda ch, n: ch == c and n < 3))
            node.args.append(self.param(lambda ch: ch != "}"))
            self.rbrack()
            return node
        if c != "}":
            raise SubstitutionError("missing closing brace")
        self.i += 1
        return _Func(name)

    def param(self, accept: Callable[[str], bool]) -> _Func | str:
        if self.at_lbrack():
            self.i += 2
            return self.func()
        start = self.i
        while self.i < len(self.s) and not self.at_lbrack() and accept(self.s[self.i]):
            self.i += 1
        if self.i == start:
            raise SubstitutionError("unable to parse substitution within function")
        return self.s[start : self.i]

    def default(self, name: str) -> _Func:
        if self.peek() == "=":
            op = "="
            self.i += 1
        else:
            op = self.s[self.i : self.i + 2]
            self.i += 2
        node = _Func(name, op)
        while True:
            if self.peek() == "}":
                self.i += 1
                return node
            if self.i >= len(self.s):
                raise SubstitutionError("unable to parse substitution within function")
            node.args.append(self.param(lambda c: c != "}"))

    def substr(self, name: str) -> _Func:
        self.i += 1  # the ':'
        node = _Func(name, ":")
        node.args.append(self.param(lambda c: c not in ":}"))
        if self.peek() == "}":
            self.i += 1
            return node
        if self.peek() != ":":
            raise SubstitutionError("bad substitution")
        self.i += 1
        node.args.append(self.param(lambda c: c != "}"))
        self.rbrack()
        return node

    def replace(self, name: str) -> _Func:
        op = self.scan(lambda c, n: (n == 1 and c == "/") or (n == 2 and c in "/#%"))
        node = _Func(name, op)
        if self.peek() == "/":
            node.args.append("")
        else:
            node.args.append(self.unescaped(lambda c: c != "/"))
        if self.peek() != "/":
            raise SubstitutionError("bad substitution")
        self.i += 1
        if self.peek() == "}":
            self.i += 1
            return node
        node.args.append(self.unescaped(lambda c: c != "}"))
        self.rbrack()
        return node

    def unescaped(self, accept: Callable[[str], bool]) -> _Func | str:
        """A replace argument, where ``\\/``, ``\\\\`` and ``$$`` are escapes."""
        if self.at_lbrack():
            self.i += 2
            return self.func()
        buf: list[str] = []
        s = self.s
        while self.i < len(s) and not self.at_lbrack():
            c = s[self.i]
            nxt = s[self.i + 1 : self.i + 2]
            if (c == "$" and nxt == "$") or (c == "\\" and nxt in ("/", "\\")):
                buf.append(nxt)
                self.i += 2
                continue
            if not accept(c):
                break
            buf.append(c)
            self.i += 1
        if not buf:
            raise SubstitutionError("unable to parse substitution within function")
        return "".join(buf)


def _substr(v: str, args: list[str]) -> str:
    try:
        pos = int(args[0])
    except ValueError:
        return v
    if pos < 0:
        pos = max(len(v) + pos, 0)
    if len(args) == 1:
        return v[pos:]
    try:
        length = int(args[1])
    except ValueError:
        return v
    if length < 0:
        end = len(v) + length
        return v[pos:end] if end >= pos else ""
    return v[pos : pos + length]


def _trim(v: str, pattern: str, *, prefix: bool, longest: bool) -> str:
    sizes = range(len(v), -1, -1) if longest else range(len(v) + 1)
    for n in sizes:
        part = v[:n] if prefix else v[len(v) - n :]
        if n and fnmatch.fnmatchcase(part, pattern):
            return v[n:] if prefix else v[: len(v) - n]
    return v


def _apply(name: str, v: str, args: list[str]) -> str:
    if name in ("", "=", ":=", ":-", ":?", ":+", "-", "+"):
        return v if v or not args else "".join(args)
    if name == ",":
        return v[:1].lower() + v[1:]
    if name == ",,":
        return v.lower()
    if name == "^":
        return v[:1].upper() + v[1:]
    if name == "^^":
        return v.upper()
    if name == "#":
        return str(len(v.encode())) if not args else _trim(v, args[0], prefix=True, longest=False)
    if name == "##":
        return _trim(v, args[0], prefix=True, longest=True)
    if name == "%":
        return _trim(v, args[0], prefix=False, longest=False)
    if name == "%%":
        return _trim(v, args[0], prefix=False, longest=True)
    if name == ":":
        return _substr(v, args)
    if name in ("/", "//", "/#", "/%"):
        old, new = args[0], (args[1] if len(args) > 1 else "")
        if name == "/":
            return v.replace(old, new, 1)
        if name == "//":
            return v.replace(old, new)
        if name == "/#":
            return new + v[len(old) :] if v.startswith(old) and len(args) == 2 else v
        return v[: len(v) - len(old)] + new if v.endswith(old) and len(args) == 2 else v
    return v if v or not args else "".join(args)


def _eval(nodes: list[_Func | str], lookup: Mapping[str, str], unresolved: frozenset[str], out: list[str]) -> None:
    for node in nodes:
        if isinstance(node, str):
            out.append(node)
        elif node.param in unresolved:
            out.append("${" + node.param + "}")
        else:
            args: list[str] = []
            for arg in node.args:
                buf: list[str] = []
                _eval([arg], lookup, unresolved, buf)
                args.append("".join(buf))
            out.append(_apply(node.name, lookup.get(node.param) or "", args))


def substitute(text: str, variables: Mapping[str, str], unresolved: frozenset[str] = frozenset()) -> str:
    """``text`` with every ``${…}`` expanded from ``variables`` (unset is empty).

    A variable in ``unresolved`` (its value is SOPS-encrypted, say) is left as
    the placeholder ``${NAME}`` whatever the expression around it. Raises
    :class:`SubstitutionError` on a syntax error.
    """
    if "$" not in text:
        return text
    out: list[str] = []
    _eval(_Parser(text).parse(), variables, unresolved, out)
    return "".join(out)


def references(text: str) -> set[str]:
    """The variable names ``text`` refers to (empty when it does not parse)."""
    if "${" not in text:
        return set()
    try:
        nodes = _Parser(text).parse()
    except SubstitutionError:
        return set()
    found: set[str] = set()
    stack: list[_Func | str] = list(nodes)
    while stack:
        node = stack.pop()
        if isinstance(node, _Func):
            found.add(node.param)
            stack.extend(node.args)
    return found
