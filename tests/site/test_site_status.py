"""The Status page and the home page's verified line, built from Report JSON in a temp reports folder."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from labbook.formats.json import render_json
from labbook.load.inputs import read_inputs
from labbook.models.location import Location
from labbook.models.report import Finding, Report
from tests.conftest import run_labbook
from tests.site.conftest import build, built_ok
from tests.site.html import Element, parse

pytestmark = pytest.mark.site

STAMP = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)
SHA = "0123456789abcdef0123456789abcdef01234567"


def write_report(folder: Path, report: Report) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{report.source}.json").write_text(render_json(report), encoding="utf-8")


def in_sync(source: str, target: str, revision: str | None = None, project: Path | None = None) -> Report:
    """An in-sync report; bound to ``project``'s inventory (and docs) as they are now, when given."""
    inputs = None
    if project is not None:
        inputs = read_inputs(project / "inventory", project / "docs" if source == "docs" else None)
    return Report(
        source=source,
        target=target,
        revision=revision,
        generated_at=STAMP,
        subjects=["component/cilium", "node/x"],
        inputs=inputs,
    )


def article(site: Path, url: str) -> Element:
    return parse((site / url / "index.html").read_text(encoding="utf-8")).find("article")


def test_in_sync_reports(project: Path) -> None:
    reports = project / "reports"
    write_report(reports, in_sync("flux", "examples/flux", SHA, project))
    write_report(reports, in_sync("cluster", "examples/cluster/snapshot.yaml", "2026-11-27T08:00:00Z", project))
    write_report(reports, in_sync("docs", "docs", project=project))
    site = built_ok(build(project)).site
    status = article(site, "status")
    assert [p.text() for p in status.iter("p", cls="admonition-title")] == ["In sync"] * 3
    boxes = [div.text() for div in status.iter("div", cls="success")]
    assert boxes[0] == (
        "In sync Checked 2026-11-28 09:30 UTC against examples/flux at commit 0123456789ab: "
        "2 subjects, 0 findings, 0 warnings."
    )
    assert "against examples/cluster/snapshot.yaml at 2026-11-27T08:00:00Z" in boxes[1]
    assert not list(status.iter("table"))
    line = article(site, "").find("span", cls="lb-badge").text()
    assert line == "in sync"
    assert "Docs verified 2026-11-28 09:30 UTC" in article(site, "").text()


def test_a_stale_report_renders_stale(project: Path) -> None:
    """Checked in sync, then a fourth node: Home and Status say stale, never the old "in sync"."""
    reports = project / "reports"
    write_report(reports, in_sync("flux", "examples/flux", SHA, project))
    write_report(reports, in_sync("cluster", "examples/cluster/snapshot.yaml", "2026-11-27T08:00:00Z", project))
    write_report(reports, in_sync("docs", "docs", project=project))
    hw = project / "inventory" / "hardware.yaml"
    text = hw.read_text(encoding="utf-8")
    hw.write_text(text + "\n" + text[text.index("  - name: talos-ysi-4k0") :].replace("talos-ysi-4k0", "talos-new-001"))
    site = built_ok(build(project)).site
    home = article(site, "")
    assert home.find("span", cls="lb-badge").text() == "stale"
    assert (
        "Not verified: the inventory changed after the last check (inventory/hardware.yaml): run make check"
        in home.text()
    )
    assert "in sync" not in home.text()
    status = article(site, "status")
    assert [p.text() for p in status.iter("p", cls="admonition-title")] == ["Stale"] * 3
    assert not list(status.iter("div", cls="success"))


def test_drift_reports_show_findings(project: Path) -> None:
    finding = Finding(
        code="mismatch",
        subject="component/longhorn",
        field="chart.version",
        documented="1.10.1",
        observed="1.10.2",
        where=Location(file="inventory/platform.yaml", line=77),
        source=Location(file="infrastructure/storage/longhorn/release.yaml", line=14),
        message="chart version differs from Git",
        label="docs-stale",
    )
    write_report(
        project / "reports", in_sync("cluster", "homelab", project=project).model_copy(update={"findings": [finding]})
    )
    site = built_ok(build(project)).site
    status = article(site, "status")
    titles = [p.text() for p in status.iter("p", cls="admonition-title")]
    assert titles == ["Never checked", "Drift: 1 finding", "Never checked"]
    rows = status.find("table").rows()
    assert rows[1] == [
        "component/longhorn",
        "mismatch (docs-stale)",
        "chart.version",
        "1.10.1",
        "1.10.2",
        "inventory/platform.yaml:77",
        "infrastructure/storage/longhorn/release.yaml:14",
        "chart version differs from Git",
    ]
    assert status.find("table").find("a").attrs["href"] == "../platform/#longhorn"
    home = article(site, "")
    assert home.find("span", cls="lb-badge").text() == "drift"
    assert "Flux repository not checked, cluster 1 finding, docs prose not checked" in home.text()


def test_report_written_by_labbook_drift_docs_is_shown(project: Path) -> None:
    result = run_labbook(
        "drift",
        "docs",
        "--docs",
        "docs",
        "--inventory",
        "inventory",
        "--journal",
        "journal",
        "--report",
        "reports/docs.json",
        cwd=project,
    )
    assert result.code == 0, result.err
    site = built_ok(build(project)).site
    status = article(site, "status")
    assert [p.text() for p in status.iter("p", cls="admonition-title")] == ["Never checked", "Never checked", "In sync"]
    assert "against docs" in status.find("div", cls="success").text()


def test_a_check_that_failed_is_shown_as_failed(project: Path) -> None:
    """`labbook drift docs` passed, then failed to run: the site shows the failure, not the old in-sync report."""
    args = ("--inventory", "inventory", "--journal", "journal", "--report", "reports/docs.json")
    assert run_labbook("drift", "docs", "--docs", "docs", *args, cwd=project).code == 0
    assert run_labbook("drift", "docs", "--docs", "no-such-docs", *args, cwd=project).code == 2
    site = built_ok(build(project)).site
    status = article(site, "status")
    assert [p.text() for p in status.iter("p", cls="admonition-title")] == [
        "Never checked",
        "Never checked",
        "Check failed",
    ]
    assert "no-such-docs: docs folder not found" in status.text()
    home = article(site, "")
    assert home.find("span", cls="lb-badge").text() == "check failed"


def test_reports_folder_is_configurable(project: Path) -> None:
    mkdocs_yml = project / "mkdocs.yml"
    mkdocs_yml.write_text(mkdocs_yml.read_text().replace("    reports: reports", "    reports: out/checks"))
    write_report(project / "out" / "checks", in_sync("flux", "examples/flux", SHA, project))
    write_report(project / "reports", in_sync("docs", "docs", project=project))  # the default folder is no longer read
    site = built_ok(build(project)).site
    titles = [p.text() for p in article(site, "status").iter("p", cls="admonition-title")]
    assert titles == ["In sync", "Never checked", "Never checked"]
    assert "No report at out/checks/docs.json" in article(site, "status").text()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"labbook_report": 1, "source": "flux",', "reports/flux.json:1:"),
        ('{"labbook_report": 1, "source": "flux", "target": "x"}', "reports/flux.json:1:1: generated_at: missing"),
        ('{"labbook_report": 2}', "reports/flux.json: labbook_report: got 2 (expected 1"),
        (render_json(in_sync("docs", "docs")), "reports/flux.json:3:13: source: got 'docs' (expected 'flux'"),
    ],
    ids=["truncated-json", "missing-key", "other-version", "wrong-source"],
)
def test_malformed_report_fails_the_build_with_its_path(project: Path, content: str, expected: str) -> None:
    (project / "reports").mkdir()
    (project / "reports" / "flux.json").write_text(content, encoding="utf-8")
    result = build(project)
    assert result.code != 0
    assert expected in result.output
    assert "Traceback" not in result.output
