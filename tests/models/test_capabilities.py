"""Capabilities carry a status and evidence; the site model has an owner; reports know what they judged."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError

from labbook.errors import BadInput
from labbook.load.inventory import load_inventory
from labbook.models.rdma import Capability, Evidence
from labbook.models.report import Inputs, Report
from labbook.models.site import Site
from tests.conftest import ROOT

JOURNAL = {"journal": "2025-12-14-nccl-across-the-sparks"}


def test_the_example_inventory_is_honest_about_gpu_direct() -> None:
    rdma = load_inventory(ROOT / "inventory").rdma
    gpudirect = rdma.capability("gpudirect")
    assert gpudirect is not None and gpudirect.status == "broken" and not gpudirect.working
    assert [e.journal for e in gpudirect.evidence if e.journal] == ["2025-12-14-nccl-across-the-sparks"]
    assert rdma.of_kind("gpudirect", "spark-cx7") == [gpudirect]
    assert [c.id for c in rdma.on_link("spark-cx7")] == ["pod-rdma", "nccl-roce", "gpudirect", "pod-bandwidth"]
    assert rdma.capability("pod-bandwidth").status == "planned", "per-pod bandwidth has not been measured here"


@pytest.mark.parametrize("status", ["working", "partial", "broken"])
def test_a_status_other_than_planned_needs_evidence(status: str) -> None:
    with pytest.raises(ValidationError, match=f"status '{status}' without evidence"):
        Capability(id="x", name="X", status=status)
    assert Capability(id="x", name="X", status=status, evidence=[Evidence(**JOURNAL)]).status == status
    assert Capability(id="x", name="X", status="planned").evidence == []


@pytest.mark.parametrize(
    "given",
    [
        {},
        {**JOURNAL, "url": "https://example.com"},
        {"journal": "nccl-across-the-sparks"},
        {**JOURNAL, "title": "a title without a url"},
        {"measured": {"tool": "ib_write_bw", "value": 0, "unit": "Gbps"}},
        {"measured": {"tool": "ib_write_bw", "value": 94.2, "unit": "Mbit"}},
    ],
    ids=["nothing", "two-kinds", "not-a-file-name", "title-without-url", "zero", "unknown-unit"],
)
def test_evidence_is_exactly_one_well_formed_thing(given: dict) -> None:
    with pytest.raises(ValidationError):
        Evidence(**given)


def test_a_measured_figure_is_evidence() -> None:
    ev = Evidence(measured={"tool": "ib_write_bw", "value": 94.2, "unit": "Gbps", "command": "ib_write_bw -x 3"})
    assert ev.measured is not None and ev.measured.value == 94.2


def test_a_capability_on_an_unknown_link_is_bad_input(inventory_copy: Path) -> None:
    rdma = inventory_copy / "rdma.yaml"
    text = rdma.read_text(encoding="utf-8")
    rdma.write_text(text.replace("    link: spark-cx7\n", "    link: spark-cx8\n", 1), encoding="utf-8")
    line = rdma.read_text(encoding="utf-8").splitlines().index("    link: spark-cx8") + 1
    with pytest.raises(BadInput) as exc:
        load_inventory(inventory_copy)
    (problem,) = exc.value.lines()
    assert problem.endswith(
        f"rdma.yaml:{line}:11: capabilities[2].link: unknown link 'spark-cx8' (expected one of: spark-cx7)"
    )


def test_the_site_needs_an_owner_or_a_title() -> None:
    cluster = {"name": "lab", "os": "Talos Linux", "gitops": "FluxCD"}
    assert Site(owner="Ada", tagline="t", cluster=cluster).heading == "Ada"
    assert Site(owner="Ada", title="Lab", tagline="t", cluster=cluster).name == "Lab"
    assert Site(title="Lab", tagline="t", cluster=cluster).heading == "Lab"
    with pytest.raises(ValidationError, match="neither owner nor title"):
        Site(tagline="t", cluster=cluster)


def test_control_planes_and_kinds_are_counted() -> None:
    hw = load_inventory(ROOT / "inventory").hardware
    assert hw.totals.control_planes == 3
    assert hw.count_of_kind("NVIDIA DGX Spark") == 2 and hw.count_of_kind("Custom PC") == 1


NOW = Inputs(inventory={"a.yaml": "sha256:1", "b.yaml": "sha256:2"}, docs={"index.md": "sha256:3"})


def test_inputs_name_what_changed() -> None:
    then = Inputs(inventory={"a.yaml": "sha256:1", "b.yaml": "sha256:0", "gone.yaml": "sha256:9"})
    assert then.changes(NOW) == ["inventory/b.yaml", "inventory/gone.yaml"]
    assert NOW.model_copy(update={"docs": None}).changes(NOW) == [], "a report without docs does not judge them"
    assert NOW.changes(NOW.model_copy(update={"docs": {}})) == ["docs/index.md"]


def test_standing_of_a_report() -> None:
    stamp = datetime(2026, 1, 1, tzinfo=UTC)
    fresh = Report(source="docs", target="docs", generated_at=stamp, inputs=NOW)
    assert fresh.standing(NOW) == ("verified", []) and fresh.in_sync
    edited = NOW.model_copy(update={"inventory": {"a.yaml": "sha256:x", "b.yaml": "sha256:2"}})
    assert fresh.standing(edited) == ("stale", ["inventory/a.yaml"])
    assert Report(source="docs", target="docs", generated_at=stamp).standing(NOW) == ("stale", [])
    failed = Report(source="docs", target="docs", generated_at=stamp, error="docs: not found", inputs=NOW)
    assert failed.standing(NOW) == ("failed", []) and not failed.in_sync
