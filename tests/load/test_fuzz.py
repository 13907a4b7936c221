"""Fuzzing the loaders: malformed inventories and journal front matter always end in clean file:line errors.

Each case starts from the real example files and breaks them: wrong types, missing, unknown
and duplicate keys, broken YAML, tabs, deep nesting, huge strings, control characters and
invalid UTF-8. Every case must end either in a valid load or in :class:`BadInput` whose
problems all name one of the case's files with a line; the real CLI path
(``labbook.cli.main(["validate", ...])``) must then exit 0 or 2 with every stderr line shaped
``<file>:<line>(:<col>)?: `` and never a traceback or an internal error (exit 70 is a bug).

CI runs a few hundred derandomized cases; ``bench/fuzz.py`` runs 10,000 and counts the bugs.
"""

from __future__ import annotations

import contextlib
import io
import re
import tempfile
import traceback
from dataclasses import dataclass
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from labbook.cli import main
from labbook.errors import BadInput, Problem
from labbook.files import display
from labbook.load.inventory import load_inventory
from labbook.load.journal import load_journal, split_front_matter
from labbook.models.inventory import SECTIONS
from tests.conftest import ROOT

INVENTORY = {section: (ROOT / "inventory" / f"{section}.yaml").read_bytes() for section in SECTIONS}
"""The example inventory, byte for byte: every case starts from it."""

_ENTRIES = sorted((ROOT / "journal").glob("*.md"))
ENTRY_NAME = _ENTRIES[0].name if _ENTRIES else "2026-01-05-fuzz.md"
ENTRY = (
    _ENTRIES[0].read_bytes()
    if _ENTRIES
    else b"---\ntitle: Fuzz\ndate: 2026-01-05\ntags: [rdma]\nrelated: [cilium]\nsummary: A case.\n---\n\nBody.\n"
)
"""A real journal entry (front matter and body)."""

SETTINGS = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)


@dataclass(frozen=True)
class Case:
    """One malformed input: which loader it targets, and the bytes of the file that was broken."""

    target: str
    """``inventory/<section>.yaml`` or ``journal``."""
    data: bytes
    """The broken file."""
    how: tuple[str, ...]
    """The mutations applied, for the failure message."""


# --- mutations ------------------------------------------------------------------------------------------------------

_huge = st.integers(min_value=100_000, max_value=2_000_000).map(lambda n: "x" * n)
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.dates(),
    st.datetimes(),
    st.binary(max_size=8),
)
_values = st.one_of(
    _scalars,
    _huge,
    st.lists(_scalars, max_size=4),
    st.dictionaries(st.one_of(st.text(max_size=8), st.integers(), st.booleans(), st.none()), _scalars, max_size=4),
)


def _paths(node: object, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


@st.composite
def _structural(draw: st.DrawFn, text: str) -> tuple[str, str]:
    """Change the parsed document (wrong type, missing key, unknown key) and dump it back."""
    data = yaml.safe_load(text)
    paths = [p for p in _paths(data) if p]
    if not paths:
        return text, "unchanged"
    path = draw(st.sampled_from(paths))
    parent = data
    for step in path[:-1]:
        parent = parent[step]
    action = draw(st.sampled_from(["replace", "delete", "unknown-key", "wrap-in-list"]))
    if action == "replace":
        parent[path[-1]] = draw(_values)
    elif action == "delete":
        del parent[path[-1]]
    elif action == "unknown-key" and isinstance(parent, dict):
        parent[draw(st.text(min_size=1, max_size=12))] = draw(_scalars)
    else:
        parent[path[-1]] = [parent[path[-1]]]
    style = draw(st.sampled_from([False, True, None]))
    return yaml.safe_dump(data, default_flow_style=style, allow_unicode=draw(st.booleans())), f"{action} {path!r}"


@st.composite
def _textual(draw: st.DrawFn, text: str) -> tuple[str, str]:
    """Break the text: duplicate keys, tabs, YAML syntax, deep nesting, huge lines, control characters."""
    lines = text.split("\n")
    i = draw(st.integers(0, max(len(lines) - 1, 0)))
    action = draw(
        st.sampled_from(
            [
                "duplicate-line",
                "tab",
                "delete-line",
                "syntax",
                "deep-list",
                "deep-map",
                "huge-line",
                "control",
                "truncate",
            ]
        )
    )
    if action == "duplicate-line":
        lines.insert(i, lines[i])
    elif action == "tab":
        lines[i] = "\t" + lines[i]
    elif action == "delete-line":
        del lines[i]
    elif action == "syntax":
        junk = draw(st.text(alphabet="{}[]:,-?&*!|>'\"%@`#\t \\\n", min_size=1, max_size=8))
        col = draw(st.integers(0, len(lines[i])))
        lines[i] = lines[i][:col] + junk + lines[i][col:]
    elif action in ("deep-list", "deep-map"):
        depth = draw(st.integers(min_value=50, max_value=20_000))
        nested = "[" * depth + "]" * depth if action == "deep-list" else "{a: " * depth + "1" + "}" * depth
        lines.insert(i, f"deep: {nested}")
    elif action == "huge-line":
        lines.insert(i, f"{draw(st.sampled_from(['title', 'notes', 'zzz', 'nodes']))}: {draw(_huge)}")
    elif action == "control":
        char = draw(st.sampled_from(["\x00", "\x07", "\x1b", "\x7f", "\ufeff", "\u2028", "\ud800", "\uffff"]))
        col = draw(st.integers(0, len(lines[i])))
        lines[i] = lines[i][:col] + char + lines[i][col:]
    else:
        lines = lines[:i]
    return "\n".join(lines), f"{action} at line {i + 1}"


@st.composite
def _bytes(draw: st.DrawFn, data: bytes) -> tuple[bytes, str]:
    """Invalid UTF-8 and raw byte damage."""
    action = draw(st.sampled_from(["insert", "overwrite", "random"]))
    if action == "random":
        return draw(st.binary(max_size=300)), "random bytes"
    at = draw(st.integers(0, len(data)))
    junk = draw(
        st.one_of(
            st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\x00"]),
            st.binary(min_size=1, max_size=6),
        )
    )
    if action == "insert":
        return data[:at] + junk + data[at:], f"insert {junk!r} at byte {at}"
    return data[:at] + junk + data[at + len(junk) :], f"overwrite {junk!r} at byte {at}"


def _parses(text: str) -> bool:
    """Whether a structural change can start from ``text`` (the generator's own parse, not the one tested).

    Deeply nested text is never parsed here: whether it hits the recursion limit depends on how
    deep the caller's stack already is, and generation must be deterministic.
    """
    if text.count("[") + text.count("{") > 200:
        return False
    try:
        data = yaml.safe_load(text)
        _paths(data)
    except (yaml.YAMLError, RecursionError, ValueError):
        return False
    return True


@st.composite
def _mutate(draw: st.DrawFn, data: bytes, front_matter: bool) -> tuple[bytes, tuple[str, ...]]:
    how: list[str] = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["structural", "textual", "bytes"]))
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            kind = "bytes"
        if kind == "bytes":
            data, what = draw(_bytes(data))
        elif front_matter:
            split = split_front_matter(text)
            if split is None:
                data, what = draw(_bytes(data))
            else:
                head, body_line = split
                body = "\n".join(text.split("\n")[body_line - 1 :])
                ok = kind == "structural" and _parses(head)
                new, what = draw(_structural(head) if ok else _textual(head))
                data = ("---\n" + new.rstrip("\n") + "\n---\n" + body).encode("utf-8", "surrogatepass")
        else:
            ok = kind == "structural" and _parses(text)
            new, what = draw(_structural(text) if ok else _textual(text))
            data = new.encode("utf-8", "surrogatepass")
        how.append(f"{kind}: {what}")
    return data, tuple(how)


@st.composite
def cases(draw: st.DrawFn) -> Case:
    """A broken inventory file or a broken journal entry."""
    target = draw(st.sampled_from([*(f"inventory/{s}.yaml" for s in SECTIONS), "journal"]))
    original = ENTRY if target == "journal" else INVENTORY[target.split("/")[1].removesuffix(".yaml")]
    data, how = draw(_mutate(original, front_matter=target == "journal"))
    return Case(target=target, data=data, how=how)


# --- the check ------------------------------------------------------------------------------------------------------


def _line_ok(line: str, files: set[str]) -> bool:
    return any(re.match(rf"^(warning: )?{re.escape(f)}:\d+(:\d+)?: \S", line) for f in files)


def check(case: Case) -> str | None:
    """None when the case ended cleanly; otherwise what went wrong (a loader or CLI bug)."""
    with tempfile.TemporaryDirectory(prefix="labbook-fuzz-") as tmp:
        root = Path(tmp)
        inventory, journal = root / "inventory", root / "journal"
        inventory.mkdir()
        journal.mkdir()
        for section, data in INVENTORY.items():
            (inventory / f"{section}.yaml").write_bytes(data)
        (journal / ENTRY_NAME).write_bytes(ENTRY)
        broken = journal / ENTRY_NAME if case.target == "journal" else root / case.target
        broken.write_bytes(case.data)
        # a broken file can make another one wrong (a deleted node leaves dangling references elsewhere)
        files = {display(p) for p in (*inventory.iterdir(), *journal.iterdir())}

        try:
            if case.target == "journal":
                load_journal(journal, load_inventory(inventory).ids())
            else:
                load_inventory(inventory)
            loaded = True
        except BadInput as exc:
            loaded = False
            for p in exc.problems:
                if not isinstance(p, Problem) or p.line is None or p.file not in files:
                    return f"loader problem without file:line in {files}: {p!s}"
        except Exception:
            return "loader raised instead of BadInput:\n" + traceback.format_exc()

        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            try:
                code = main(["validate", "--inventory", str(inventory), "--journal", str(journal)])
            except BaseException:
                return "labbook validate raised:\n" + traceback.format_exc()
        lines = err.getvalue().splitlines()
        if code == 70 or any("Traceback" in line or "internal error" in line for line in lines):
            return f"labbook validate: internal error (exit {code}): {lines}"
        if code != (0 if loaded else 2):
            return f"labbook validate exited {code}, the loader {'accepted' if loaded else 'rejected'} it: {lines}"
        bad = [line for line in lines if not _line_ok(line, files)]
        if bad:
            return f"stderr lines not shaped <file>:<line>(:<col>)?: for {files}: {bad[:3]}"
        if code == 2 and not lines:
            return "exit 2 with nothing on stderr"
    return None


@SETTINGS
@given(cases())
def test_malformed_input_ends_in_clean_file_line_errors(case: Case) -> None:
    problem = check(case)
    assert problem is None, f"{case.target} after {'; '.join(case.how)}:\n{problem}"


def test_the_check_catches_what_it_claims_to() -> None:
    """The oracle itself can fail: a valid file passes, and a bad one is reported with file:line."""
    assert check(Case(target="inventory/hardware.yaml", data=INVENTORY["hardware"], how=())) is None
    bad = INVENTORY["site"].replace(b"title:", b"title: [", 1)
    assert check(Case(target="inventory/site.yaml", data=bad, how=())) is None
    assert _line_ok("/tmp/x/inventory/site.yaml:3:8: invalid YAML", {"/tmp/x/inventory/site.yaml"})
    assert not _line_ok("/tmp/x/inventory/site.yaml: file not found", {"/tmp/x/inventory/site.yaml"})
    assert not _line_ok("labbook: internal error: boom", {"/tmp/x/inventory/site.yaml"})
