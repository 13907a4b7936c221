"""Output helpers every command shares: tables that fit the terminal, checked and atomic writes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from labbook.commands._emit import fit
from labbook.commands.flux_list import table
from labbook.errors import BadInput
from labbook.files import atomic_write, output_problems, overwrite_sealed, write_unsynced
from labbook.sources.flux import read_repo
from tests.conftest import ROOT

ROWS = [("KIND", "NAME", "SOURCE"), ("HelmRelease", "cilium", "https://helm.cilium.io/" + "x" * 60)]


def test_fit_leaves_a_table_alone_when_there_is_no_width() -> None:
    lines = fit(ROWS, None)
    assert lines[1] == "HelmRelease  cilium  https://helm.cilium.io/" + "x" * 60


def test_fit_cuts_the_widest_column_first_and_marks_the_cut() -> None:
    lines = fit(ROWS, 50)
    assert all(len(line) <= 50 for line in lines)
    assert lines[1].startswith("HelmRelease  cilium  https://helm.cilium.io/")
    assert lines[1].endswith("…")
    assert lines[0].split() == ["KIND", "NAME", "SOURCE"]


def test_fit_never_cuts_a_column_below_its_minimum() -> None:
    lines = fit(ROWS, 10)
    assert lines[1].split("  ")[0] == "HelmRelease"[:7] + "…"


def test_flux_list_table_fits_80_columns() -> None:
    observed = read_repo(ROOT / "examples" / "flux", "clusters/homelab")
    wide, narrow = table(observed), table(observed, 80)
    assert max(map(len, wide.splitlines())) > 200  # the table the issue saw
    assert max(map(len, narrow.splitlines())) <= 80
    (wide_head, wide_rows), (narrow_head, narrow_rows) = (t.split("\n\n", 1) for t in (wide, narrow))
    assert narrow_head.split() == wide_head.split()  # how the repo was read: wrapped, every word kept
    assert len(narrow_rows.splitlines()) == len(wide_rows.splitlines())
    assert narrow_rows.splitlines()[0].split() == ["KIND", "NAMESPACE", "NAME", "CHART", "VERSION", "SOURCE", "FILE"]


def test_atomic_write_makes_missing_parents_and_respects_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        atomic_write(tmp_path / "a" / "b" / "x.json", "{}")
    finally:
        os.umask(old)
    path = tmp_path / "a" / "b" / "x.json"
    assert path.read_text() == "{}"
    assert path.stat().st_mode & 0o777 == 0o644
    assert [p.name for p in path.parent.iterdir()] == ["x.json"], "no temp file left behind"


def test_atomic_write_follows_a_symlink_instead_of_replacing_it(tmp_path: Path) -> None:
    target = tmp_path / "real.txt"
    target.write_text("old")
    (tmp_path / "link.txt").symlink_to(target)
    atomic_write(tmp_path / "link.txt", "new")
    assert (tmp_path / "link.txt").is_symlink() and target.read_text() == "new"


@pytest.mark.parametrize(
    "make,name,message",
    [
        (lambda p: (p / "d").mkdir(), "d", "d: is a folder (expected a file name to write the file to)"),
        (
            lambda p: (p / "f").write_text(""),
            "f/x.json",
            "f/x.json: cannot write the file: f is a file, not a folder (expected a writable folder)",
        ),
        (
            lambda p: (p / "loop").symlink_to("loop"),
            "loop/x.json",
            "loop/x.json: cannot write the file: loop is a broken symlink or a symlink loop (expected a writable folder)",
        ),
    ],
    ids=["folder", "parent-is-a-file", "symlink-loop"],
)
def test_unwritable_outputs_are_bad_input_naming_the_path(tmp_path: Path, monkeypatch, make, name, message) -> None:
    monkeypatch.chdir(tmp_path)
    make(tmp_path)
    assert [str(p) for p in output_problems(Path(name), "the file")] == [message]
    with pytest.raises(BadInput) as exc:
        atomic_write(Path(name), "x")
    assert exc.value.lines() == [message]


def _refused_in_a_file(tmp_path: Path, monkeypatch, write, name: str) -> None:
    """``write`` (a cache writer) into a folder that is a file: one line, the path, what was expected."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "f").write_text("")
    with pytest.raises(BadInput) as exc:
        write(Path(f"f/{name}"), b"data")
    assert exc.value.lines() == [
        f"f/{name}: cannot write the file: f is a file, not a folder (expected a writable folder)"
    ]


def test_a_cache_file_is_written_whole_in_a_new_folder_and_bad_input_where_it_cannot_be(
    tmp_path: Path, monkeypatch
) -> None:
    data = bytes(range(256)) * 4  # not text: written as it is
    write_unsynced(tmp_path / "cache" / "history.log", data)
    assert (tmp_path / "cache" / "history.log").read_bytes() == data
    assert [p.name for p in (tmp_path / "cache").iterdir()] == ["history.log"], "no temp file left behind"
    atomic_write(tmp_path / "bytes.bin", data)
    assert (tmp_path / "bytes.bin").read_bytes() == data
    _refused_in_a_file(tmp_path, monkeypatch, write_unsynced, "history.log")


def test_a_sealed_cache_file_is_written_over_in_place_whole_and_bad_input_where_it_cannot_be(
    tmp_path: Path, monkeypatch
) -> None:
    """The history snapshot is written over in place: no temp file, the same inode, and a shorter
    write leaves nothing of the longer one after it."""
    path = tmp_path / "cache" / "history.snapshot"
    long, short = bytes(range(256)) * 40, b"\x00\n" * 10
    overwrite_sealed(path, long)  # a new folder, a new file
    assert path.read_bytes() == long
    inode = path.stat().st_ino
    overwrite_sealed(path, short)
    assert path.read_bytes() == short and path.stat().st_ino == inode
    assert [p.name for p in path.parent.iterdir()] == ["history.snapshot"]
    _refused_in_a_file(tmp_path, monkeypatch, overwrite_sealed, "history.snapshot")


def test_reports_and_outputs_respect_the_umask(tmp_path: Path) -> None:
    out, report = tmp_path / "out.txt", tmp_path / "deep" / "report.json"
    code = (
        "import os, sys; os.umask(0o027); from labbook.cli import main; "
        f"sys.exit(main(['drift', 'docs', '--output', {str(out)!r}, '--report', {str(report)!r}]))"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode in (0, 1), proc.stderr
    assert oct(out.stat().st_mode & 0o777) == oct(0o640)
    assert oct(report.stat().st_mode & 0o777) == oct(0o640)
    out.chmod(0o604)
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert oct(out.stat().st_mode & 0o777) == oct(0o604), "an existing file keeps its mode"


def test_an_output_to_dev_null_is_written_in_place(cli) -> None:
    result = cli("drift", "docs", "--output", "/dev/null")
    assert result.code in (0, 1), result.err
    assert Path("/dev/null").is_char_device()


def test_a_problem_is_always_printed_on_one_line() -> None:
    """Quoted input can hold any line break str.splitlines knows (U+2028, U+0085 …) or an escape sequence."""
    import io

    from labbook.cli import show
    from labbook.errors import Problem

    out = io.StringIO()
    show([Problem("f.yaml", 3, 1, "got 'a\u2028b' (expected x)", "write '- a\x85b\x1b[31m'")], out)
    assert out.getvalue() == "f.yaml:3:1: got 'a b' (expected x); hint: write '- a b\\x1b[31m'\n"
