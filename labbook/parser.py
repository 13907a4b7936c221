"""The ``labbook`` command line: every command, its options and the exit codes it can return.

:func:`build_parser` is all of it; :mod:`labbook.cli` parses with it, runs the command and prints.
Each subcommand names its implementation (``handler``: a module of ``labbook.commands``), what it
reads (``sources``: resolved from ``labbook.yaml`` before it runs) and the outputs and folders
checked before any work.
"""

from __future__ import annotations

import argparse

from labbook import __version__
from labbook.errors import EXIT_BAD_INPUT
from labbook.options import Default

FORMATS = ("text", "json", "github", "markdown", "junit")

CODES = {
    0: "ok / in sync",
    1: "drift found",
    2: "bad input: inventory, journal, arguments, or a repo that cannot be read",
    3: "a source could not be read: cluster unreachable, TLS, auth, timeout",
}
"""What each exit code means (design.md); every command lists the ones it can return."""

INTERNAL_ERROR = 70
"""A bug in labbook (EX_SOFTWARE): never the answer to anything a user typed or wrote."""


def exit_codes(*codes: int, meanings: dict[int, str] | None = None) -> str:
    """The ``--help`` epilog for a command that returns ``codes``."""
    words = {**CODES, **(meanings or {})}
    return "exit codes:\n" + "".join(f"  {c}  {words[c]}\n" for c in codes)


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line, named after the (sub)command, and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: {message} (see {self.prog} --help)\n")

    def unrecognized(self, extras: list[str]) -> None:
        """``--invetory``: say which command did not know it, and the option it probably meant."""
        from labbook.models.base import did_you_mean

        options = [o for a in self._actions for o in a.option_strings if o.startswith("--")]
        first = next((e for e in extras if e.startswith("-")), extras[0])
        meant = did_you_mean(first.split("=", 1)[0], options) if first.startswith("--") else None
        maybe = f"; did you mean {meant}?" if meant else ""
        self.error(f"unrecognized arguments: {' '.join(extras)}{maybe}")


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    g = common.add_argument_group("common options")
    g.add_argument(
        "--inventory", metavar="DIR", default=Default("inventory"), help="inventory folder (default: inventory/)"
    )
    g.add_argument("--journal", metavar="DIR", default=Default("journal"), help="journal folder (default: journal/)")
    g.add_argument(
        "--config", metavar="FILE", help="project config naming the sources (default: labbook.yaml, when present)"
    )
    g.add_argument("--debug", action="store_true", help="show a traceback for unexpected errors")
    return common


def _report_opts(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    p.add_argument("--output", "-o", metavar="FILE", help="write the output to FILE (atomically) instead of stdout")
    p.add_argument("--report", metavar="FILE", help="also write the JSON report to FILE, for the site's status page")
    p.set_defaults(outputs=(("output", "the output"), ("report", "the report")))


REPO = ("repo", "a checked-out Flux repository folder")
"""``--repo`` is a folder: a file there is bad input, said before any work."""


def _repo_opts(p: argparse.ArgumentParser, *, note: str = "") -> None:
    p.add_argument(
        "--repo", metavar="DIR", help="checked-out Flux repository (default: flux.repo in labbook.yaml)" + note
    )
    p.add_argument(
        "--path",
        metavar="PATH",
        help="cluster entry point inside the repo, e.g. clusters/homelab (default: flux.path, else auto-detected)",
    )
    p.set_defaults(folders=(REPO,))
    _flux_opts(p)


def _flux_opts(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--source",
        metavar="KIND/NAMESPACE/NAME",
        help="the Flux source that is this repository, when the reader cannot tell "
        "(e.g. GitRepository/flux-system/home-ops)",
    )
    p.add_argument("--verbose", action="store_true", help="list every warning instead of each cause once")


def _cluster_opts(p: argparse.ArgumentParser, *, snapshot: bool) -> None:
    p.add_argument("--kubeconfig", metavar="FILE", help="kubeconfig file (default: $KUBECONFIG or ~/.kube/config)")
    how = p.add_mutually_exclusive_group()
    how.add_argument(
        "--context", metavar="NAME", help="kubeconfig context (default: cluster: in labbook.yaml, else the current one)"
    )
    how.add_argument(
        "--in-cluster",
        action="store_true",
        help="use the pod's service account (server from $KUBERNETES_SERVICE_HOST and _PORT)",
    )
    if snapshot:
        how.add_argument("--snapshot", metavar="FILE", help="check a snapshot file instead of a live cluster")
    p.add_argument(
        "--token-file",
        metavar="FILE",
        help="--in-cluster: service-account token (default: /var/run/secrets/kubernetes.io/serviceaccount/token)",
    )
    p.add_argument(
        "--ca-file",
        metavar="FILE",
        help="--in-cluster: cluster CA bundle (default: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt)",
    )
    p.add_argument(
        "--timeout", type=float, default=10.0, metavar="SECONDS", help="per-request timeout in seconds (default: 10)"
    )


def build_parser() -> argparse.ArgumentParser:
    """The whole command line."""
    common = _common()
    parser = _Parser(
        prog="labbook",
        description="A homelab's documentation as code.",
        epilog=exit_codes(0, 1, 2, 3),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"labbook {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser, required=True)

    def add(name: str, handler: str, help: str, codes: str, parent=sub) -> argparse.ArgumentParser:
        p = parent.add_parser(
            name,
            parents=[common],
            help=help,
            description=help,
            epilog=codes,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        p.set_defaults(handler=handler, parser=p, prog=p.prog)
        return p

    add("validate", "validate", "check the inventory and every journal entry", exit_codes(0, 2))

    p = add("new", "new", "write a new journal entry (a draft) with its front matter", exit_codes(0, 2))
    p.add_argument("title", nargs="?", help="entry title (with --from-changes: default 'Changes since SINCE')")
    p.add_argument("--tags", default="", help="comma-separated tags (written lowercase: 'GPU Direct' -> gpu-direct)")
    p.add_argument("--related", default="", help="comma-separated component or node ids")
    p.add_argument("--series", help="series the entry belongs to")
    p.add_argument("--summary", help="one-sentence summary")
    p.add_argument("--date", help="entry date, YYYY-MM-DD (default: today)")
    p.add_argument("--draft", action="store_true", help="accepted for compatibility: a new entry is always a draft")
    p.add_argument(
        "--from-changes",
        nargs="?",
        const="",
        metavar="SINCE",
        help="list the lab's changes (Git history) since SINCE, YYYY-MM-DD (default: the newest entry's date) "
        "under headings to write under, with related: filled in",
    )
    p.set_defaults(sources=("history",))

    drift = sub.add_parser("drift", help="compare the docs with a source", description="compare the docs with a source")
    dsub = drift.add_subparsers(dest="source", metavar="SOURCE", parser_class=_Parser, required=True)
    p = add("flux", "drift_flux", "compare the inventory with a Flux repository", exit_codes(0, 1, 2), dsub)
    _repo_opts(p)
    _report_opts(p)
    p.add_argument(
        "--fix",
        action="store_true",
        help="update mismatched versions, charts and namespaces in the inventory from the repo (comments kept)",
    )
    p.set_defaults(sources=("flux",))
    p = add(
        "cluster",
        "drift_cluster",
        "compare the inventory with a live cluster or a snapshot",
        exit_codes(0, 1, 2, 3),
        dsub,
    )
    _cluster_opts(p, snapshot=True)
    _repo_opts(p, note="; also labels each version finding docs-stale, not-reconciled or out-of-band")
    _report_opts(p)
    p.set_defaults(sources=("flux?", "cluster"))
    p = add(
        "docs",
        "drift_docs",
        "check figures, node names and capability claims in docs/ and the inventory's prose against the "
        "inventory, and in each journal entry against the inventory as of its date (from Git history)",
        exit_codes(0, 1, 2),
        dsub,
    )
    p.add_argument("--docs", metavar="DIR", default="docs", help="docs folder (default: docs/)")
    _report_opts(p)
    p.set_defaults(folders=(("docs", "a folder of markdown pages"),), sources=("history",))

    flux = sub.add_parser("flux", help="inspect a Flux repository offline", description="inspect a Flux repository")
    fsub = flux.add_subparsers(dest="flux_command", metavar="COMMAND", parser_class=_Parser, required=True)
    p = add("list", "flux_list", "list the HelmReleases and sources the reader finds", exit_codes(0, 2), fsub)
    _repo_opts(p)
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    p.set_defaults(sources=("flux",))

    p = add(
        "snapshot", "snapshot", "record the cluster facts the checker uses, for offline checks", exit_codes(0, 2, 3)
    )
    _cluster_opts(p, snapshot=False)
    p.add_argument("-o", "--output", metavar="FILE", required=True, help="snapshot file to write")
    p.set_defaults(sources=("cluster",), outputs=(("output", "the snapshot"),))

    p = add("init", "init", "bootstrap an inventory from an existing Flux repository", exit_codes(0, 2))
    p.add_argument("--from-flux", metavar="DIR", required=True, help="checked-out Flux repository")
    p.add_argument("--path", metavar="PATH", help="cluster entry point inside the repo")
    _flux_opts(p)
    p.add_argument("--force", action="store_true", help="overwrite existing inventory files")
    p.set_defaults(folders=(("from_flux", "a checked-out Flux repository folder"),))

    p = add(
        "history",
        "history",
        "list the lab's meaningful changes from the Git history of the inventory",
        exit_codes(0, 2),
    )
    p.add_argument(
        "--repo",
        metavar="DIR",
        help="also read the history of this checked-out Flux repository folder (default: history.flux, else "
        "flux.repo in labbook.yaml)",
    )
    p.add_argument("--since", metavar="DATE", help="only changes committed on or after DATE (YYYY-MM-DD)")
    p.add_argument(
        "--format", choices=("text", "json", "markdown"), default="text", help="output format (default: text)"
    )
    p.add_argument(
        "--no-cache", action="store_true", help="read every commit again (default: cache in .cache/labbook/)"
    )
    p.set_defaults(sources=("history",))

    p = add(
        "zensical",
        "zensical",
        "build the site with Zensical (the content step, then zensical build)",
        exit_codes(0, 2, meanings={0: "built", 2: "bad input, or the build failed"}),
    )
    p.add_argument("-f", "--config-file", metavar="FILE", default="mkdocs.yml", help="config (default: mkdocs.yml)")
    p.add_argument("-d", "--site-dir", metavar="DIR", default="site-zensical", help="default: site-zensical/")
    p.add_argument("--build-dir", metavar="DIR", default="build/zensical", help="default: build/zensical/")

    p = add(
        "check-links",
        "check_links",
        "check that every in-site link and anchor of a built site resolves",
        exit_codes(0, 1, 2, meanings={0: "every link resolves", 1: "broken links (listed)"}),
    )
    p.add_argument("site", metavar="DIR", help="the built site, e.g. site/")
    p.add_argument("--site-url", metavar="URL", help="the site's site_url: absolute links under it are checked too")

    p = add(
        "schema",
        "schema",
        "write the inventory's JSON Schema for editors",
        exit_codes(0, 1, 2, meanings={0: "written / up to date", 1: "--check: the schema is out of date"}),
    )
    p.add_argument("--output", "-o", metavar="DIR", help="schema folder (default: <inventory>/schema)")
    p.add_argument("--check", action="store_true", help="exit 1 when the committed schema is out of date")
    return parser
