"""Chart versions as Helm and Flux compare them. Pure: no I/O.

Helm, helm-controller and source-controller parse versions and ranges with
Masterminds/semver v3; this module follows its rules (``version.go`` and
``constraints.go`` at v3.4.0, commit 61fc460d28283a91c53be65c2e0f20b494ac8ad9):

- a version is SemVer 2.0, leniently: a leading ``v`` and a missing minor or
  patch are accepted (``v2.1`` is ``2.1.0``);
- ``+build`` metadata never changes a version: helm-controller appends the first
  12 hex digits of an OCI artifact's digest as build metadata
  (``2.1.1+41b39ad27d99``, ``mutateChartWithSourceRevision`` in
  ``internal/controller/helmrelease_controller.go``), and that is the same
  chart version as ``2.1.1`` and ``v2.1.1``;
- a range is a constraint: ``>=``, ``<=``, ``>``, ``<``, ``=``, ``!=``, ``~``,
  ``~>``, ``^``, wildcards ``x``/``X``/``*``, hyphen ranges ``1.2 - 1.4.5``,
  comma or space for AND, ``||`` for OR; a pre-release version only satisfies
  a group that names a pre-release itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_IDENTS = r"[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*"
_NUM = r"0|[1-9]\d*"
_PRE_ID = rf"(?:{_NUM}|\d*[a-zA-Z-][0-9a-zA-Z-]*)"
_VERSION = re.compile(  # semVerRegex of version.go: no leading zeros, lowercase v only
    rf"^v?({_NUM})(?:\.({_NUM}))?(?:\.({_NUM}))?(?:-({_PRE_ID}(?:\.{_PRE_ID})*))?(?:\+({_IDENTS}))?$"
)
_CV = rf"v?([0-9xX*]+)(\.[0-9xX*]+)?(\.[0-9xX*]+)?(?:-({_IDENTS}))?(?:\+({_IDENTS}))?"
_OPS = r"!=|>=|=>|<=|=<|~>|>|<|=|~|\^|"
_ONE = re.compile(rf"^\s*({_OPS})\s*({_CV})\s*$")
_FIND = re.compile(rf"({_OPS})\s*({_CV})")
_VALID = re.compile(rf"^(\s*({_OPS})\s*({_CV})\s*)((?:\s+|,\s*)({_OPS})\s*({_CV})\s*)*$")
_HYPHEN = re.compile(rf"\s*({_CV})\s+-\s+({_CV})\s*")
_WILD = ("x", "X", "*")


@dataclass(frozen=True)
class Version:
    """A parsed chart version; ``build`` is kept for display, never compared."""

    major: int
    """Major number."""
    minor: int
    """Minor number."""
    patch: int
    """Patch number."""
    pre: str = ""
    """Pre-release, e.g. ``rc.1``."""
    build: str = ""
    """Build metadata, e.g. an OCI digest prefix ``41b39ad27d99``."""

    def compare(self, other: Version) -> int:
        """-1, 0 or 1, as SemVer 2.0 orders versions (build metadata ignored)."""
        a, b = (self.major, self.minor, self.patch), (other.major, other.minor, other.patch)
        if a != b:
            return -1 if a < b else 1
        return _compare_pre(self.pre, other.pre)

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}" + (f"-{self.pre}" if self.pre else "")


def _compare_pre(a: str, b: str) -> int:
    if a == b:
        return 0
    if not a or not b:
        return 1 if not a else -1  # a release sorts after its pre-releases
    for x, y in zip(a.split("."), b.split("."), strict=False):
        if x == y:
            continue
        xn, yn = x.isdigit(), y.isdigit()
        if xn and yn:
            return -1 if int(x) < int(y) else 1
        if xn != yn:
            return -1 if xn else 1  # numeric identifiers sort before alphanumeric ones
        return -1 if x < y else 1
    return (len(a.split(".")) > len(b.split("."))) * 2 - 1


def parse(text: str | None) -> Version | None:
    """The version ``text`` names, or None when it is not a version (a range, a digest, ``latest``)."""
    m = _VERSION.match((text or "").strip())
    if m is None:
        return None
    major, minor, patch, pre, build = m.groups()
    return Version(int(major), int(minor or 0), int(patch or 0), pre or "", build or "")


def build(text: str | None) -> str | None:
    """The ``+build`` metadata of a version (for OCI charts, the digest prefix), if any."""
    v = parse(text)
    return v.build or None if v else None


def bare(text: str | None) -> str | None:
    """``text`` without build metadata: ``2.1.1+41b39ad27d99`` -> ``2.1.1``; other text unchanged."""
    if text is None:
        return None
    return text.strip().partition("+")[0] if parse(text) else text.strip()


def same(a: str | None, b: str | None) -> bool:
    """The same version (``v2.1.1`` = ``2.1.1`` = ``2.1.1+41b39ad27d99``), or the same text for anything else."""
    if a is None or b is None:
        return a is b
    va, vb = parse(a), parse(b)
    if va is not None and vb is not None:
        return va.compare(vb) == 0
    return " ".join(a.split()) == " ".join(b.split())


@dataclass(frozen=True)
class _Term:
    op: str
    version: Version
    dirty: bool = False
    minor_dirty: bool = False
    patch_dirty: bool = False


def _term(op: str, text: str) -> _Term:
    m = re.fullmatch(_CV, text)
    assert m is not None  # _FIND matched it
    major, minor, patch = m.group(1), (m.group(2) or "").lstrip("."), (m.group(3) or "").lstrip(".")
    pre = m.group(4) or ""
    if major in _WILD:
        return _Term(op, Version(0, 0, 0, pre), dirty=True)
    if not minor or minor in _WILD:
        return _Term(op, Version(int(major), 0, 0, pre), dirty=True, minor_dirty=True)
    if not patch or patch in _WILD:
        return _Term(op, Version(int(major), int(minor), 0, pre), dirty=True, patch_dirty=True)
    return _Term(op, Version(int(major), int(minor), int(patch), pre))


def _not_equal(t: _Term, v: Version) -> bool:
    c = t.version
    if t.dirty:
        if c.major != v.major:
            return True
        if c.minor != v.minor and not t.minor_dirty:
            return True
        if t.minor_dirty:
            return False
        if c.patch != v.patch and not t.patch_dirty:
            return True
        if t.patch_dirty:
            return _compare_pre(v.pre, c.pre) != 0 if (v.pre or c.pre) else False
    return v.compare(c) != 0


def _greater(t: _Term, v: Version) -> bool:
    c = t.version
    if t.dirty and v.major != c.major:
        return v.major > c.major
    if t.dirty and t.minor_dirty:
        return False
    if t.dirty and t.patch_dirty:
        return v.minor > c.minor
    return v.compare(c) > 0


def _less_equal(t: _Term, v: Version) -> bool:
    c = t.version
    if not t.dirty:
        return v.compare(c) <= 0
    return not (v.major > c.major or (v.major == c.major and v.minor > c.minor and not t.minor_dirty))


def _check(t: _Term, v: Version) -> bool:
    op, c = t.op, t.version
    if op in ("", "="):
        return _tilde(t, v) if t.dirty else v.compare(c) == 0
    if op == "!=":
        return _not_equal(t, v)
    if op == ">":
        return _greater(t, v)
    if op == "<":
        return v.compare(c) < 0
    if op in (">=", "=>"):
        return v.compare(c) >= 0
    if op in ("<=", "=<"):
        return _less_equal(t, v)
    if op in ("~", "~>"):
        return _tilde(t, v)
    return _caret(t, v)


def _tilde(t: _Term, v: Version) -> bool:
    c = t.version
    if v.compare(c) < 0:
        return False
    if (c.major, c.minor, c.patch) == (0, 0, 0) and not t.minor_dirty and not t.patch_dirty:
        return True
    return v.major == c.major and (v.minor == c.minor or t.minor_dirty)


def _caret(t: _Term, v: Version) -> bool:
    c = t.version
    if v.compare(c) < 0:
        return False
    if c.major > 0 or t.minor_dirty:
        return v.major == c.major
    if v.major > 0:
        return False
    if c.minor > 0 or t.patch_dirty:
        return v.minor == c.minor
    return v.minor == 0 and v.patch == c.patch


@dataclass(frozen=True)
class Constraint:
    """A version range, OR of AND groups."""

    text: str
    """As written."""
    groups: tuple[tuple[_Term, ...], ...]
    """The AND groups."""

    def allows(self, version: str | Version) -> bool:
        """Whether ``version`` satisfies the range (a pre-release only where its group names one)."""
        v = parse(version) if isinstance(version, str) else version
        if v is None:
            return False
        for group in self.groups:
            if v.pre and not any(t.version.pre for t in group):
                continue
            if all(_check(t, v) for t in group):
                return True
        return False


def constraint(text: str | None) -> Constraint | None:
    """``text`` as a range (a plain version is the range of exactly it), or None when it is neither."""
    if text is None:
        return None
    rewritten = _HYPHEN.sub(lambda m: f" >= {m.group(1)}, <= {m.group(7)} ", text)
    groups: list[tuple[_Term, ...]] = []
    for part in rewritten.split("||"):
        if not _VALID.match(part):
            return None
        groups.append(tuple(_term(m.group(1), m.group(2)) for m in _FIND.finditer(part)))
    return Constraint(text, tuple(groups))


def matches(wanted: str | None, got: str | None) -> bool:
    """Whether the concrete version ``got`` is what ``wanted`` (a version or a range) asks for."""
    if same(wanted, got):
        return True
    rng = constraint(wanted)
    return rng is not None and got is not None and rng.allows(got)


def is_range(text: str | None) -> bool:
    """A range rather than one version (``>=1.0``, ``1.x``, ``*``)."""
    return parse(text) is None and constraint(text) is not None


__all__ = ["Constraint", "Version", "bare", "build", "constraint", "is_range", "matches", "parse", "same"]
