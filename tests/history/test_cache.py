"""The history cache (format 7): what it keeps round-trips exactly, and anything that does not check out
is ignored and rebuilt, never trusted (a cut log, bytes changed, a frame without a frame's outline even
with a matching CRC, a repeated commit, another format, a snapshot with something after it or without
its layout). Commits without the log's layout are never written: the values of a frame are checked
before it is written, and loaded on its CRC (as Git reads its commit-graph file).

The files are read and written here the way ``labbook/history/cache.py`` documents them (a JSON header
line, then marshal data), so that a test can change one thing and vouch for it as a run would.
"""

from __future__ import annotations

import dataclasses
import json
import marshal
import struct
import subprocess
import zlib
from pathlib import Path
from typing import Any

import pytest

from labbook.history import cache as cache_mod
from labbook.history import read_history
from labbook.history.cache import FORMAT, Snapshot
from labbook.history.layout import COLUMNS, packed

COMMITS = 10
"""Commits in the scenario."""

_FIELDS = [f.name for f in dataclasses.fields(Snapshot)]


class Files:
    """The inventory history's two cache files under one cache folder."""

    def __init__(self, cache: Path) -> None:
        (self.snap,) = cache.glob("history-inventory-*.snapshot")
        self.log = self.snap.with_suffix(".log")

    def header(self) -> dict[str, Any]:
        return json.loads(self.snap.read_bytes().partition(b"\n")[0])

    def snapshot(self) -> dict[str, Any]:
        body = self.snap.read_bytes().partition(b"\n")[2]
        size, crc = struct.unpack_from("<II", body)
        assert len(body) == 8 + size and zlib.crc32(body[8:]) == crc
        return dict(zip(_FIELDS, marshal.loads(body[8:]), strict=True))

    def write_snapshot(self, fields: dict[str, Any], header: dict[str, Any] | None = None) -> None:
        payload = marshal.dumps(tuple(fields[name] for name in _FIELDS))
        line = json.dumps(header or self.header(), separators=(",", ":")).encode() + b"\n"
        self.snap.write_bytes(line + struct.pack("<II", len(payload), zlib.crc32(payload)) + payload)

    def frames(self) -> tuple[bytes, list[Any]]:
        """The log's header line and its frames."""
        data = self.log.read_bytes()
        line, _, body = data.partition(b"\n")
        frames, pos = [], 0
        while pos < len(body):
            (size,) = struct.unpack_from("<I", body, pos)
            frames.append(marshal.loads(body[pos + 4 : pos + 4 + size]))
            pos += 4 + size
        return line + b"\n", frames

    def vouch(self, log: bytes, **fields: Any) -> None:
        """Write the log and make the snapshot vouch for it (length and CRC), as a run would have."""
        self.log.write_bytes(log)
        snap = self.snapshot()
        snap.update(log_size=len(log), log_crc=zlib.crc32(log), **fields)
        self.write_snapshot(snap)

    def write_frames(self, line: bytes, frames: list[Any], **fields: Any) -> None:
        blobs = [marshal.dumps(f) for f in frames]
        self.vouch(line + b"".join(struct.pack("<I", len(b)) + b for b in blobs), frames=len(frames), **fields)


@pytest.fixture
def cached(scenario, tmp_path):
    """A cache of the scenario written by one run, and that run's timeline."""
    cache = tmp_path / "cache"
    first = read_history(scenario.root / "inventory", cache_dir=cache)
    assert first.history.repos[0].parsed == COMMITS
    return cache, first


def _again(scenario, cache: Path):
    return read_history(scenario.root / "inventory", cache_dir=cache)


def _rebuilt(scenario, cache: Path, first) -> None:
    """The cache was ignored: every commit read again, and the same history."""
    again = _again(scenario, cache)
    assert again.history.repos[0].parsed == COMMITS
    assert again.history.changes == first.history.changes
    assert again.history.warnings == first.history.warnings


def _plain(frame: tuple[Any, ...]) -> tuple[Any, ...]:
    """A frame of the log with its columns marshalled on their own loaded."""
    return tuple(marshal.loads(col) if type(col) is bytes else col for col in frame)


def _as_cold(timeline, inv: Path):
    """The cold read of ``inv``, after asserting that ``timeline`` (a warm one) says the same."""
    cold = read_history(inv, cache_dir=False)
    assert (timeline.history.changes, timeline.history.warnings) == (cold.history.changes, cold.history.warnings)
    return cold


def _edit_last_frame(cache: Path, edit) -> None:
    """Change the log's last frame with ``edit`` and make the snapshot vouch for the result."""
    files = Files(cache)
    line, frames = files.frames()
    columns = dict(zip(COLUMNS, frames[-1], strict=True))
    edit(columns)
    frames[-1] = tuple(columns.values())
    files.write_frames(line, frames)


def test_a_warm_run_gives_what_a_cold_run_gives(scenario, cached) -> None:
    cache, first = cached
    again = _again(scenario, cache)
    assert again.history.repos[0].parsed == 0
    assert (again.history.changes, again.history.warnings) == (first.history.changes, first.history.warnings)
    cold = read_history(scenario.root / "inventory", cache_dir=False)
    assert again.history.changes == cold.history.changes
    dumped = [c.model_dump_json() for c in again.history.changes]
    assert dumped == [c.model_dump_json() for c in cold.history.changes]  # built from the log, they dump the same
    # a state recovered from the files the log kept is the state a cold read computes
    day = cold.history.changes[-1].commit.day
    assert again.facts_on(day) == cold.facts_on(day)


def test_the_log_is_a_frame_of_columns_with_every_commit_and_its_changes(cached) -> None:
    cache, first = cached
    files = Files(cache)
    line, frames = files.frames()
    assert json.loads(line)["format"] == FORMAT == 7
    assert json.loads(line)["marshal"] == marshal.version
    (frame,) = frames
    assert [name for name, col in zip(COLUMNS, frame, strict=True) if type(col) is bytes] == ["parents", "files"]
    columns = dict(zip(COLUMNS, _plain(frame), strict=True))  # those two marshalled on their own, loaded when asked
    assert all(type(p) is tuple for p in columns["parents"])
    assert len(columns["sha"]) == COMMITS
    assert sum(len(rows) for rows in columns["changes"]) == len(first.history.changes)
    messages = dict(zip(columns["sha"], columns["message"], strict=True))
    assert {c.commit.message for c in first.history.changes} <= set(messages.values())
    for change in first.history.changes:  # each change is in its commit's row, without origin and commit
        row = columns["sha"].index(change.commit.sha)
        assert (change.subject, change.action, change.summary, change.path) in {
            (r[0], r[1], r[5], r[7]) for r in columns["changes"][row]
        }
    assert all(isinstance(f, dict) for f in columns["files"])  # the inventory keeps each commit's files
    snap = files.snapshot()
    assert (snap["logged"], snap["frames"], snap["log_size"]) == (COMMITS, 1, files.log.stat().st_size)


def test_a_log_cut_short_is_ignored(scenario, cached) -> None:
    cache, first = cached
    log = Files(cache).log
    log.write_bytes(log.read_bytes()[:-40])
    _rebuilt(scenario, cache, first)


def test_changed_bytes_fail_the_crc(scenario, cached) -> None:
    cache, first = cached
    log = Files(cache).log
    data = log.read_bytes()
    assert b"1.18.3" in data
    log.write_bytes(data.replace(b"1.18.3", b"1.18.9", 1))
    _rebuilt(scenario, cache, first)


def _set(column: str, value: Any, row: int = -1):
    def edit(columns: dict[str, Any]) -> None:
        columns[column][row] = value

    return edit


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda columns: columns["message"].pop(), id="a column shorter than the others"),
        pytest.param(lambda columns: columns.update(sha=tuple(columns["sha"])), id="a column that is not a list"),
        pytest.param(lambda columns: columns.popitem(), id="a column missing"),
    ],
)
def test_a_frame_without_a_frames_outline_is_ignored_even_with_a_matching_crc(scenario, cached, edit) -> None:
    cache, first = cached
    _edit_last_frame(cache, edit)
    _rebuilt(scenario, cache, first)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(_set("time", "soon"), id="a time that is not a number"),
        pytest.param(_set("time", 10**12), id="a time no date is made of"),
        pytest.param(_set("offset", True), id="an offset that is a bool"),
        pytest.param(_set("offset", 24 * 60), id="an offset of a day"),
        pytest.param(_set("boundary", 0), id="a boundary flag that is not a bool"),
        pytest.param(_set("sha", "main"), id="a commit id that is not one"),
        pytest.param(_set("parents", None), id="a commit without a parents tuple"),
        pytest.param(_set("parents", ("0" * 39,)), id="a parent id one digit short"),
        pytest.param(_set("author", None), id="an author that is not a string"),
        pytest.param(_set("files", ["inventory/hardware.yaml"]), id="files that are not a mapping"),
        pytest.param(_set("files", {"inventory/hardware.yaml": 1}), id="a blob id that is not a string"),
        pytest.param(_set("changes", [("node/x",)]), id="a change missing fields"),
        pytest.param(
            _set("changes", [("node/x", "moved", None, None, None, "x moved", [], "inventory/hardware.yaml")]),
            id="an action that is not one",
        ),
        pytest.param(
            _set("changes", [("node/x", "added", None, None, None, "x added", ["x", 1], "inventory/hardware.yaml")]),
            id="a ref that is not a string",
        ),
    ],
)
def test_commits_without_the_layout_are_never_written(work, tmp_path, monkeypatch, edit) -> None:
    """A writer's bug (a frame whose values are not the layout, here made by changing what
    ``Table.frame`` gives): the run still answers, writes nothing, and the next run reads those
    commits again. The values are checked before a frame is written, not each time it loads."""
    from labbook.history.table import Table
    from tests.history import lab

    cache, inv = tmp_path / "cache", work.root / "inventory"
    frame = Table.frame

    def broken(table: Table, start: int = 0) -> tuple[list[Any], ...]:
        columns = dict(zip(COLUMNS, frame(table, start), strict=True))
        edit(columns)
        return tuple(columns.values())

    with monkeypatch.context() as patched:  # the first write, whole
        patched.setattr(Table, "frame", broken)
        assert read_history(inv, cache_dir=cache).history.repos[0].parsed == COMMITS
        assert not list(cache.glob("*"))
    read_history(inv, cache_dir=cache)
    files = Files(cache)
    before = {p: p.read_bytes() for p in (files.snap, files.log)}
    work.write("inventory/platform.yaml", lab.platform(cilium="1.18.5", plugin="0.18.0"))
    work.commit("cilium 1.18.5", "2025-12-21T09:00:00+01:00")
    with monkeypatch.context() as patched:  # an append
        patched.setattr(Table, "frame", broken)
        assert read_history(inv, cache_dir=cache).history.repos[0].parsed == 1
    assert {p: p.read_bytes() for p in before} == before
    again = read_history(inv, cache_dir=cache)
    assert again.history.repos[0].parsed == 1  # read again, and now written
    _as_cold(again, inv)
    assert read_history(inv, cache_dir=cache).history.repos[0].parsed == 0


def test_a_first_frame_without_the_layout_is_ignored_when_another_follows(scenario, cached) -> None:
    cache, first = cached
    files = Files(cache)
    line, (frame,) = files.frames()
    columns = _plain(frame)
    half = packed(tuple(c[: COMMITS // 2] for c in columns)), packed(tuple(c[COMMITS // 2 :] for c in columns))
    files.write_frames(line, list(half))
    again = _again(scenario, cache)
    assert again.history.repos[0].parsed == 0  # two frames read as one
    assert again.facts_on(first.history.changes[-1].commit.day) == first.facts_on(first.history.changes[-1].commit.day)
    broken = (*half[0][:-1], tuple(half[0][-1]))
    files.write_frames(line, [broken, half[1]])
    _rebuilt(scenario, cache, first)


def test_a_commit_logged_twice_is_ignored(scenario, cached) -> None:
    cache, first = cached
    files = Files(cache)
    line, frames = files.frames()
    files.write_frames(line, frames + frames[-1:], logged=2 * COMMITS)
    _rebuilt(scenario, cache, first)


@pytest.mark.parametrize("change", [{"format": FORMAT - 1}, {"labbook": "0.0.0"}, {"marshal": marshal.version - 1}])
def test_a_cache_written_by_another_format_labbook_or_python_is_ignored(scenario, cached, change) -> None:
    cache, first = cached
    files = Files(cache)
    files.write_snapshot(files.snapshot(), {**files.header(), **change})
    _rebuilt(scenario, cache, first)


def test_a_snapshot_with_anything_after_it_is_ignored(scenario, cached) -> None:
    """A snapshot followed by the end of an older one (a file written over in place, by a tool or a
    crash of a filesystem without rename ordering) does not match its own length."""
    cache, first = cached
    snap = Files(cache).snap
    snap.write_bytes(snap.read_bytes() + b"\x00\x01")
    _rebuilt(scenario, cache, first)
    assert _again(scenario, cache).history.repos[0].parsed == 0  # rewritten whole, and trusted again


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"warnings": [("flux", "x.yaml", "0" * 40, "?")]}, id="a warning of another history"),
        pytest.param({"warnings": [("inventory", "x.yaml", "0" * 40)]}, id="a warning missing a field"),
        pytest.param({"heads": [1]}, id="a head that is not a string"),
        pytest.param({"heads": ["bee0895794052daa58bbd4937377348a83fec4c"]}, id="a head one digit short"),
        pytest.param({"heads": ["bee08957940252daa58bbd4937377348a83fec4\u00e3"]}, id="a head that is not hex"),
        pytest.param({"boundary": ["HEAD"]}, id="a boundary that is not an id"),
        pytest.param({"tips": {"0" * 40: ({"inventory/hardware.yaml": "0" * 40}, {})}}, id="a head's state as a tuple"),
        pytest.param({"tips": {"main": marshal.dumps(({}, {}))}}, id="a head's state under a name, not an id"),
        pytest.param({"log_size": "all"}, id="a size that is not a number"),
    ],
)
def test_a_snapshot_without_the_layout_is_ignored(scenario, cached, change) -> None:
    cache, first = cached
    files = Files(cache)
    files.write_snapshot({**files.snapshot(), **change})
    _rebuilt(scenario, cache, first)


@pytest.mark.parametrize(
    "state",
    [
        pytest.param(b"\xff", id="bytes that are not marshal"),
        pytest.param(marshal.dumps(({"inventory/hardware.yaml": 3}, {})), id="a blob id that is not a string"),
        pytest.param(marshal.dumps(({}, {"inventory/platform.yaml": "x"})), id="a part that does not compose"),
        pytest.param(marshal.dumps(({},)), id="one value, not two"),
    ],
)
def test_a_heads_state_that_does_not_load_is_read_again_from_git(work, tmp_path, state) -> None:
    """A head's state is loaded only when a run builds on it; one that does not load or compose is
    read again from Git, and the history is the cold one."""
    from tests.history import lab

    cache, inv = tmp_path / "cache", work.root / "inventory"
    read_history(inv, cache_dir=cache)
    files = Files(cache)
    snap = files.snapshot()
    snap["tips"] = {sha: state for sha in snap["tips"]}
    files.write_snapshot(snap)
    work.write("inventory/platform.yaml", lab.platform(cilium="1.18.5", plugin="0.18.0"))
    work.commit("cilium 1.18.5", "2025-12-21T09:00:00+01:00")
    warm = read_history(inv, cache_dir=cache)
    assert warm.history.repos[0].parsed == 1
    _as_cold(warm, inv)


def test_a_new_commit_appends_one_frame_and_every_few_the_log_is_rewritten_as_one(work, tmp_path, monkeypatch) -> None:
    from tests.history import lab

    cache = tmp_path / "cache"
    read_history(work.root / "inventory", cache_dir=cache)
    files = Files(cache)
    monkeypatch.setattr(cache_mod, "COMPACT", 3)
    for n, vfs in enumerate((2, 3, 5), start=2):
        before = files.log.read_bytes()
        work.write("inventory/rdma.yaml", lab.rdma(vfs=vfs))
        work.commit(f"{vfs} VFs", f"2025-12-2{n}T09:00:00+01:00")
        warm = read_history(work.root / "inventory", cache_dir=cache)
        assert warm.history.repos[0].parsed == 1
        after = files.log.read_bytes()
        frames = files.frames()[1]
        if n <= 3:  # appended: the bytes before are kept as they were
            assert after.startswith(before) and len(frames) == n
        else:  # a fourth frame would be over COMPACT: the log is one frame again
            assert len(frames) == 1 and len(frames[0][0]) == COMMITS + 3
        assert files.snapshot()["frames"] == len(frames)
        cold = read_history(work.root / "inventory", cache_dir=False)
        assert (warm.history.changes, warm.history.warnings) == (cold.history.changes, cold.history.warnings)
        assert warm.history.changes[0].commit.message == f"{vfs} VFs"
    assert _again(work, cache).history.repos[0].parsed == 0


def test_facts_asked_of_a_commit_are_kept_for_the_next_run(scenario, cached, monkeypatch) -> None:
    """The site asks the lab as of each entry's date on every build: a later run answers from the kept
    file without working the commit out again; a file that is not this history's is ignored."""
    import datetime as dt

    from labbook.history.build import Builder

    cache, first = cached
    day = dt.date(2025, 11, 13)
    asked = first.as_of(day, ["nvidia-device-plugin", "spark-a"])
    (kept,) = cache.glob("history-inventory-*.asked.json")
    calls: list[str] = []
    real = Builder.recover
    monkeypatch.setattr(Builder, "recover", lambda self, sha, files=None: calls.append(sha) or real(self, sha, files))
    assert _again(scenario, cache).as_of(day, ["nvidia-device-plugin", "spark-a"]) == asked
    assert calls == []  # answered from the kept facts
    doc = json.loads(kept.read_text(encoding="utf-8"))
    for broken in ({**doc, "key": "another history"}, {**doc, "format": FORMAT - 1}, "{not json"):
        kept.write_text(broken if isinstance(broken, str) else json.dumps(broken), encoding="utf-8")
        calls.clear()
        assert _again(scenario, cache).as_of(day, ["nvidia-device-plugin", "spark-a"]) == asked
        assert len(calls) == 1  # worked out again, and kept again
        kept.write_text(json.dumps(doc), encoding="utf-8")


def test_a_commit_that_left_the_history_leaves_the_warm_read(work, tmp_path) -> None:
    """After a reset and a different commit (an amend, a rebase), the warm run is the cold run: the
    commit that left is neither counted nor kept."""
    from tests.history import lab

    cache, inv = tmp_path / "cache", work.root / "inventory"
    first = read_history(inv, cache_dir=cache)
    work.git("reset", "-q", "--hard", "HEAD~1")
    work.write("inventory/platform.yaml", lab.platform(cilium="1.18.5", plugin="0.18.0"))
    work.commit("cilium 1.18.5 instead", "2025-12-08T09:00:00+01:00")
    warm = read_history(inv, cache_dir=cache)
    assert warm.history.repos[0].parsed == 1
    cold = _as_cold(warm, inv)
    assert warm.history.repos[0].commits == cold.history.repos[0].commits == first.history.repos[0].commits
    assert "fix, cilium 1.18.4" not in {c.commit.message for c in warm.history.changes}
    files = Files(tmp_path / "cache")
    assert b"fix, cilium 1.18.4" not in files.log.read_bytes()  # the log was written again without it
    assert len(files.frames()[1]) == 1
    assert read_history(inv, cache_dir=cache).history.repos[0].parsed == 0


def test_a_cached_head_the_repository_no_longer_has_is_not_a_problem(work, tmp_path) -> None:
    """A head of the last run that left the history and was then pruned (a reset, ``git gc``): the walk
    cannot hide a commit the repository does not have, and the run reads what HEAD reaches."""
    from tests.history import lab

    cache, inv = tmp_path / "cache", work.root / "inventory"
    read_history(inv, cache_dir=cache)
    gone = work.git("rev-parse", "HEAD")
    work.git("reset", "-q", "--hard", "HEAD~1")
    work.git("reflog", "expire", "--expire=now", "--all")
    work.git("gc", "-q", "--prune=now")
    with pytest.raises(subprocess.CalledProcessError):  # gone from the object database
        work.git("cat-file", "-e", gone)
    work.write("inventory/platform.yaml", lab.platform(cilium="1.18.5", plugin="0.18.0"))
    work.commit("cilium 1.18.5 instead", "2025-12-08T09:00:00+01:00")
    warm = read_history(inv, cache_dir=cache)
    assert warm.history.repos[0].status == "ok"
    cold = _as_cold(warm, inv)
    assert warm.history.repos[0].commits == cold.history.repos[0].commits  # no commit logged twice
    again = read_history(inv, cache_dir=cache)
    assert again.history.repos[0].parsed == 0 and again.history.changes == cold.history.changes


def test_a_new_commit_that_edits_a_value_is_an_edit_of_the_revision_the_last_run_remembered(
    work, tmp_path, monkeypatch
) -> None:
    """The snapshot keeps the last revision of each section and its parse: a warm run's bump is then
    built from it without parsing YAML, and reads as a cold run does. A remembered block that is not
    what a run writes is ignored."""
    from labbook.history import chunks
    from tests.history import lab

    cache, inv = tmp_path / "cache", work.root / "inventory"
    read_history(inv, cache_dir=cache)
    files = Files(cache)
    assert set(files.snapshot()["remembered"]) == {"hardware", "platform", "rdma"}
    work.write("inventory/platform.yaml", lab.platform(cilium="1.18.5", plugin="0.18.0"))
    work.commit("cilium 1.18.5", "2025-12-21T09:00:00+01:00")
    parsed: list[str] = []
    real = chunks.parse
    monkeypatch.setattr(chunks, "parse", lambda name, text, **kw: parsed.append(name) or real(name, text, **kw))
    warm = read_history(inv, cache_dir=cache)
    assert (warm.history.repos[0].parsed, parsed) == (1, [])
    _as_cold(warm, inv)
    assert warm.history.changes[0].after == "1.18.5"

    snap = files.snapshot()
    snap["remembered"] = {"platform": {"text": 3, "tree": {}}, "rdma": {"text": "x", "tree": {}, "index": [["1", []]]}}
    files.write_snapshot(snap)
    work.write("inventory/platform.yaml", lab.platform(cilium="1.18.6", plugin="0.18.0"))
    work.commit("cilium 1.18.6", "2025-12-22T09:00:00+01:00")
    parsed.clear()
    warm = read_history(inv, cache_dir=cache)
    assert parsed == ["inventory/platform.yaml"]  # parsed the ordinary way
    assert warm.history.changes == read_history(inv, cache_dir=False).history.changes


def test_a_log_that_is_gone_is_written_whole_again(scenario, cached) -> None:
    cache, first = cached
    files = Files(cache)
    files.log.unlink()
    _rebuilt(scenario, cache, first)
    assert len(files.frames()[1]) == 1
    assert _again(scenario, cache).history.repos[0].parsed == 0


def test_a_run_with_nothing_new_writes_nothing(scenario, cached) -> None:
    """A rebuild of the site without a new commit reads the cache and leaves it as it was."""
    cache, first = cached
    files = Files(cache)
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (files.snap, files.log)}
    again = _again(scenario, cache)
    assert again.history.repos[0].parsed == 0 and again.history.changes == first.history.changes
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (files.snap, files.log)} == before


def test_bytes_of_the_snapshot_changed_under_a_matching_crc_never_raise(work, tmp_path) -> None:
    """What a damaged snapshot can do when even its CRC was made to match (a file made by hand): bytes
    changed at random in its payload, the CRC made to match. marshal loads many of them; each run
    still ends with a history (perhaps not the true one: the CRC is what vouches for the bytes), never
    an exception: the snapshot is checked as it loads. It is read by a run with a new commit, so the
    remembered parse and the head's state are used."""
    import random

    from tests.history import lab

    cache, inv = tmp_path / "cache", work.root / "inventory"
    read_history(inv, cache_dir=cache)
    work.write("inventory/platform.yaml", lab.platform(cilium="1.18.5", plugin="0.18.0"))
    work.commit("cilium 1.18.5", "2025-12-21T09:00:00+01:00")
    files = Files(cache)
    log, snap = files.log.read_bytes(), files.snap.read_bytes()
    blob = snap.partition(b"\n")[2][8:]
    rng = random.Random(12)
    loaded = 0
    for _ in range(150):
        data = bytearray(blob)
        for _ in range(rng.randint(1, 3)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        files.log.write_bytes(log)
        files.snap.write_bytes(
            snap.partition(b"\n")[0] + b"\n" + struct.pack("<II", len(data), zlib.crc32(data)) + data
        )
        timeline = read_history(inv, cache_dir=cache)
        assert timeline.history.repos[0].status == "ok"
        loaded += timeline.history.repos[0].parsed < COMMITS + 1
    assert loaded  # some of them were taken: the checks after the CRC were reached


def test_bytes_of_the_log_changed_at_random_are_never_trusted(work, tmp_path) -> None:
    """Bytes of the log changed at random (one to three, anywhere after the header line): the CRC the
    snapshot keeps catches every one, and the run reads every commit again, to the same history."""
    import random

    cache, inv = tmp_path / "cache", work.root / "inventory"
    first = read_history(inv, cache_dir=cache)
    files = Files(cache)
    log, snap = files.log.read_bytes(), files.snap.read_bytes()
    start = log.index(b"\n") + 1
    rng = random.Random(13)
    for _ in range(40):
        data = bytearray(log)
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(start, len(data))
            data[at] = (data[at] + rng.randrange(1, 256)) % 256
        files.log.write_bytes(bytes(data))
        files.snap.write_bytes(snap)
        again = read_history(inv, cache_dir=cache)
        assert again.history.repos[0].parsed == COMMITS
        assert again.history.changes == first.history.changes


def test_the_snapshot_of_an_older_format_is_removed_when_the_log_is_written_again(scenario, tmp_path) -> None:
    """Format 5 kept its snapshot as ``….json`` beside a ``….log`` of JSON lines: the first run of this
    format ignores both, writes the log again and removes the old snapshot."""
    cache = tmp_path / "cache"
    read_history(scenario.root / "inventory", cache_dir=cache)
    files = Files(cache)
    old = files.snap.with_suffix(".json")
    old.write_text('{"format": 5}', encoding="utf-8")
    files.log.write_text('{"format":5,"labbook":"0.1.0","key":"inventory:inventory"}\n', encoding="utf-8")
    files.snap.unlink()
    again = _again(scenario, cache)
    assert again.history.repos[0].parsed == COMMITS
    assert not old.exists() and files.snap.exists() and len(files.frames()[1]) == 1
    assert list(cache.glob("*.json")) == list(cache.glob("*.asked.json"))
