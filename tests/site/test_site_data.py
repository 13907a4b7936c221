"""Loading what a site build reads: reports, every problem at once, inputs as they are now (no site build).

Where the folders come from and whether drafts are in the build: ``test_site_settings.py``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from labbook.errors import BadInput
from labbook.formats.json import render_json
from labbook.load.reports import load_report, load_reports
from labbook.load.site import SitePaths, load_site
from labbook.models.report import Finding, Report
from tests.conftest import ROOT

STAMP = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def report(source: str = "flux", **kw) -> Report:
    return Report(source=source, target="examples/flux", generated_at=STAMP, **kw)


def test_report_written_by_the_json_format_reads_back(tmp_path: Path) -> None:
    original = report(
        revision="abc",
        subjects=["component/cilium"],
        findings=[Finding(code="missing", subject="component/cilium", message="gone")],
    )
    (tmp_path / "flux.json").write_text(render_json(original))
    assert load_report(tmp_path / "flux.json", "flux") == original


def test_absent_reports_are_none_and_present_ones_load(tmp_path: Path) -> None:
    (tmp_path / "docs.json").write_text(render_json(report("docs")))
    assert load_reports(tmp_path) == {"flux": None, "cluster": None, "docs": report("docs")}
    assert load_reports(tmp_path / "no-such-folder") == {"flux": None, "cluster": None, "docs": None}


def test_every_bad_report_is_reported_together(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("r").mkdir()
    Path("r/flux.json").write_text('{\n  "labbook_report": 1,\n  "source": "flux",\n  "target": 3,\n}\n')
    Path("r/cluster.json").write_text(render_json(report("flux")))
    Path("r/docs.json").write_bytes(b'{"target": "\xff"}')
    with pytest.raises(BadInput) as exc:
        load_reports(Path("r"))
    assert exc.value.lines() == [
        "r/flux.json:5:1: invalid JSON: Expecting property name enclosed in double quotes (expected a labbook report)",
        "r/cluster.json:3:13: source: got 'flux' (expected 'cluster' in cluster.json)",
        "r/docs.json:1:13: invalid UTF-8 byte 0xff (expected UTF-8 text)",
    ]


def test_schema_errors_carry_the_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    text = render_json(report()).replace('"generated_at": "2026-11-28T12:00:00Z"', '"generated_at": "yesterday"')
    Path("flux.json").write_text(text)
    with pytest.raises(BadInput) as exc:
        load_report(Path("flux.json"))
    (line,) = exc.value.lines()
    assert line.startswith("flux.json:6:19: generated_at: got 'yesterday' (expected")


def test_load_site_collects_problems_from_every_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "journal").mkdir()
    (tmp_path / "journal" / "2026-01-01-x.md").write_text("---\ntitle: X\n---\nbody\n")
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "flux.json").write_text("[]")
    with pytest.raises(BadInput) as exc:
        load_site(SitePaths(tmp_path / "inventory", tmp_path / "journal", tmp_path / "reports"))
    assert exc.value.lines() == [
        "inventory: inventory folder not found (expected a folder of YAML files)",
        "journal/2026-01-01-x.md:2:1: date: missing required key 'date' (expected it to be set)",
        "reports/flux.json:1:1: got a list (expected a labbook_report: 1 object)",
    ]


def test_the_build_sees_the_inputs_as_they_are_now(tmp_path: Path) -> None:
    """The digests the site compares reports with are taken from the files, at load time."""
    import shutil

    for part in ("inventory", "journal", "docs"):
        shutil.copytree(ROOT / part, tmp_path / part)
    paths = SitePaths(tmp_path / "inventory", tmp_path / "journal", tmp_path / "reports", tmp_path / "docs")
    before = load_site(paths).now
    site = tmp_path / "inventory" / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8").replace("homelab kubernetes", "four-node homelab kubernetes"))
    after = load_site(paths).now
    assert before.changes(after) == ["inventory/site.yaml"]
    (tmp_path / "docs" / "new.md").write_text("# New\n", encoding="utf-8")
    assert after.changes(load_site(paths).now) == ["docs/new.md"]


def test_journal_evidence_must_be_a_published_entry(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(ROOT / "inventory", tmp_path / "inventory")
    shutil.copytree(ROOT / "journal", tmp_path / "journal")
    rdma = tmp_path / "inventory" / "rdma.yaml"
    text = rdma.read_text(encoding="utf-8")
    rdma.write_text(
        text.replace(
            "      - journal: 2025-11-16-sr-iov-on-talos", "      - journal: 2025-11-16-sr-iov-on-talso"
        ).replace(
            "      - journal: 2025-12-14-nccl-across-the-sparks\n      - url:",
            "      - journal: 2026-01-11-gpu-direct-on-unified-memory\n      - url:",
        ),
        encoding="utf-8",
    )
    lines = rdma.read_text(encoding="utf-8").splitlines()
    typo = next(i for i, line in enumerate(lines) if "sr-iov-on-talso" in line) + 1
    draft = next(i for i, line in enumerate(lines) if "gpu-direct-on-unified-memory" in line) + 1
    with pytest.raises(BadInput) as exc:
        load_site(SitePaths(tmp_path / "inventory", tmp_path / "journal", tmp_path / "reports"))
    shown = (tmp_path / "inventory" / "rdma.yaml").as_posix()
    assert exc.value.lines() == [
        f"{shown}:{typo}:18: capabilities[0].evidence[0].journal: no journal entry '2025-11-16-sr-iov-on-talso' "
        "(expected the file name of an entry, without .md)",
        f"{shown}:{draft}:18: capabilities[4].evidence[0].journal: '2026-01-11-gpu-direct-on-unified-memory' is a "
        "draft (expected a published entry: drafts are not on the site)",
    ]
