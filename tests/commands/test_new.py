"""`labbook new`: a correctly named entry that validates, never clobbering one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from labbook.commands.new import slugify
from labbook.load.journal import load_journal
from tests.conftest import ROOT

LONG = "Running NCCL all-reduce across two DGX Sparks over a single ConnectX-7 cable with GPUDirect RDMA enabled"


@pytest.mark.parametrize(
    "title,slug",
    [
        ("SR-IOV on Talos: why?", "sr-iov-on-talos-why"),
        ("Ünïcödé  & spaces", "unicode-spaces"),
        ("!!!", "entry"),
        (LONG, "running-nccl-all-reduce-across-two-dgx-sparks-over-a-single-connectx-7-cable"),
        ("x" * 100, "x" * 80),
    ],
    ids=["punctuation", "unicode", "empty", "long-title-cut-between-words", "one-long-word"],
)
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug
    assert len(slug) <= 80


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
    assert entry.front.draft is True  # the body is a placeholder until the owner writes it
    assert path.read_text().startswith("---\ntitle: 'Multus: the second NIC'\n")
    assert path.read_text().endswith("---\n\nWrite here.\n")
    assert result.err == ""


def test_the_new_entry_passes_validate_as_a_draft_and_not_once_published(cli, tmp_path: Path) -> None:
    journal = tmp_path / "journal"
    assert cli("new", "First light", "--date", "2026-03-04", "--journal", str(journal)).code == 0
    assert cli("validate", "--journal", str(journal)).code == 0
    path = journal / "2026-03-04-first-light.md"
    path.write_text(path.read_text().replace("draft: true\n", ""))
    result = cli("validate", "--journal", str(journal))
    assert result.code == 2
    assert result.err.endswith(
        "2026-03-04-first-light.md:6:1: the entry still says 'Write here.' (expected its text, or draft: true until "
        "it is written)\n"
    )


def test_new_refuses_to_overwrite(cli, tmp_path: Path) -> None:
    journal = tmp_path / "journal"
    assert cli("new", "Same", "--date", "2026-01-01", "--journal", str(journal)).code == 0
    before = (journal / "2026-01-01-same.md").read_text()
    (journal / "2026-01-01-same.md").write_text(before + "\nMy words.\n")
    result = cli("new", "Same", "--date", "2026-01-01", "--journal", str(journal))
    assert result.code == 2
    assert result.err.endswith("2026-01-01-same.md: already exists (expected a new title)\n")
    assert (journal / "2026-01-01-same.md").read_text().endswith("My words.\n")


def test_new_refuses_a_slug_another_date_already_uses(cli, tmp_path: Path) -> None:
    journal = tmp_path / "journal"
    assert cli("new", "Same", "--date", "2026-01-01", "--journal", str(journal)).code == 0
    (journal / "2026-01-05-other.md").write_text("---\ntitle: O\ndate: 2026-01-05\nslug: taken\n---\n\nText.\n")
    for title, used in (("Same", "2026-01-01-same.md"), ("Taken", "2026-01-05-other.md")):
        result = cli("new", title, "--date", "2026-02-02", "--journal", str(journal), cwd=tmp_path)
        assert result.code == 2
        slug = title.lower()
        assert result.err == (
            f"journal/2026-02-02-{slug}.md: slug {slug!r} is already used by journal/{used} (expected a new title)\n"
        )
    assert sorted(p.name for p in journal.iterdir()) == ["2026-01-01-same.md", "2026-01-05-other.md"]


def test_tags_are_written_lowercase(cli, tmp_path: Path) -> None:
    journal = tmp_path / "journal"
    result = cli(
        "new", "T", "--date", "2026-01-01", "--tags", "Hardware, GPU Direct,hardware", "--journal", str(journal)
    )
    assert result.code == 0, result.err
    (entry,) = load_journal(journal).entries
    assert entry.front.tags == ["hardware", "gpu-direct"]


def test_a_tag_or_series_close_to_one_in_use_is_a_warning(cli, tmp_path: Path) -> None:
    journal = tmp_path / "journal"
    cli(
        "new",
        "A",
        "--date",
        "2026-01-01",
        "--tags",
        "sriov",
        "--series",
        "RDMA on Kubernetes",
        "--journal",
        str(journal),
    )
    result = cli(
        "new",
        "B",
        "--date",
        "2026-01-02",
        "--tags",
        "sr-iov",
        "--series",
        "RDMA on Kubernets",
        "--journal",
        str(journal),
    )
    assert result.code == 0
    assert result.err.splitlines() == [
        "warning: --tags: 'sr-iov' is a new tag (did you mean 'sriov'?)",
        "warning: --series: 'RDMA on Kubernets' is a new series (did you mean 'RDMA on Kubernetes'?)",
    ]


@pytest.mark.parametrize(
    "args,message",
    [
        (["--related", "ghost"], "--related: unknown id 'ghost' (expected a component or node id from "),
        (["--related", "cilum"], "--related: unknown id 'cilum' (did you mean 'cilium'? expected a component or node"),
        (["--tags", "!!!"], "--tags: '!!!' has no letters or digits (expected a tag)"),
        (["--date", "tomorrow"], "--date: 'tomorrow' is not a date (expected YYYY-MM-DD)"),
        (["--date", "2026-02-30"], "--date: '2026-02-30' is not a date (expected YYYY-MM-DD)"),
        (["--summary", " "], "--summary: got ' ' (expected a non-empty string)"),
    ],
    ids=["related", "related-typo", "tag", "date", "impossible-date", "summary"],
)
def test_new_rejects_bad_arguments_without_writing(cli, tmp_path: Path, args: list[str], message: str) -> None:
    journal = tmp_path / "journal"
    result = cli("new", "Title", *args, "--journal", str(journal), "--inventory", str(ROOT / "inventory"))
    assert result.code == 2
    assert result.err.startswith(message)
    assert not journal.exists() or not any(journal.iterdir())


def test_a_journal_that_is_a_file_is_bad_input(cli, tmp_path: Path) -> None:
    (tmp_path / "notes").write_text("")
    result = cli("new", "Title", "--journal", "notes", cwd=tmp_path)
    assert (result.code, result.err) == (
        2,
        "notes: is a file, not a folder (expected a writable folder for journal entries)\n",
    )
