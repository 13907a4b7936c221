"""The Status page and the home page's "last verified" line: never "in sync" without a report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from labbook.models.location import Location
from labbook.models.report import Finding, Report, ReportWarning
from labbook.render import status
from tests.render.helpers import example, to_html

STAMP = datetime(2026, 11, 28, 17, 40, tzinfo=UTC)


def report(source: str, *, findings: list[Finding] | None = None, at: datetime = STAMP, **kw) -> Report:
    return Report(
        source=source,
        target=kw.pop("target", f"examples/{source}"),
        generated_at=at,
        subjects=["component/cilium", "component/longhorn"],
        findings=findings or [],
        **kw,
    )


DRIFT = Finding(
    code="mismatch",
    subject="component/cilium",
    field="chart.version",
    documented="1.18.4",
    observed="1.19.0 | <b>x</b>",
    where=Location(file="inventory/platform.yaml", line=30),
    source=Location(file="infrastructure/network/cilium/helmrelease.yaml", line=12),
    message="chart version differs from Git",
)


def test_no_reports_means_not_checked_everywhere() -> None:
    paths = {"flux": "reports/flux.json", "cluster": "reports/cluster.json", "docs": "reports/docs.json"}
    doc = to_html(status.status_page({}, paths))
    assert [h.text().rstrip("¶").strip() for h in doc.iter("h2")] == ["Flux repository", "Cluster", "Docs prose"]
    titles = [p.text() for p in doc.iter("p", cls="admonition-title")]
    assert titles == ["Not checked"] * 3
    assert "No report at reports/cluster.json" in doc.text()
    line = to_html(status.verified_line({})).text()
    assert line.startswith("not checked No drift report") and "in sync" not in line


def test_all_in_sync() -> None:
    reports = {k: report(k, revision="0123456789abcdef0123456789abcdef01234567") for k in status.KINDS}
    doc = to_html(status.status_page(reports, {}))
    assert [p.text() for p in doc.iter("p", cls="admonition-title")] == ["In sync"] * 3
    body = doc.find("div", cls="success").text()
    assert body == (
        "In sync Checked 2026-11-28 17:40 UTC against examples/flux at commit 0123456789ab: "
        "2 subjects, 0 findings, 0 warnings."
    )
    assert not list(doc.iter("table"))
    assert (
        to_html(status.verified_line(reports))
        .text()
        .startswith("in sync Docs last verified 2026-11-28 17:40 UTC against the Flux repository")
    )


def test_one_missing_report_is_never_overall_in_sync() -> None:
    reports = {"flux": report("flux"), "docs": report("docs")}
    line = to_html(status.verified_line(reports)).text()
    assert line.startswith("partly checked Docs last verified")
    assert "Flux repository in sync, cluster not checked, docs prose in sync" in line


def test_drift_shows_a_findings_table_and_warnings() -> None:
    older = STAMP - timedelta(days=2)
    reports = {
        "flux": report(
            "flux",
            findings=[DRIFT],
            warnings=[ReportWarning(file="apps/x.yaml", line=3, message="unresolved ${VAR}")],
        ),
        "cluster": report("cluster", at=older, target="snapshot.yaml", revision="2026-11-26T10:00:00Z"),
        "docs": report("docs", at=older),
    }
    doc = to_html(status.status_page(reports, {}, example()[0]))
    assert doc.find("div", cls="failure").find("p", cls="admonition-title").text() == "Drift: 1 finding"
    rows = doc.find("table").rows()
    assert rows[0] == ["Subject", "Finding", "Field", "Documented", "Observed", "Where", "Source", "Message"]
    assert rows[1] == [
        "component/cilium",
        "mismatch",
        "chart.version",
        "1.18.4",
        "1.19.0 | <b>x</b>",
        "inventory/platform.yaml:30",
        "infrastructure/network/cilium/helmrelease.yaml:12",
        "chart version differs from Git",
    ]
    assert doc.find("table").find("a").attrs["href"] == "platform.md#cilium"
    assert not list(doc.find("table").iter("b"))
    assert doc.find("details", cls="warning").text() == "1 warning apps/x.yaml:3 unresolved ${VAR}"
    assert "against snapshot.yaml at 2026-11-26T10:00:00Z" in doc.find("div", cls="success").text()
    line = to_html(status.verified_line(reports)).text()
    assert line == (
        "drift Docs last verified 2026-11-28 17:40 UTC: Flux repository 1 finding, cluster in sync, "
        "docs prose in sync (see Status)."
    )


def test_subjects_unknown_to_the_inventory_are_not_linked() -> None:
    gone = DRIFT.model_copy(update={"subject": "component/podinfo"})
    rows = to_html(status.findings_table(report("flux", findings=[gone]), example()[0]))
    assert not list(rows.find("table").iter("a"))


def test_naive_timestamps_are_utc() -> None:
    assert status.when(datetime(2026, 1, 2, 3, 4)) == "2026-01-02 03:04 UTC"
    assert status.when(datetime(2026, 1, 2, 3, 4, tzinfo=UTC) + timedelta(0)) == "2026-01-02 03:04 UTC"
