"""``labbook drift flux`` against parsing the repo with CSafeLoader, and against kubectl kustomize, in one run.

Two repositories: the largest real corpus (by YAML bytes, from ../shared/corpora/flux;
its first cluster when it has several) and a synthetic repo of 2,000 HelmReleases
generated into a temp folder. For each, side
by side and interleaved (the order flips every round, so drift in the machine's speed
hits both alike), compared by their medians:

- ``drift flux``, in-process: load the inventory, read the repo, compare, render the text
  report (the inventory is the one ``labbook init --from-flux`` writes for that repo, made
  before timing);
- ``parse``: every ``.yaml``/``.yml`` file of the repo read and parsed with
  ``yaml.load_all(..., Loader=yaml.CSafeLoader)``. Goal: drift flux at most 1.5x this;
- ``kubectl kustomize``: run once per Flux Kustomization path the reader follows (real
  kubectl from ``make tools``; timed over fewer rounds). Goal: drift flux at least 10x faster.
  A path with no kustomization file of its own makes kubectl fail fast, which only
  flatters kubectl; the count is printed.

Peak memory (tracemalloc, in a separate untimed pass) is printed for drift flux and parse.

Last, a per-corpus agreement table: for every real corpus and cluster, the HelmReleases
(namespace, name, chart, version) ``labbook flux list`` reports against those real
``kubectl kustomize`` plus Flux substitution builds from the same entry point (the
oracle of tests/oracle, built from the cases in tests/oracle/cases.py).

    .venv/bin/python bench/flux_drift.py [--rounds 15] [--kubectl-rounds 3] [--no-agreement]
"""

from __future__ import annotations

import argparse
import gc
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from contextlib import redirect_stdout, suppress
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from labbook.cli import main as labbook  # noqa: E402
from labbook.commands.flux_list import rows as flux_list_rows  # noqa: E402
from labbook.drift.flux import compare  # noqa: E402
from labbook.formats import render  # noqa: E402
from labbook.load.inventory import load_inventory  # noqa: E402
from labbook.sources.flux import build, read_repo  # noqa: E402
from labbook.sources.flux.entry import candidates  # noqa: E402
from labbook.sources.flux.tree import Repo  # noqa: E402

CORPORA = ROOT.parent / "shared" / "corpora" / "flux"
KUBECTL = Path(os.environ.get("LABBOOK_KUBECTL", ROOT / ".tools" / "kubectl"))
PARSE_GOAL, KUBECTL_GOAL = 1.5, 10.0
KFILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")

VALUES = """\
  values:
    controllers:
      {name}:
        strategy: RollingUpdate
        annotations:
          reloader.stakater.com/auto: "true"
        containers:
          app:
            image:
              repository: ghcr.io/example/{name}
              tag: 1.{i}.0@sha256:{digest}
            env:
              TZ: Europe/Berlin
              {upper}_PORT: &port 8080
              {upper}_LOG_LEVEL: info
            probes:
              liveness: &probes
                enabled: true
                custom: true
                spec:
                  httpGet:
                    path: /healthz
                    port: *port
                  periodSeconds: 10
              readiness: *probes
            securityContext:
              allowPrivilegeEscalation: false
              readOnlyRootFilesystem: true
              capabilities: {{drop: ["ALL"]}}
            resources:
              requests: {{cpu: 10m}}
              limits: {{memory: 512Mi}}
    defaultPodOptions:
      securityContext: {{runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000}}
    service:
      app:
        controller: {name}
        ports:
          http: {{port: *port}}
    route:
      app:
        hostnames: ["{{{{ .Release.Name }}}}.${{CLUSTER_DOMAIN}}"]
        parentRefs: [{{name: internal, namespace: network}}]
    persistence:
      config: {{existingClaim: {name}, globalMounts: [{{path: /config}}]}}
"""


def synthetic(dest: Path, releases: int = 2000, per_namespace: int = 10) -> Path:
    """A Flux repo of ``releases`` HelmReleases: a Flux Kustomization per namespace of ``per_namespace`` apps
    (real homelab repos have about one per app: see the corpus), half of them on OCI charts."""
    cluster = dest / "clusters" / "synthetic"
    (cluster / "flux-system").mkdir(parents=True)
    (cluster / "flux-system" / "gotk-sync.yaml").write_text(
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: flux-system\n"
        "  namespace: flux-system\nspec:\n  interval: 10m\n  path: ./clusters/synthetic\n  prune: true\n"
        "  sourceRef:\n    kind: GitRepository\n    name: flux-system\n"
    )
    (cluster / "settings.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: flux-system\n"
        "data:\n  CLUSTER_DOMAIN: lab.example.net\n"
    )
    (cluster / "repositories.yaml").write_text(
        "apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata:\n  name: charts\n"
        "  namespace: flux-system\nspec:\n  url: https://charts.example.net\n"
    )
    spaces = (releases + per_namespace - 1) // per_namespace
    ks = []
    for n in range(spaces):
        space = f"team-{n:03d}"
        ks.append(
            f"---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: {space}\n"
            f"  namespace: flux-system\nspec:\n  interval: 1h\n  path: ./apps/{space}\n  prune: true\n"
            f"  targetNamespace: {space}\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n"
            "  postBuild:\n    substituteFrom:\n      - kind: ConfigMap\n        name: settings\n"
        )
        folder = dest / "apps" / space
        folder.mkdir(parents=True)
        names = []
        for j in range(per_namespace):
            i = n * per_namespace + j
            if i >= releases:
                break
            name = f"app-{i:04d}"
            names.append(f"{name}.yaml")
            if i % 2:
                chart = f"  chartRef:\n    kind: OCIRepository\n    name: {name}\n"
                source = (
                    f"---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata:\n  name: {name}\n"
                    "spec:\n  interval: 15m\n  url: oci://ghcr.io/example/charts/app-template\n"
                    f"  ref:\n    tag: 4.{i % 7}.0\n"
                )
            else:
                chart = (
                    f"  chart:\n    spec:\n      chart: {name}\n      version: 1.{i % 9}.{i % 5}\n"
                    "      sourceRef:\n        kind: HelmRepository\n        name: charts\n"
                    "        namespace: flux-system\n"
                )
                source = ""
            values = VALUES.format(name=name, i=i, upper=name.upper().replace("-", "_"), digest=f"{i:064x}")
            (folder / f"{name}.yaml").write_text(
                f"{source}---\napiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: {name}\n"
                f"spec:\n  interval: 1h\n{chart}{values}"
            )
        (folder / "kustomization.yaml").write_text(
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n"
            + "".join(f"  - {f}\n" for f in names)
        )
    (cluster / "apps.yaml").write_text("".join(ks))
    return dest


def yaml_files(repo: Path) -> list[Path]:
    return [
        p for p in sorted(repo.rglob("*")) if p.suffix in (".yaml", ".yml") and p.is_file() and ".git" not in p.parts
    ]


def parse_all(files: list[Path]) -> int:
    docs = 0
    for path in files:
        with suppress(yaml.YAMLError):
            docs += len(list(yaml.load_all(path.read_bytes(), Loader=yaml.CSafeLoader)))
    return docs


def drift(repo: Path, path: str | None, inventory: Path) -> str:
    report = compare(load_inventory(inventory), read_repo(repo, path))
    return render(report, "text")


def kubectl_dirs(repo: Path, path: str | None) -> list[Path]:
    out = []
    for ks in build(repo, path).kustomizations:
        if ks.repo_folder is None:
            continue
        folder = repo / ks.repo_folder
        nested = folder / Path(ks.folder or ".").name
        if not any((folder / k).is_file() for k in KFILES) and any((nested / k).is_file() for k in KFILES):
            folder = nested  # an ArtifactGenerator copied the folder into itself (cp -r)
        out.append(folder)
    return out


def run_kubectl(dirs: list[Path]) -> int:
    ok = 0
    for d in dirs:
        proc = subprocess.run(
            [str(KUBECTL), "kustomize", "--load-restrictor", "LoadRestrictionsNone", str(d)], capture_output=True
        )
        ok += proc.returncode == 0
    return ok


def timed(fn: Callable[[], object]) -> float:
    gc.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def peak_mb(fn: Callable[[], object]) -> float:
    gc.collect()
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def bench(label: str, repo: Path, path: str | None, work: Path, rounds: int, kubectl_rounds: int) -> bool:
    inventory = work / f"inventory-{label}"
    args = [
        "init",
        "--from-flux",
        str(repo),
        "--inventory",
        str(inventory),
        "--force",
        *(["--path", path] if path else []),
    ]
    with redirect_stdout(io.StringIO()):
        assert labbook(args) == 0, f"labbook init failed for {repo}"
    files = yaml_files(repo)
    size = sum(p.stat().st_size for p in files)
    do_drift = lambda: drift(repo, path, inventory)  # noqa: E731
    do_parse = lambda: parse_all(files)  # noqa: E731
    do_drift(), do_parse()  # warm the page cache and imports
    t_drift, t_parse = [], []
    for i in range(rounds):
        pair = [(t_drift, do_drift), (t_parse, do_parse)]
        for bucket, fn in pair if i % 2 == 0 else reversed(pair):
            bucket.append(timed(fn))
    md, mp = statistics.median(t_drift), statistics.median(t_parse)
    releases = len(read_repo(repo, path).helmreleases)
    print(f"\n== {label}: {repo.name}  ({len(files)} YAML files, {size / 1e6:.2f} MB, {releases} HelmReleases)")
    print(
        f"  {'drift flux (load inventory, read repo, compare, render)':<55}: {md * 1000:8.1f} ms  (median of {rounds})"
    )
    print(f"  {'parse every YAML file with CSafeLoader':<55}: {mp * 1000:8.1f} ms")
    ratio = md / mp
    good = ratio <= PARSE_GOAL
    print(f"  drift flux / parse = {ratio:.2f}x   (goal <= {PARSE_GOAL}x: {'met' if good else 'NOT MET'})")
    print(f"  peak memory: drift flux {peak_mb(do_drift):.1f} MiB, parse {peak_mb(do_parse):.1f} MiB (tracemalloc)")
    if not (KUBECTL.is_file() and os.access(KUBECTL, os.X_OK)):
        print(f"  kubectl comparison skipped: no kubectl at {KUBECTL} (run `make tools`)")
        return good
    dirs = kubectl_dirs(repo, path)
    t_kubectl, t_drift2, built = [], [], 0
    for i in range(kubectl_rounds):
        for step in ("kubectl", "drift") if i % 2 == 0 else ("drift", "kubectl"):
            if step == "drift":
                t_drift2.append(timed(do_drift))
                continue
            start = time.perf_counter()
            built = run_kubectl(dirs)
            t_kubectl.append(time.perf_counter() - start)
    mk, md2 = statistics.median(t_kubectl), statistics.median(t_drift2)
    speedup = mk / md2
    fast = speedup >= KUBECTL_GOAL
    runs = f"kubectl kustomize x {len(dirs)} paths ({built} built)"
    print(f"  {runs:<55}: {mk * 1000:8.1f} ms  (median of {kubectl_rounds})")
    print(f"  {'drift flux, same rounds':<55}: {md2 * 1000:8.1f} ms")
    print(f"  kubectl / drift flux = {speedup:.1f}x  (goal >= {KUBECTL_GOAL:.0f}x: {'met' if fast else 'NOT MET'})")
    return good and fast


def largest_corpus() -> tuple[Path, str | None] | None:
    """The corpus with the most YAML bytes, and its first cluster entry point when it has several."""
    if not CORPORA.is_dir():
        return None
    repos = [p for p in CORPORA.iterdir() if p.is_dir()]
    repo = max(repos, key=lambda p: sum(f.stat().st_size for f in yaml_files(p)))
    _, entries = candidates(Repo(repo))
    return repo, (entries[0].folder if len(entries) > 1 else None)


def agreement(work: Path) -> bool:
    """Per corpus (and cluster): the HelmReleases `flux list` reports against those real kubectl kustomize plus Flux
    substitution builds from the same entry point (the oracle of tests/oracle)."""
    from tests.oracle.cases import CASES
    from tests.oracle.oracle import Oracle, helmreleases

    print(
        "\n== flux list against kubectl kustomize + Flux substitution, HelmReleases (namespace, name, chart, version)"
    )
    if not CORPORA.is_dir():
        print(f"  skipped: {CORPORA} not found (it lives in ../shared beside the checkout)")
        return True
    if not (KUBECTL.is_file() and os.access(KUBECTL, os.X_OK)):
        print(f"  skipped: no kubectl at {KUBECTL} (run `make tools`)")
        return True
    head = ("corpus (entry)", "flux list", "kubectl", "agree", "only flux list", "only kubectl", "not built")
    lines = [head]
    ok = True
    for name, case in CASES.items():
        if not case.corpus:
            continue
        oracle = Oracle(KUBECTL, case.repo, case.entry, work / name, case.roots, case.root, case.ignores)
        results = oracle.run()
        built = helmreleases(results)
        listed = {
            (r["namespace"], r["name"], r["chart"], r["version"])
            for r in flux_list_rows(read_repo(case.repo, case.path, case.source))
            if r["kind"] == "HelmRelease"
        }
        unbuilt = sum(1 for r in results.values() if r.skipped)
        ok &= listed == built
        row = (f"{case.repo.name} ({case.entry})", len(listed), len(built), len(listed & built), len(listed - built),
               len(built - listed), unbuilt)  # fmt: skip
        lines.append(tuple(str(c) for c in row))
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    for line in lines:
        print(
            "  "
            + "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(line, widths, strict=True)))
        )
    print("  (not built: Flux Kustomizations kubectl could not build or whose source is another repository)")
    print(f"  every corpus agrees: {'yes' if ok else 'NO'}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--kubectl-rounds", type=int, default=3)
    parser.add_argument("--releases", type=int, default=2000)
    parser.add_argument("--no-agreement", action="store_true", help="skip the per-corpus agreement table")
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory(prefix="labbook-bench-") as tmp:
        work = Path(tmp)
        corpus = largest_corpus()
        if corpus is None:
            print(f"largest corpus skipped: {CORPORA} not found (it lives in ../shared beside the checkout)")
        else:
            ok &= bench("largest corpus", *corpus, work, args.rounds, args.kubectl_rounds)
        repo = synthetic(work / "synthetic-repo", args.releases)
        ok &= bench(f"synthetic, {args.releases} HelmReleases", repo, None, work, args.rounds, args.kubectl_rounds)
        if not args.no_agreement:
            ok &= agreement(work / "agreement")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
