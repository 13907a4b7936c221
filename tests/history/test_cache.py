"""The history cache (format 5): what it keeps round-trips exactly, and anything that does not check out
is ignored and rebuilt, never trusted (a cut log, bytes changed, a line that does not validate even
with a matching CRC, a repeated commit, another format, a dropped warm-run hint)."""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import pytest

from labbook.history import read_history
from labbook.history.cache import FORMAT

COMMITS = 10
"""Commits in the scenario."""


def _files(cache: Path) -> tuple[Path, Path]:
    (snap,) = (p for p in cache.glob("history-inventory-*.json") if not p.name.endswith(".asked.json"))
    return snap, snap.with_suffix(".log")


def _vouch(snap: Path, log_bytes: bytes, logged: int | None = None) -> None:
    """Rewrite the log and make the snapshot vouch for it (length and CRC), as a run would have."""
    snap.with_suffix(".log").write_bytes(log_bytes)
    doc = json.loads(snap.read_text(encoding="utf-8"))
    doc["log_size"], doc["log_crc"] = len(log_bytes), zlib.crc32(log_bytes)
    if logged is not None:
        doc["logged"] = logged
    snap.write_text(json.dumps(doc), encoding="utf-8")


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


def _edit_last_line(cache: Path, edit) -> None:
    """Change the log's last record with ``edit`` and make the snapshot vouch for the result."""
    snap, log = _files(cache)
    header, *lines = log.read_bytes().split(b"\n")[:-1]
    row = json.loads(lines[-1])
    edit(row)
    lines[-1] = json.dumps(row).encode()
    _vouch(snap, b"\n".join([header, *lines]) + b"\n")


def test_a_warm_run_gives_what_a_cold_run_gives(scenario, cached) -> None:
    cache, first = cached
    again = _again(scenario, cache)
    assert again.history.repos[0].parsed == 0
    assert (again.history.changes, again.history.warnings) == (first.history.changes, first.history.warnings)
    cold = read_history(scenario.root / "inventory", cache_dir=False)
    assert again.history.changes == cold.history.changes
    # a state recovered from the files the log kept is the state a cold read computes
    day = cold.history.changes[-1].commit.day
    assert again.facts_on(day) == cold.facts_on(day)


def test_log_lines_are_records_with_their_commit_and_changes(cached) -> None:
    cache, first = cached
    _, log = _files(cache)
    header, *lines = log.read_bytes().decode().splitlines()
    assert json.loads(header)["format"] == FORMAT == 5
    rows = [json.loads(line) for line in lines]
    assert len(rows) == COMMITS
    assert all(set(row) == {"commit", "boundary", "files", "changes"} for row in rows)
    assert sum(len(row["changes"]) for row in rows) == len(first.history.changes)
    assert all(c["commit"]["sha"] == row["commit"]["sha"] for row in rows for c in row["changes"])


def test_a_log_cut_short_is_ignored(scenario, cached) -> None:
    cache, first = cached
    _, log = _files(cache)
    log.write_bytes(log.read_bytes()[:-40])
    _rebuilt(scenario, cache, first)


def test_changed_bytes_fail_the_crc(scenario, cached) -> None:
    cache, first = cached
    _, log = _files(cache)
    data = log.read_bytes()
    log.write_bytes(data.replace(b"1.18.3", b"1.18.9", 1))
    _rebuilt(scenario, cache, first)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda row: row["commit"].update(time="soon"), id="a time that is not a number"),
        pytest.param(lambda row: row["changes"].append({"subject": "node/x"}), id="a change missing fields"),
        pytest.param(lambda row: row.update(files=["inventory/hardware.yaml"]), id="files that are not a mapping"),
        pytest.param(lambda row: row["commit"].pop("parents"), id="a commit without parents"),
    ],
)
def test_a_line_that_does_not_validate_is_ignored_even_with_a_matching_crc(scenario, cached, edit) -> None:
    cache, first = cached
    _edit_last_line(cache, edit)
    _rebuilt(scenario, cache, first)


def test_a_commit_logged_twice_is_ignored(scenario, cached) -> None:
    cache, first = cached
    snap, log = _files(cache)
    data = log.read_bytes()
    last = data.rstrip(b"\n").rpartition(b"\n")[2] + b"\n"
    _vouch(snap, data + last, logged=COMMITS + 1)
    _rebuilt(scenario, cache, first)


def test_another_format_is_ignored(scenario, cached) -> None:
    cache, first = cached
    snap, _ = _files(cache)
    doc = json.loads(snap.read_text(encoding="utf-8"))
    doc["format"] = FORMAT - 1
    snap.write_text(json.dumps(doc), encoding="utf-8")
    _rebuilt(scenario, cache, first)


def test_logged_in_a_line_is_not_taken_from_it(scenario, cached) -> None:
    """Whether a record came from the log is the loader's to say: a line claiming ``logged`` changes
    nothing, and the next run appends only what it read."""
    cache, first = cached
    _edit_last_line(cache, lambda row: row.update(logged=False))
    _, log = _files(cache)
    again = _again(scenario, cache)
    assert again.history.repos[0].parsed == 0
    assert again.history.changes == first.history.changes
    assert len(log.read_bytes().splitlines()) == COMMITS + 1


def test_a_new_commit_appends_one_line(work, tmp_path) -> None:
    repo, work = work, work.root
    cache = tmp_path / "cache"
    read_history(work / "inventory", cache_dir=cache)
    _, log = _files(cache)
    before = log.read_bytes()
    hardware = work / "inventory" / "hardware.yaml"
    repo.write("inventory/hardware.yaml", hardware.read_text(encoding="utf-8").replace("gb: 128", "gb: 96", 1))
    repo.commit("less memory", "2025-12-21T09:00:00+01:00")
    warm = read_history(work / "inventory", cache_dir=cache)
    assert warm.history.repos[0].parsed == 1
    after = log.read_bytes()
    assert after.startswith(before) and after.count(b"\n") == before.count(b"\n") + 1
    cold = read_history(work / "inventory", cache_dir=False)
    assert (warm.history.changes, warm.history.warnings) == (cold.history.changes, cold.history.warnings)
    assert warm.history.changes[0].commit.message == "less memory"


def test_a_snapshot_with_the_tail_of_an_older_one_is_ignored(scenario, cached) -> None:
    """A snapshot followed by the end of an older one (a file written over in place, by a tool or a
    crash of a filesystem without rename ordering) does not parse."""
    cache, first = cached
    snap, _ = _files(cache)
    snap.write_bytes(snap.read_bytes() + b',"heads":[]}')
    _rebuilt(scenario, cache, first)
    assert _again(scenario, cache).history.repos[0].parsed == 0  # rewritten whole, and trusted again


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
    cold = read_history(inv, cache_dir=False)
    assert warm.history.repos[0].parsed == 1
    assert (warm.history.changes, warm.history.warnings) == (cold.history.changes, cold.history.warnings)
    assert warm.history.repos[0].commits == cold.history.repos[0].commits == first.history.repos[0].commits
    assert "fix, cilium 1.18.4" not in {c.commit.message for c in warm.history.changes}
    _, log = _files(cache)
    assert b"fix, cilium 1.18.4" not in log.read_bytes()  # the log was written again without it


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
    snap, _ = _files(cache)
    assert set(json.loads(snap.read_text(encoding="utf-8"))["remembered"]) == {"hardware", "platform", "rdma"}
    work.write("inventory/platform.yaml", lab.platform(cilium="1.18.5", plugin="0.18.0"))
    work.commit("cilium 1.18.5", "2025-12-21T09:00:00+01:00")
    parsed: list[str] = []
    real = chunks.parse
    monkeypatch.setattr(chunks, "parse", lambda name, text, **kw: parsed.append(name) or real(name, text, **kw))
    warm = read_history(inv, cache_dir=cache)
    assert (warm.history.repos[0].parsed, parsed) == (1, [])
    cold = read_history(inv, cache_dir=False)
    assert (warm.history.changes, warm.history.warnings) == (cold.history.changes, cold.history.warnings)
    assert warm.history.changes[0].after == "1.18.5"

    doc = json.loads(snap.read_text(encoding="utf-8"))
    doc["remembered"] = {"platform": {"text": 3, "tree": {}}, "rdma": {"text": "x", "tree": {}, "index": [["1", []]]}}
    snap.write_text(json.dumps(doc), encoding="utf-8")
    work.write("inventory/platform.yaml", lab.platform(cilium="1.18.6", plugin="0.18.0"))
    work.commit("cilium 1.18.6", "2025-12-22T09:00:00+01:00")
    parsed.clear()
    warm = read_history(inv, cache_dir=cache)
    assert parsed == ["inventory/platform.yaml"]  # parsed the ordinary way
    assert warm.history.changes == read_history(inv, cache_dir=False).history.changes
