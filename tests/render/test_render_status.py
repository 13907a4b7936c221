"""The Status page and the home page's line: verified, stale, failed or never checked; never "in sync" without a
report that judged exactly the files the site is built from."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from labbook.models.location import Location
from labbook.models.report import Finding, Inputs, Report, ReportWarning
from labbook.render import status
from tests.render.helpers import example, to_html

STAMP = datetime(2026, 11, 28, 17, 40, tzinfo=UTC)
NOW = Inputs(
    inventory={"hardware.yaml": "sha256:aa", "site.yaml": "sha256:bb"},
    docs={"index.md": "sha256:cc"},
)
"""The files as the site sees them."""


def judged(source: str) -> Inputs:
    """What a check of ``source`` records when it judged the files as they are now."""
    return NOW if source == "docs" else NOW.model_copy(update={"docs": None})


def report(source: str, *, findings: list[Finding] | None = None, at: datetime = STAMP, **kw) -> Report:
    return Report(
        source=source,
        target=kw.pop("target", f"examples/{source}"),
        generated_at=at,
        subjects=["component/cilium", "component/longhorn"],
        findings=findings or [],
        inputs=kw.pop("inputs", judged(source)),
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


def test_no_reports_means_never_checked_everywhere() -> None:
    paths = {"flux": "reports/flux.json", "cluster": "reports/cluster.json", "docs": "reports/docs.json"}
    doc = to_html(status.status_page({}, paths, NOW))
    assert [h.text().rstrip("¶").strip() for h in doc.iter("h2")] == ["Flux repository", "Cluster", "Docs prose"]
    titles = [p.text() for p in doc.iter("p", cls="admonition-title")]
    assert titles == ["Never checked"] * 3
    assert "No report at reports/cluster.json" in doc.text()
    line = to_html(status.verified_line({}, NOW)).text()
    assert line == "never checked No check has run yet: run make check (see Status)."


def test_all_in_sync() -> None:
    reports = {k: report(k, revision="0123456789abcdef0123456789abcdef01234567") for k in status.KINDS}
    doc = to_html(status.status_page(reports, {}, NOW))
    assert [p.text() for p in doc.iter("p", cls="admonition-title")] == ["In sync"] * 3
    body = doc.find("div", cls="success").text()
    assert body == (
        "In sync Checked 2026-11-28 17:40 UTC against examples/flux at commit 0123456789ab: "
        "2 subjects, 0 findings, 0 warnings."
    )
    assert not list(doc.iter("table"))
    assert to_html(status.verified_line(reports, NOW)).text() == (
        "in sync Docs verified 2026-11-28 17:40 UTC against the Flux repository, the cluster and the prose (see Status)."
    )


def test_one_missing_report_is_never_overall_in_sync() -> None:
    reports = {"flux": report("flux"), "docs": report("docs")}
    line = to_html(status.verified_line(reports, NOW)).text()
    assert line.startswith("partly checked Docs verified")
    assert "Flux repository in sync, cluster not checked, docs prose in sync" in line


def test_a_report_that_judged_another_inventory_is_stale() -> None:
    """The inventory changed after the check: Home and Status say stale, never the old "in sync"."""
    reports = {k: report(k) for k in status.KINDS}
    edited = NOW.model_copy(update={"inventory": {**NOW.inventory, "hardware.yaml": "sha256:changed"}})
    line = to_html(status.verified_line(reports, edited)).text()
    assert line == (
        "stale Not verified: the inventory changed after the last check (inventory/hardware.yaml): "
        "run make check (see Status)."
    )
    assert "in sync" not in line
    doc = to_html(status.status_page(reports, {}, edited))
    assert [p.text() for p in doc.iter("p", cls="admonition-title")] == ["Stale"] * 3
    assert "the inventory changed after the last check (inventory/hardware.yaml): run make check" in doc.text()
    assert not list(doc.iter("div", cls="success"))


def test_a_changed_docs_page_makes_only_the_docs_report_stale() -> None:
    reports = {k: report(k) for k in status.KINDS}
    edited = NOW.model_copy(update={"docs": {"index.md": "sha256:changed", "new.md": "sha256:dd"}})
    doc = to_html(status.status_page(reports, {}, edited))
    assert [p.text() for p in doc.iter("p", cls="admonition-title")] == ["In sync", "In sync", "Stale"]
    assert "the docs changed after the last check (docs/index.md, docs/new.md)" in doc.text()
    assert to_html(status.verified_line(reports, edited)).text().startswith("stale Not verified: the docs changed")


def test_a_report_without_inputs_is_never_verified() -> None:
    reports = {k: report(k, inputs=None) for k in status.KINDS}
    line = to_html(status.verified_line(reports, NOW)).text()
    assert line.startswith("stale Not verified: this report does not record what it checked")


def test_a_failed_check_is_never_shown_as_the_last_good_one() -> None:
    reports = {k: report(k) for k in status.KINDS}
    reports["cluster"] = report("cluster", error="kubeconfig: context 'homelab' not found (expected one of: kind)")
    line = to_html(status.verified_line(reports, NOW)).text()
    assert line == (
        "check failed The last check could not run (cluster): nothing here is verified until make check passes "
        "(see Status)."
    )
    doc = to_html(status.status_page(reports, {}, NOW))
    assert [p.text() for p in doc.iter("p", cls="admonition-title")] == ["In sync", "Check failed", "In sync"]
    failed = next(iter(doc.iter("div", cls="failure"))).text()
    assert "kubeconfig: context 'homelab' not found (expected one of: kind)" in failed


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
    doc = to_html(status.status_page(reports, {}, NOW, example()[0]))
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
    line = to_html(status.verified_line(reports, NOW)).text()
    assert line == (
        "drift Docs verified 2026-11-28 17:40 UTC: Flux repository 1 finding, cluster in sync, "
        "docs prose in sync (see Status)."
    )


def test_subjects_unknown_to_the_inventory_are_not_linked() -> None:
    gone = DRIFT.model_copy(update={"subject": "component/podinfo"})
    rows = to_html(status.findings_table(report("flux", findings=[gone]), example()[0]))
    assert not list(rows.find("table").iter("a"))


def test_naive_timestamps_are_utc() -> None:
    assert status.when(datetime(2026, 1, 2, 3, 4)) == "2026-01-02 03:04 UTC"
    assert status.when(datetime(2026, 1, 2, 3, 4, tzinfo=UTC) + timedelta(0)) == "2026-01-02 03:04 UTC"
