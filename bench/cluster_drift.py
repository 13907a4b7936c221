"""`labbook drift cluster` against a synthetic 5,000-object cluster, beside the bare kubernetes client.

A loopback HTTPS API server (tests/sources/cluster/apiserver.py, in its own process)
serves the homelab scenario (tests/fixtures/cluster/homelab: upstream-shaped objects with
managedFields and full status) plus synthetic HelmReleases, Nodes and
NetworkAttachmentDefinitions cloned from its own. The bench prints:

- the API requests `drift cluster` sends, against the expected count: one list per
  read of the plan plus one request per extra page (pages of 500), at two cluster
  sizes: requests grow with pages, never with objects;
- the wall time of `drift cluster` (in-process: inventory, reads, parse, compare,
  report) against the bare client's list calls of the same resources (the same
  pagination, default deserialization), alternated in one run, median of the rounds.
  Goal: at most 2x.

    .venv/bin/python bench/cluster_drift.py [--objects 5000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import copy
import math
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SHARE = {"helmreleases": 0.5, "nodes": 0.3, "network-attachment-definitions": 0.2}
"""How the synthetic objects are split between kinds."""
PAGE = 500


def synthetic(total: int) -> list[dict[str, Any]]:
    """The homelab fixture plus ``total`` synthetic objects cloned from its real-shaped ones."""
    from tests.sources.cluster.apiserver import load_fixture

    objects, _ = load_fixture("homelab")
    template = {
        "helmreleases": next(o for o in objects if o["kind"] == "HelmRelease"),
        "nodes": next(o for o in objects if o["kind"] == "Node"),
        "network-attachment-definitions": next(o for o in objects if o["kind"] == "NetworkAttachmentDefinition"),
    }
    out = list(objects)
    for plural, share in SHARE.items():
        for i in range(int(total * share)):
            obj = copy.deepcopy(template[plural])
            obj["metadata"]["name"] = f"synthetic-{i:05d}"
            if "namespace" in obj["metadata"]:
                obj["metadata"]["namespace"] = f"team-{i % 40:02d}"
            out.append(obj)
    return out


def _serve(total: int, conn: Any) -> None:
    """Child process: serve the synthetic cluster; answer 'count', 'reset' and 'stop' on the pipe."""
    from tests.sources.cluster.apiserver import ApiServer

    with ApiServer(synthetic(total)) as server:
        kubeconfig = server.kubeconfig(Path(tempfile.mkdtemp()) / "kubeconfig.yaml")
        conn.send(str(kubeconfig))
        while True:
            cmd = conn.recv()
            if cmd == "count":
                conn.send(len(server.log))
            elif cmd == "reset":
                server.log.clear()
                conn.send(0)
            else:
                return


def expected_requests(total: int, plan: Any) -> int:
    """One list per read, plus the extra pages of the kinds that grew."""
    from tests.sources.cluster.apiserver import load_fixture

    objects, _ = load_fixture("homelab")
    base = {
        "nodes": sum(o["kind"] == "Node" for o in objects),
        "helmreleases": sum(o["kind"] == "HelmRelease" for o in objects),
        "network-attachment-definitions": sum(o["kind"] == "NetworkAttachmentDefinition" for o in objects),
    }
    extra = sum(math.ceil((base[p] + int(total * s)) / PAGE) - 1 for p, s in SHARE.items())
    return len(plan.calls) + extra


def bare_lists(kubeconfig: str, plan: Any) -> int:
    """The same lists with the kubernetes client as documented: typed calls, default deserialization."""
    from kubernetes import client, config

    api = config.new_client_from_config(config_file=kubeconfig, persist_config=False)
    core, apps, custom = client.CoreV1Api(api), client.AppsV1Api(api), client.CustomObjectsApi(api)
    count = 0
    for call in plan.calls:
        token = None
        while True:
            kw = {"limit": PAGE, "_continue": token, "field_selector": call.field_selector, "_request_timeout": 10}
            if call.crd:
                page = custom.list_cluster_custom_object(call.group, call.version, call.plural, **kw)
                items, token = page["items"], page["metadata"].get("continue")
            else:
                if call.plural == "nodes":
                    page = core.list_node(**kw)
                elif call.plural == "configmaps":
                    page = core.list_namespaced_config_map(call.namespace, **kw)
                else:
                    page = apps.list_namespaced_daemon_set(call.namespace, **kw)
                items, token = page.items, page.metadata._continue
            count += len(items)
            if not token:
                break
    api.close()
    return count


def labbook_check(kubeconfig: str, out: Path) -> int:
    """``labbook drift cluster`` in-process, report written to a file."""
    from labbook.cli import main

    return main(["drift", "cluster", "--kubeconfig", kubeconfig, "--format", "json", "-o", str(out)])


def run(total: int, rounds: int) -> dict[str, Any]:
    """Serve ``total`` synthetic objects; count requests and time both sides alternately."""
    from labbook.load.inventory import load_inventory
    from labbook.sources.cluster.plan import read_plan

    plan = read_plan(load_inventory(ROOT / "inventory"))
    parent, child = multiprocessing.Pipe()
    server = multiprocessing.get_context("fork").Process(target=_serve, args=(total, child), daemon=True)
    server.start()
    kubeconfig = parent.recv()
    out = Path(tempfile.mkdtemp()) / "report.json"
    try:
        labbook_check(kubeconfig, out)  # warm-up: imports, first TLS handshake, validators
        bare_lists(kubeconfig, plan)
        parent.send("reset")
        parent.recv()
        code = labbook_check(kubeconfig, out)
        parent.send("count")
        requests = parent.recv()
        ours, bare = [], []
        for _ in range(rounds):
            t = time.perf_counter()
            labbook_check(kubeconfig, out)
            ours.append(time.perf_counter() - t)
            t = time.perf_counter()
            objects = bare_lists(kubeconfig, plan)
            bare.append(time.perf_counter() - t)
    finally:
        parent.send("stop")
        server.join(10)
    return {
        "total": total,
        "objects": objects,
        "code": code,
        "requests": requests,
        "expected": expected_requests(total, plan),
        "calls": len(plan.calls),
        "ours": statistics.median(ours),
        "bare": statistics.median(bare),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--objects", type=int, default=5000, help="synthetic objects (default: 5000)")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds per side (default: 5)")
    args = parser.parse_args()
    os.chdir(ROOT)
    ok = True
    head = ("objects", 8), ("served", 7), ("requests", 9), ("expected", 9), ("drift cluster", 14), ("bare client", 12)
    print(" ".join(f"{name:>{width}}" for name, width in head), f"{'ratio':>6}")
    for total in sorted({args.objects // 10, args.objects}):
        r = run(total, args.rounds)
        ratio = r["ours"] / r["bare"]
        print(
            f"{r['total']:>8} {r['objects']:>7} {r['requests']:>9} {r['expected']:>9} "
            f"{r['ours'] * 1000:>11.0f} ms {r['bare'] * 1000:>9.0f} ms {ratio:>5.2f}x"
        )
        ok &= r["requests"] == r["expected"] and r["code"] == 1  # synthetic objects are undocumented: drift
        if total == args.objects:
            ok &= ratio <= 2.0
    print(
        f"requests = {len(read_plan_calls())} lists (one per read) + one per extra page of {PAGE}; "
        "goal: drift cluster at most 2x the bare client's lists"
    )
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


def read_plan_calls() -> tuple[Any, ...]:
    from labbook.load.inventory import load_inventory
    from labbook.sources.cluster.plan import read_plan

    return read_plan(load_inventory(ROOT / "inventory")).calls


if __name__ == "__main__":
    sys.exit(main())
