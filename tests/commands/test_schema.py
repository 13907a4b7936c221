"""`labbook schema --output DIR`: the folder is made when it can be, and refused with its path when not."""

from __future__ import annotations

from pathlib import Path


def test_a_missing_schema_folder_is_made(cli, tmp_path: Path) -> None:
    result = cli("schema", "--output", str(tmp_path / "new" / "schema"))
    assert result.code == 0, result.err
    assert sorted(p.name for p in (tmp_path / "new" / "schema").iterdir()) == [
        "hardware.schema.json", "platform.schema.json", "rdma.schema.json", "site.schema.json",
    ]  # fmt: skip


def test_a_schema_folder_under_a_file_is_bad_input(cli, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    result = cli("schema", "--output", "file/schema", cwd=tmp_path)
    assert (result.code, result.err) == (
        2,
        "file/schema: cannot be created: file is not a folder (expected a writable folder for the schema)\n",
    )
    assert result.out == ""


def test_check_against_a_file_is_bad_input(cli, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    result = cli("schema", "--check", "--output", "file", cwd=tmp_path)
    assert (result.code, result.err) == (2, "file: is a file, not a folder (expected the schema folder)\n")
