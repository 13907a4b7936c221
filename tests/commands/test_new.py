"""`labbook new`: a correctly named entry that validates, never clobbering one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from labbook.commands.new import slugify
from labbook.load.journal import load_journal
from tests.conftest import ROOT


@pytest.mark.parametrize(
    "title,slug",
    [("SR-IOV on Talos: why?", "sr-iov-on-talos-why"), ("Ünïcödé  & spaces", "unicode-spaces"), ("!!!", "entry")],
    ids=["punctuation", "unicode", "empty"],
)
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_new_writes_a_valid_entry(cli, tmp_path: Path) -> None:
    journal = tmp_path / "journal"
    result = cli(
        "new", "Multus: the second NIC", "--tags", "rdma,multus", "--related", "multus,talos-7aj-lwl",
        "--series", "RDMA on Kubernetes", "--summary", "How pods get net1.", "--date", "2026-03-04",
        "--journal", str(journal), "--inventory", str(ROOT / "inventory"),
    )  # fmt: skip
    assert result.code == 0, result.err
    path = journal / "2026-03-04-multus-the-second-nic.md"
    assert result.out.strip().endswith("2026-03-04-multus-the-second-nic.md")
    (entry,) = load_journal(journal, {"multus", "talos-7aj-lwl"}).entries
    assert entry.front.title == "Multus: the second NIC"
    assert entry.front.date == dt.date(2026, 3, 4)
    assert entry.front.tags == ["rdma", "multus"]
    assert entry.front.related == ["multus", "talos-7aj-lwl"]
    assert entry.front.series == "RDMA on Kubernetes"
    assert entry.front.draft is False
    assert path.read_text().startswith("---\ntitle: 'Multus: the second NIC'\n")


def test_new_refuses_to_overwrite(cli, tmp_path: Path) -> None:
    journal = tmp_path / "journal"
    assert cli("new", "Same", "--date", "2026-01-01", "--journal", str(journal)).code == 0
    before = (journal / "2026-01-01-same.md").read_text()
    (journal / "2026-01-01-same.md").write_text(before + "\nMy words.\n")
    result = cli("new", "Same", "--date", "2026-01-01", "--journal", str(journal))
    assert result.code == 2
    assert result.err.endswith("2026-01-01-same.md: already exists (expected a new title or --date)\n")
    assert (journal / "2026-01-01-same.md").read_text().endswith("My words.\n")


@pytest.mark.parametrize(
    "args,message",
    [
        (["--related", "ghost"], "labbook new: --related: unknown id(s) ghost (expected component or node ids from"),
        (["--tags", "Bad Tag"], "labbook new: tags[0]: String should match pattern"),
        (["--date", "tomorrow"], "labbook new: --date 'tomorrow' is not a date (expected YYYY-MM-DD)"),
    ],
    ids=["related", "tag", "date"],
)
def test_new_rejects_bad_arguments_without_writing(cli, tmp_path: Path, args: list[str], message: str) -> None:
    journal = tmp_path / "journal"
    result = cli("new", "Title", *args, "--journal", str(journal), "--inventory", str(ROOT / "inventory"))
    assert result.code == 2
    assert result.err.startswith(message)
    assert not journal.exists() or not any(journal.iterdir())
