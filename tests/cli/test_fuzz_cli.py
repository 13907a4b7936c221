"""Fuzzing the command line itself: random commands, options and paths always end in exit 0-3, never a traceback.

Each case builds a scratch project (a copy of the example inventory, journal, docs, Flux repo
and snapshot) full of traps: a file where a folder is expected and a folder where a file is,
a missing parent, unreadable files and folders, symlink loops, names that are not UTF-8, and
``/proc``. It then runs ``labbook.cli.main`` in-process on a random argument list built from
those paths, with ``HOME`` and ``KUBECONFIG`` pointing into the scratch folder (a live cluster
read goes to a closed loopback port, so it fails fast with exit 3).

Absolute paths come only from places nothing can be written to (``/proc``), or ``/dev/null``:
a case may write wherever its arguments say, and it must never write outside its folder.

CI runs a few hundred derandomized cases; ``bench/fuzz.py --cli`` runs 10,000 and counts the bad ones.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import tempfile
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from labbook.cli import main
from labbook.parser import build_parser
from tests.conftest import ROOT

SETTINGS = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

NON_UTF8 = os.fsdecode(b"caf\xe9")
"""A file name that is not UTF-8 (Latin-1 ``café``), as Python sees it: with a lone surrogate."""

PATHS = [
    # what a user normally passes
    "inventory", "journal", "docs", "flux", "snapshot.yaml", "out.txt", "reports/flux.json", "schema",
    "flux/clusters/homelab", "clusters/homelab", ".", "",
    # files where folders are expected, and folders where files are
    "README.md", "inventory/hardware.yaml", "journal/2025-11-02-why-two-dgx-sparks.md", "docs/index.md",
    "README.md/x.json", "inventory/", "snapshot.yaml/",
    # missing parents and missing things
    "missing", "missing/deeper/x.json", "nope.yaml",
    # unreadable (for anyone but root), symlink loops, not UTF-8
    "locked", "locked/x.json", "secret.yaml", "loop", "loop/x.json", "ping", "dangling",
    NON_UTF8, f"{NON_UTF8}/x.yaml", f"{NON_UTF8}.yaml",
    # places nobody can write to, and the one device everybody can
    "/proc", "/proc/x.json", "/proc/nope/x.json", "/proc/self/status", "/dev/null",
    # odd spellings
    "-", "--", "~", "inventory/../inventory", "a\nb", " ", "x" * 300,
]  # fmt: skip
"""Every path a case may use: relative ones live in the case's folder."""

SCANNED = {"--repo", "--from-flux", "--docs", "--path"}
"""Options whose folder is read recursively: never ``/proc`` (its files can block a reader forever)."""

OPTIONS: dict[str, list[str | None]] = {
    "--inventory": ["path"],
    "--journal": ["path"],
    "--config": ["path"],
    "--repo": ["path"],
    "--path": ["path"],
    "--docs": ["path"],
    "--output": ["path"],
    "-o": ["path"],
    "--report": ["path"],
    "--snapshot": ["path"],
    "--kubeconfig": ["path"],
    "--from-flux": ["path"],
    "--format": ["text", "json", "github", "markdown", "junit", "yaml", ""],
    "--context": ["admin@homelab", "nope", ""],
    "--timeout": ["0.2", "0", "-1", "nan", "inf", "x", "1e400"],
    "--tags": ["rdma,Hardware", "GPU Direct", "!!!", ",", ""],
    "--related": ["cilium", "cilum,talos-ysi-4kO", "", "x" * 70],
    "--series": ["RDMA on Kubernetes", ""],
    "--summary": ["One line.", " ", "x" * 3000],
    "--date": ["2026-01-05", "2026-02-30", "tomorrow", "", "2026-1-5"],
    "--in-cluster": [None],
    "--fix": [None],
    "--force": [None],
    "--check": [None],
    "--draft": [None],
    "--help": [None],
    "--version": [None],
    "--nope": [None],
}
"""Options and the values they get (``path``: one of :data:`PATHS`; None: a flag)."""

COMMANDS = [
    ["validate"], ["new"], ["drift", "flux"], ["drift", "cluster"], ["drift", "docs"], ["flux", "list"],
    ["snapshot"], ["init"], ["schema"],
]  # fmt: skip
"""Every command (most cases run one)."""

NOT_COMMANDS = [["drift"], ["flux"], [], ["nope"]]
"""Incomplete or unknown commands: usage errors."""

REQUIRED = {"snapshot": "-o", "init": "--from-flux"}
"""Options a command cannot run without: most cases give them."""

KUBECONFIGS = {
    "missing": None,
    "junk": "apiVersion: v1\nclusters: [\n",
    "empty": "",
    "no-context": "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n",
    "closed-port": (
        "apiVersion: v1\nkind: Config\ncurrent-context: admin@homelab\n"
        "clusters: [{name: c, cluster: {server: 'https://127.0.0.1:1', insecure-skip-tls-verify: true}}]\n"
        "users: [{name: u, user: {token: t}}]\n"
        "contexts: [{name: admin@homelab, context: {cluster: c, user: u}}]\n"
    ),
}
"""What ``$KUBECONFIG`` holds; a live read never reaches a real cluster."""


@dataclass(frozen=True)
class Case:
    """One random command line in one scratch project."""

    argv: tuple[str, ...]
    kubeconfig: str
    """A key of :data:`KUBECONFIGS`."""
    config: str | None
    """``labbook.yaml`` in the project, or None."""
    traps: bool = True
    """Whether the inventory and journal also hold files with names that are not UTF-8."""


def _options_of(argv: list[str]) -> list[str]:
    """The options the real parser gives the command ``argv`` names (``--debug`` left out: it shows tracebacks)."""
    parser = build_parser()
    for word in argv:
        sub = next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)
        if sub is None or word not in sub.choices:
            break
        parser = sub.choices[word]
    found = {o for a in parser._actions for o in a.option_strings if o in OPTIONS}
    return sorted(found - {"--help", "--version", "--nope"})  # those end the run before any work


@st.composite
def cases(draw: st.DrawFn) -> Case:
    argv = list(draw(st.sampled_from(COMMANDS if draw(st.integers(0, 9)) else NOT_COMMANDS)))
    if argv and argv[0] in REQUIRED and draw(st.integers(0, 4)):
        argv += [REQUIRED[argv[0]], draw(st.sampled_from([p for p in PATHS if p != "/proc"]))]
    if argv == ["new"] or draw(st.integers(0, 9)) == 0:
        argv.append(draw(st.sampled_from(["A title", "Ünïcödé: yes", "", "x" * 200, "--", "-x"])))
    own = _options_of(argv)
    pool = st.sampled_from(own) if own and draw(st.integers(0, 4)) else st.sampled_from(sorted(OPTIONS))
    for option in draw(st.lists(pool, max_size=5)):
        argv.append(option)
        value = draw(st.sampled_from(OPTIONS[option]))
        if value == "path":
            argv.append(draw(st.sampled_from([p for p in PATHS if not (option in SCANNED and p == "/proc")])))
        elif value is not None:
            argv.append(value)
    if draw(st.integers(0, 19)) == 0:
        argv.insert(draw(st.integers(0, len(argv))), draw(st.sampled_from([*PATHS, "--", "-", "--debugx"])))
    config = draw(
        st.sampled_from(
            [
                None,
                "flux:\n  repo: flux\n  path: clusters/homelab\ncluster:\n  snapshot: snapshot.yaml\n",
                "flux:\n  repo: README.md\ncluster:\n  context: nope\n",
                "flux: [\n",
                "flux:\n  repo: missing\n  pth: x\ncluster:\n  snapshot: a\n  context: b\n",
                "- a\n",
            ]
        )
    )
    return Case(tuple(argv), draw(st.sampled_from(sorted(KUBECONFIGS))), config, draw(st.booleans()))


def _project(root: Path, case: Case) -> None:
    """The scratch project, traps included."""
    shutil.copytree(ROOT / "inventory", root / "inventory")
    shutil.copytree(ROOT / "journal", root / "journal")
    shutil.copytree(ROOT / "docs", root / "docs")
    shutil.copytree(ROOT / "examples" / "flux", root / "flux")
    shutil.copy(ROOT / "examples" / "cluster" / "snapshot.yaml", root / "snapshot.yaml")
    (root / "README.md").write_text("# a file where a folder is expected\n", encoding="utf-8")
    (root / "locked").mkdir()
    (root / "locked" / "x.json").write_text("{}", encoding="utf-8")
    (root / "secret.yaml").write_text("a: 1\n", encoding="utf-8")
    os.symlink("loop", root / "loop")
    os.symlink("pong", root / "ping")
    os.symlink("ping", root / "pong")
    os.symlink("gone", root / "dangling")
    (root / NON_UTF8).mkdir()
    (root / NON_UTF8 / "x.yaml").write_text("a: 1\n", encoding="utf-8")
    if case.traps:
        (root / "inventory" / f"{NON_UTF8}.yaml").write_text("a: 1\n", encoding="utf-8")
        (root / "journal" / f"2026-01-01-{NON_UTF8}.md").write_bytes(b"---\ntitle: caf\xe9\n---\n")
    os.chmod(root / "secret.yaml", 0)
    os.chmod(root / "locked", 0)
    kubeconfig = KUBECONFIGS[case.kubeconfig]
    if kubeconfig is not None:
        (root / "kubeconfig").write_text(kubeconfig, encoding="utf-8")
    if case.config is not None:
        (root / "labbook.yaml").write_text(case.config, encoding="utf-8")


@contextlib.contextmanager
def _environment(root: Path) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.update(HOME=str(root), KUBECONFIG=str(root / "kubeconfig"))
    for key in ("KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT"):
        os.environ.pop(key, None)
    try:
        with contextlib.chdir(root):
            yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def check(case: Case) -> str | None:
    """None when the run ended cleanly in 0-3; otherwise what went wrong."""
    with tempfile.TemporaryDirectory(prefix="labbook-cli-fuzz-") as tmp:
        root = Path(tmp) / "project"
        root.mkdir()
        try:
            _project(root, case)
            out, err = io.StringIO(), io.StringIO()
            with _environment(root), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    code = main(list(case.argv))
                except SystemExit as exc:  # main returns; a SystemExit escaping it is a bug too
                    return f"SystemExit({exc.code!r}) escaped main"
                except BaseException:
                    return "main raised:\n" + traceback.format_exc()
        finally:
            for locked in (root / "locked", root / "secret.yaml"):
                if locked.exists():
                    os.chmod(locked, 0o700)
        text = err.getvalue()
        if not isinstance(code, int) or not 0 <= code <= 3:
            return f"exit {code!r}: {text[-2000:]}"
        if "Traceback" in text or "internal error" in text:
            return f"a traceback or an internal error (exit {code}): {text[-2000:]}"
    return None


@SETTINGS
@given(cases())
def test_every_command_line_ends_in_0_to_3_without_a_traceback(case: Case) -> None:
    problem = check(case)
    assert problem is None, f"labbook {' '.join(map(repr, case.argv))} (kubeconfig {case.kubeconfig}):\n{problem}"


def test_the_check_catches_what_it_claims_to(monkeypatch) -> None:
    """The oracle itself can fail: an internal error is caught, a clean bad input is not."""
    assert check(Case(("validate", "--inventory", "README.md"), "missing", None)) is None
    import labbook.commands.validate as validate

    monkeypatch.setattr(validate, "run", lambda args, found: 1 / 0)
    assert "internal error" in (check(Case(("validate",), "missing", None)) or "")
