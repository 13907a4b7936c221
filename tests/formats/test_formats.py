"""Every report format, on the same reports: goldens plus the properties each format promises."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from labbook.commands._emit import emit
from labbook.formats import FORMATS, render
from labbook.formats.markdown import render_markdown
from labbook.models.location import Location
from labbook.models.report import Finding, Report, ReportWarning

STAMP = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def drifted() -> Report:
    """Flux drift with every finding code and awkward characters in values."""
    return Report(
        source="flux",
        target="examples/flux",
        revision="0123456789abcdef0123456789abcdef01234567",
        generated_at=STAMP,
        subjects=["component/cilium", "component/grafana", "component/longhorn", "component/podinfo"],
        findings=[
            Finding(
                code="mismatch",
                subject="component/cilium",
                field="chart.version",
                documented="1.16.3",
                observed="1.17.0",
                where=Location(file="inventory/platform.yaml", line=30),
                source=Location(file="infrastructure/network/cilium/helmrelease.yaml", line=2),
                message="chart version differs from Git",
            ),
            Finding(
                code="mismatch",
                subject="component/cilium",
                field="namespace",
                documented="kube-system",
                observed="net|work, 100%: <x>",
                where=Location(file="inventory/platform.yaml", line=27),
                source=Location(file="infrastructure/network/cilium/helmrelease.yaml", line=2),
                message="installs into another namespace\nthan documented",
            ),
            Finding(
                code="missing",
                subject="component/longhorn",
                where=Location(file="inventory/platform.yaml", line=71),
                message="documented, but no HelmRelease longhorn-system/longhorn in the repo",
            ),
            Finding(
                code="undocumented",
                subject="component/podinfo",
                source=Location(file="apps/podinfo/release.yaml", line=1),
                message="HelmRelease podinfo/podinfo is deployed but not in the inventory",
            ),
        ],
        warnings=[ReportWarning(file="secrets/cluster.sops.yaml", line=3, message="SOPS value left unresolved")],
    )


def in_sync() -> Report:
    return Report(source="cluster", target="snapshot.yaml", generated_at=STAMP, subjects=["node/a", "node/b"])


def labelled() -> Report:
    return Report(
        source="cluster",
        target="admin@homelab",
        generated_at=STAMP,
        subjects=["component/grafana"],
        findings=[
            Finding(
                code="mismatch",
                subject="component/grafana",
                field="chart.version",
                documented="10.1.4",
                observed="10.1.5",
                where=Location(file="inventory/platform.yaml", line=109),
                source=Location(object="HelmRelease monitoring/grafana"),
                message="deployed version differs from the docs",
                label="docs-stale",
            ),
            Finding(
                code="not-ready",
                subject="component/grafana",
                where=Location(file="inventory/platform.yaml", line=100),
                source=Location(object="HelmRelease monitoring/grafana"),
                message="HelmRelease is not Ready: install retries exhausted",
            ),
        ],
    )


REPORTS = {"drift": drifted, "in-sync": in_sync, "labelled": labelled}


@pytest.mark.parametrize("fmt", FORMATS, ids=FORMATS)
@pytest.mark.parametrize("name", sorted(REPORTS), ids=sorted(REPORTS))
def test_golden(name: str, fmt: str, golden) -> None:
    ext = {"text": "txt", "json": "json", "github": "txt", "markdown": "md", "junit": "xml"}[fmt]
    golden(f"formats/{name}.{fmt}.{ext}", render(REPORTS[name](), fmt))


def test_json_is_the_documented_shape() -> None:
    data = json.loads(render(drifted(), "json"))
    assert list(data)[:8] == [
        "labbook_report", "source", "target", "revision", "generated_at", "in_sync", "counts", "findings",
    ]  # fmt: skip
    assert data["labbook_report"] == 1
    assert data["generated_at"] == "2026-11-28T12:00:00Z"
    assert data["in_sync"] is False
    assert data["counts"] == {"checked": 4, "drift": 4, "warnings": 1}
    first = data["findings"][0]
    assert first["where"] == {"file": "inventory/platform.yaml", "line": 30, "object": None}
    assert first["field"] == "chart.version" and first["documented"] == "1.16.3" and first["observed"] == "1.17.0"
    assert "label" not in first
    assert json.loads(render(labelled(), "json"))["findings"][0]["label"] == "docs-stale"


def test_github_annotations_point_at_inventory_or_repo_and_escape() -> None:
    lines = render(drifted(), "github").splitlines()
    assert lines[0].startswith("::error file=inventory/platform.yaml,line=30,title=mismatch%3A component/cilium")
    # the undocumented object points into the Flux repo, relative to the workspace
    assert lines[3].startswith("::error file=examples/flux/apps/podinfo/release.yaml,line=1,")
    # newlines and % in the message are escaped so one annotation stays one line
    assert "%0A" in lines[1] and "100%25" in lines[1]
    assert lines[4].startswith("::warning file=examples/flux/secrets/cluster.sops.yaml,line=3,")
    assert lines[-1].startswith("::notice ")
    assert len(lines) == 6


def test_markdown_is_capped_with_a_count_of_what_was_left_out() -> None:
    base = drifted()
    many = base.model_copy(update={"findings": base.findings[:1] * 5000})
    full = render_markdown(many)
    assert len(full.encode()) < 1024 * 1024
    small = render_markdown(many, cap=4096)
    assert len(small.encode()) <= 4096
    shown_rows = small.count("\n| `component/cilium`")
    assert f"…and {5000 - shown_rows} more finding(s)" in small
    assert shown_rows > 0


def test_markdown_cells_cannot_break_the_table() -> None:
    out = render(drifted(), "markdown")
    row = next(line for line in out.splitlines() if "namespace" in line and line.startswith("|"))
    assert row.count(" | ") == 7  # 8 cells: the | in the value is escaped
    assert "net\\|work" in row and "&lt;x&gt;" in row


def test_junit_has_one_testcase_per_subject() -> None:
    root = ET.fromstring(render(drifted(), "junit"))
    cases = root.findall(".//testcase")
    assert [c.get("name") for c in cases] == drifted().subjects
    failing = {c.get("name"): len(c.findall("failure")) for c in cases}
    assert failing == {"component/cilium": 2, "component/grafana": 0, "component/longhorn": 1, "component/podinfo": 1}
    assert root.find("testsuite").get("failures") == "3"


@pytest.mark.parametrize("report,code", [(drifted(), 1), (in_sync(), 0)], ids=["drift", "in-sync"])
def test_emit_writes_output_and_report_atomically(tmp_path, capsys, report, code) -> None:
    args = SimpleNamespace(format="markdown", output=str(tmp_path / "out.md"), report=str(tmp_path / "r.json"))
    assert emit(report, args) == code
    assert capsys.readouterr().out == ""
    assert (tmp_path / "out.md").read_text() == render(report, "markdown")
    assert json.loads((tmp_path / "r.json").read_text())["in_sync"] is (code == 0)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.md", "r.json"]  # no temp files left
