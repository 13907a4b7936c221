"""Build the example history: a separate Git repository whose commits walk the inventory up to today's.

    python examples/history/make_history.py [--out build/example-history]

The repository is new each time, under ``build/`` (ignored by Git), and never
touches this project's own history. Every commit is authored and committed by
``labbook example <example@labbook.invalid>`` at a fixed date, so the ids are
the same on every machine. What is invented and what is not: README.md beside
this script.
"""

from __future__ import annotations

import argparse
import copy
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
INVENTORY = ROOT / "inventory"
MARKER = ".labbook-example-history"
AUTHOR = ("labbook example", "example@labbook.invalid")

State = dict[str, Any]
"""``{"hardware": …, "platform": …, "rdma": … | None}``: the parsed inventory files."""


def _today() -> State:
    return {
        s: yaml.safe_load((INVENTORY / f"{s}.yaml").read_text(encoding="utf-8"))
        for s in ("hardware", "platform", "rdma")
    }


def _component(state: State, cid: str) -> dict[str, Any]:
    return next(c for cat in state["platform"]["categories"] for c in cat["components"] if c["id"] == cid)


def _drop_component(state: State, cid: str) -> None:
    for cat in state["platform"]["categories"]:
        cat["components"] = [c for c in cat["components"] if c["id"] != cid]


def _capabilities(state: State, keep: list[str]) -> None:
    """Only the capabilities ``keep`` (ids) existed yet."""
    state["rdma"]["capabilities"] = [c for c in state["rdma"]["capabilities"] if c["id"] in keep]


def _step_sparks(s: State) -> None:  # 2025-11-01: the Sparks join, cabled; nothing on the cable yet
    s["rdma"] = {"links": s["rdma"]["links"]}
    for cid in ("sriov-device-plugin", "multus"):
        _drop_component(s, cid)
    _component(s, "cilium")["helm"][0]["version"] = "1.18.2"
    _component(s, "hubble")["helm"][0]["version"] = "1.18.2"
    _component(s, "nvidia-device-plugin")["helm"][0]["version"] = "0.17.0"


def _step_ryzen(s: State) -> None:  # 2025-10-26: the Ryzen workstation alone
    _step_sparks(s)
    s["rdma"] = None
    s["hardware"]["nodes"] = [n for n in s["hardware"]["nodes"] if n["name"] == "talos-76w-3r0"]


def _step_sriov(s: State) -> None:  # 2025-11-14: SR-IOV with the standalone device plugin
    _step_nccl(s)
    _drop_component(s, "multus")
    s["rdma"]["networks"] = []
    s["rdma"]["nccl"] = []
    _capabilities(s, ["sriov-vfs"])


def _step_multus(s: State) -> None:  # 2025-11-28: Multus and the cx7-rdma network
    _step_nccl(s)
    s["rdma"]["nccl"] = []
    _capabilities(s, ["sriov-vfs", "pod-interface"])


def _gpudirect_unconfirmed(s: State) -> None:
    """GPU-Direct RDMA before NVIDIA's statement: not confirmed, so ``planned`` (no evidence needed)."""
    cap = next(c for c in s["rdma"]["capabilities"] if c["id"] == "gpudirect")
    cap["status"] = "planned"
    cap["note"] = "NCCL's channels show no GDRDMA: not confirmed on GB10's unified memory."
    cap["evidence"] = []


def _step_nccl(s: State) -> None:  # 2025-12-10: the NCCL environment; device plugin and Cilium still old
    _step_cilium(s)
    for cid, version in (("cilium", "1.18.2"), ("hubble", "1.18.2")):
        _component(s, cid)["helm"][0]["version"] = version


def _step_cilium(s: State) -> None:  # 2026-01-06: Cilium 1.18.4
    _step_gpudirect(s)
    _gpudirect_unconfirmed(s)


def _step_gpudirect(s: State) -> None:  # 2026-01-13: GPU-Direct RDMA marked broken
    _component(s, "nvidia-device-plugin")["helm"][0]["version"] = "0.17.0"


STEPS: list[tuple[str, str, Callable[[State], None] | None]] = [
    ("2025-10-26T18:00:00+01:00", "Inventory: the Ryzen workstation and the platform", _step_ryzen),
    ("2025-11-01T11:00:00+01:00", "Hardware: two DGX Sparks join the cluster", _step_sparks),
    (
        "2025-11-14T20:00:00+01:00",
        "RDMA: 4 VFs per Spark from the standalone device plugin",
        _step_sriov,
    ),
    ("2025-11-28T19:00:00+01:00", "RDMA: Multus and the cx7-rdma network", _step_multus),
    ("2025-12-10T21:00:00+01:00", "RDMA: NCCL environment; NCCL picks NET/IB, GPU-Direct not confirmed", _step_nccl),
    ("2026-01-06T18:00:00+01:00", "Platform: Cilium 1.18.2 -> 1.18.4", _step_cilium),
    (
        "2026-01-13T19:00:00+01:00",
        "RDMA: GPU-Direct RDMA broken: NVIDIA states GB10 does not support it",
        _step_gpudirect,
    ),
    ("2026-01-20T18:00:00+01:00", "Platform: NVIDIA device plugin 0.17.0 -> 0.18.0 (today's inventory)", None),
]
"""Each commit: its date, its message, and how its inventory differs from today's (None: today's files)."""


def _git(repo: Path, *args: str, date: str = "2025-01-01T00:00:00+00:00") -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": AUTHOR[0],
        "GIT_AUTHOR_EMAIL": AUTHOR[1],
        "GIT_COMMITTER_NAME": AUTHOR[0],
        "GIT_COMMITTER_EMAIL": AUTHOR[1],
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_SYSTEM": os.devnull,
    }
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def _write(repo: Path, state: State | None) -> None:
    inv = repo / "inventory"
    if inv.exists():
        shutil.rmtree(inv)
    inv.mkdir()
    if state is None:  # today's files, byte for byte (comments included)
        for name in ("hardware.yaml", "platform.yaml", "rdma.yaml", "site.yaml"):
            shutil.copyfile(INVENTORY / name, inv / name)
        return
    shutil.copyfile(INVENTORY / "site.yaml", inv / "site.yaml")
    for section, data in state.items():
        if data is not None:
            text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
            (inv / f"{section}.yaml").write_text(text, encoding="utf-8")


def build(out: Path) -> Path:
    """Create the example repository at ``out`` (replacing one this script made before)."""
    if out.exists():
        if not (out / MARKER).is_file():
            raise SystemExit(f"{out}: exists and was not made by this script; choose another --out")
        shutil.rmtree(out)
    out.mkdir(parents=True)
    _git(out, "init", "-q", "-b", "main")
    (out / MARKER).write_text("made by examples/history/make_history.py; safe to delete\n", encoding="utf-8")
    (out / "README.md").write_text(
        "Example history of the homelab inventory, generated by examples/history/make_history.py.\n"
        "Invented: the dates and the earlier states; see examples/history/README.md.\n",
        encoding="utf-8",
    )
    for date, message, step in STEPS:
        state = None
        if step is not None:
            state = copy.deepcopy(_today())
            step(state)
        _write(out, state)
        _git(out, "add", "-A", date=date)
        _git(out, "commit", "-q", "-m", message, date=date)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "example-history", help="where to create it")
    args = ap.parse_args(argv)
    print(build(args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
