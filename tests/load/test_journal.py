"""Journal loading: names, front matter, ordering, drafts, series and `related` checks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from labbook.errors import BadInput
from labbook.load.journal import load_journal, read_journal

IDS = {"cilium", "multus", "talos-7aj-lwl"}


def entry(folder: Path, name: str, front: str, body: str = "Body.\n") -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(f"---\n{front}---\n\n{body}")
    return path


@pytest.fixture
def jdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return Path("journal")


def errors(jdir: Path) -> list[str]:
    with pytest.raises(BadInput) as exc:
        load_journal(jdir, IDS)
    return exc.value.lines()


def test_newest_first_with_drafts_series_and_related(jdir: Path) -> None:
    entry(jdir, "2026-01-05-b.md", "title: B\ndate: 2026-01-05\nseries: S\nrelated: [cilium]\n")
    entry(jdir, "2026-03-01-c.md", "title: C\ndate: 2026-03-01\ndraft: true\nseries: S\nrelated: [cilium]\n")
    entry(jdir, "2026-01-05-a.md", "title: A\ndate: 2026-01-05\nseries: S\ntags: [rdma, talos]\n")
    entry(jdir, "2025-12-31-z.md", "title: Z\ndate: 2025-12-31\n")
    journal = load_journal(jdir, IDS)
    assert [e.slug for e in journal.entries] == ["c", "b", "a", "z"]
    assert [e.slug for e in journal.published()] == ["b", "a", "z"]
    assert [e.slug for e in journal.series("S")] == ["a", "b"]
    assert [e.slug for e in journal.series("S", drafts=True)] == ["a", "b", "c"]
    assert [e.slug for e in journal.related_to("cilium")] == ["b"]
    assert journal.entries[2].front.tags == ["rdma", "talos"]
    assert journal.entries[0].date == dt.date(2026, 3, 1)
    assert journal.entries[0].path == "journal/2026-03-01-c.md"
    assert journal.entries[0].body_line == 8  # the line after the closing ---


def test_front_matter_slug_overrides_the_file_name(jdir: Path) -> None:
    entry(jdir, "2026-01-05-b.md", "title: B\ndate: 2026-01-05\nslug: better\n")
    assert load_journal(jdir, IDS).entries[0].slug == "better"


def test_helm_templates_in_the_body_are_not_touched(jdir: Path) -> None:
    body = "```yaml\nimage: {{ .Values.image.tag }}\n{{- if .Values.x }}\n```\n\n```bash\necho ${#arr[@]}\n```\n"
    path = entry(jdir, "2026-01-05-helm.md", "title: Helm\ndate: 2026-01-05\n", body)
    journal = load_journal(jdir, IDS)
    assert journal.entries[0].slug == "helm"
    assert path.read_text().endswith(body)


BAD = [
    ("bad-name", "notes.md", "title: X\ndate: 2026-01-01\n", "journal/notes.md: file name is not a journal entry name (expected YYYY-MM-DD-slug.md)"),
    ("no-title", "2026-01-01-x.md", "date: 2026-01-01\n", "journal/2026-01-01-x.md:2:1: title: missing required key 'title' (expected it to be set)"),
    ("bad-date", "2026-01-01-x.md", "title: X\ndate: someday\n", "journal/2026-01-01-x.md:3:7: date: got 'someday' (expected a date like 2026-01-31)"),
    ("date-differs", "2026-01-01-x.md", "title: X\ndate: 2026-01-02\n", "journal/2026-01-01-x.md:3:7: date: 2026-01-02 differs from the file name (expected 2026-01-01)"),
    ("unknown-key", "2026-01-01-x.md", "title: X\ndate: 2026-01-01\nsumary: y\n", "journal/2026-01-01-x.md:4:1: sumary: unknown key 'sumary' (did you mean 'summary'? expected one of: authors, categories, date, draft, pin, related, render_macros, series, slug, summary, tags, title)"),
    ("dup-key", "2026-01-01-x.md", "title: X\ndate: 2026-01-01\ntitle: Y\n", "journal/2026-01-01-x.md:4:1: duplicate key 'title', first defined on line 2 (expected each key once per mapping)"),
    ("draft-type", "2026-01-01-x.md", "title: X\ndate: 2026-01-01\ndraft: maybe\n", "journal/2026-01-01-x.md:4:8: draft: got 'maybe' (expected true or false)"),
    ("unknown-related", "2026-01-01-x.md", "title: X\ndate: 2026-01-01\nrelated:\n  - cilium\n  - calico\n", "journal/2026-01-01-x.md:6:5: related[1]: unknown id 'calico' (expected a component or node id)"),
    ("bad-tag", "2026-01-01-x.md", "title: X\ndate: 2026-01-01\ntags: [RDMA]\n", "journal/2026-01-01-x.md:4:8: tags[0]: got 'RDMA' (did you mean 'rdma'? expected a lowercase tag: lowercase letters, digits and '-', starting and ending with a letter or digit)"),
    ("not-mapping", "2026-01-01-x.md", "- a\n", "journal/2026-01-01-x.md:2:1: front matter is not a mapping (expected keys such as title: and date:)"),
    ("impossible-date", "2026-02-30-x.md", "title: X\ndate: 2026-02-30\n", "journal/2026-02-30-x.md:3:7: date: 2026-02-30 is not a date: day is out of range for month (expected a date that exists, like 2026-01-31)"),
    ("datetime-date", "2026-01-01-x.md", "title: X\ndate: 2026-01-01 10:30:00\n", "journal/2026-01-01-x.md:3:7: date: got 2026-01-01 10:30:00 (expected a date without a time, like 2026-01-01)"),
    ("related-case", "2026-01-01-x.md", "title: X\ndate: 2026-01-01\nrelated: [Cilium]\n", "journal/2026-01-01-x.md:4:11: related[0]: unknown id 'Cilium' (did you mean 'cilium'? expected a component or node id)"),
    ("related-typo", "2026-01-01-x.md", "title: X\ndate: 2026-01-01\nrelated: [multsu]\n", "journal/2026-01-01-x.md:4:11: related[0]: unknown id 'multsu' (did you mean 'multus'? expected a component or node id)"),
    ("colon-in-title", "2026-01-01-x.md", "title: Test: with colon\ndate: 2026-01-01\n", "journal/2026-01-01-x.md:2:12: a ': ' inside an unquoted value (expected the whole value in quotes); hint: write title: \"Test: with colon\""),
    ("broken-yaml", "2026-01-01-x.md", "title: [X\ndate: 2026-01-01\n", "journal/2026-01-01-x.md:2:8: a '[' that is not closed (expected ',' between items and ']' before line 3); hint: quote values that contain ',', '[' or ']'"),
]  # fmt: skip


@pytest.mark.parametrize("name,front,expected", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_entries_name_file_line_and_expectation(jdir: Path, name: str, front: str, expected: str) -> None:
    entry(jdir, name, front)
    assert errors(jdir) == [expected]


def test_no_front_matter(jdir: Path) -> None:
    jdir.mkdir()
    (jdir / "2026-01-01-x.md").write_text("# Just markdown\n")
    assert errors(jdir) == [
        "journal/2026-01-01-x.md:1:1: no front matter (expected a '---' block with title and date first)"
    ]


def test_front_matter_that_is_never_closed(jdir: Path) -> None:
    jdir.mkdir()
    (jdir / "2026-01-01-x.md").write_text("---\ntitle: X\ndate: 2026-01-01\n\n# Heading\nText.\n")
    assert errors(jdir) == [
        "journal/2026-01-01-x.md:1:1: front matter is not closed (expected a '---' line after the title, date and "
        "other keys); hint: add a line with only '---' before the text"
    ]


def test_placeholder_text_is_only_allowed_in_a_draft(jdir: Path) -> None:
    entry(jdir, "2026-01-01-x.md", "title: X\ndate: 2026-01-01\n", "Write here.\n")
    entry(jdir, "2026-01-02-y.md", "title: Y\ndate: 2026-01-02\ndraft: true\n", "Write here.\n")
    assert errors(jdir) == [
        "journal/2026-01-01-x.md:6:1: the entry still says 'Write here.' (expected its text, or draft: true until it "
        "is written)"
    ]


def test_files_that_are_never_read_are_warnings(jdir: Path) -> None:
    entry(jdir, "2026-01-01-x.md", "title: X\ndate: 2026-01-01\n")
    (jdir / "2026-01-02-second post.markdown").write_text("---\ntitle: Y\n---\n")
    (jdir / "photo.png").write_bytes(b"\x89PNG")
    (jdir / ".authors.yml").write_text("authors: {}\n")
    journal, problems = read_journal(jdir, IDS)
    assert journal is not None and [e.slug for e in journal.entries] == ["x"]
    assert [str(p) for p in problems] == [
        "warning: journal/2026-01-02-second post.markdown: not read: file name is not a journal entry name "
        "(expected YYYY-MM-DD-slug.md); hint: rename it to 2026-01-02-second-post.md"
    ]


def test_a_tag_or_series_that_looks_like_a_typo_is_a_warning(jdir: Path) -> None:
    entry(jdir, "2026-01-01-a.md", "title: A\ndate: 2026-01-01\ntags: [sriov]\nseries: RDMA on Kubernetes\n")
    entry(jdir, "2026-01-02-b.md", "title: B\ndate: 2026-01-02\ntags: [sriov, nccl]\nseries: RDMA on Kubernetes\n")
    entry(jdir, "2026-01-03-c.md", "title: C\ndate: 2026-01-03\ntags: [sr-iov, talos]\nseries: RDMA on Kubernets\n")
    journal, problems = read_journal(jdir, IDS)
    assert journal is not None
    assert [str(p) for p in problems] == [
        "warning: journal/2026-01-03-c.md:4:8: tags[0]: 'sr-iov' is used by no other entry (did you mean 'sriov'?)",
        "warning: journal/2026-01-03-c.md:5:9: series: 'RDMA on Kubernets' is used by no other entry "
        "(did you mean 'RDMA on Kubernetes'?)",
    ]


def test_the_journal_folder_is_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("journal").write_text("")
    assert read_journal(Path("journal"))[1][0].message == "is a file (expected a folder of YYYY-MM-DD-slug.md)"


def test_duplicate_slugs(jdir: Path) -> None:
    entry(jdir, "2026-01-01-x.md", "title: X\ndate: 2026-01-01\n")
    entry(jdir, "2026-01-02-y.md", "title: Y\ndate: 2026-01-02\nslug: x\n")
    assert errors(jdir) == [
        "journal/2026-01-02-y.md:1:1: slug 'x' is also used by journal/2026-01-01-x.md (expected one entry per slug)"
    ]


def test_all_entries_problems_are_collected(jdir: Path) -> None:
    entry(jdir, "2026-01-01-x.md", "title: X\ndate: 2026-01-02\n")
    entry(jdir, "2026-01-03-y.md", "date: 2026-01-03\n")
    entry(jdir, "2026-01-04-z.md", "title: Z\ndate: 2026-01-04\nrelated: [nope]\n")
    assert [e.split(":")[0] for e in errors(jdir)] == [
        "journal/2026-01-01-x.md", "journal/2026-01-03-y.md", "journal/2026-01-04-z.md",
    ]  # fmt: skip


def test_related_is_not_checked_without_known_ids(jdir: Path) -> None:
    entry(jdir, "2026-01-04-z.md", "title: Z\ndate: 2026-01-04\nrelated: [anything]\n")
    assert load_journal(jdir).entries[0].front.related == ["anything"]
