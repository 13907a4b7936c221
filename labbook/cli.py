"""``labbook``: parse arguments, call the library, turn errors into one line each and an exit code.

Command implementations live in ``labbook.commands.*`` and are imported only
when their command runs, so ``labbook validate`` never pays for the
``kubernetes`` client.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from labbook import __version__
from labbook.errors import EXIT_BAD_INPUT, LabbookError

EXIT_CODES = """\
exit codes:
  0  ok / in sync
  1  drift found
  2  bad input: inventory, journal, arguments, or a repo that cannot be read
  3  a source could not be read: cluster unreachable, TLS, auth, timeout
"""

FORMATS = ("text", "json", "github", "markdown", "junit")


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    g = common.add_argument_group("common options")
    g.add_argument("--inventory", metavar="DIR", default="inventory", help="inventory folder (default: inventory/)")
    g.add_argument("--journal", metavar="DIR", default="journal", help="journal folder (default: journal/)")
    g.add_argument("--debug", action="store_true", help="show a traceback for unexpected errors")
    return common


def _report_opts(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    p.add_argument("--output", "-o", metavar="FILE", help="write the output to FILE (atomically) instead of stdout")
    p.add_argument("--report", metavar="FILE", help="also write the JSON report to FILE, for the site's status page")


def _repo_opts(p: argparse.ArgumentParser, *, required: bool = False, note: str = " (default: examples/flux)") -> None:
    p.add_argument(
        "--repo",
        metavar="DIR",
        required=required,
        help="checked-out Flux repository" + ("" if required else note),
    )
    p.add_argument(
        "--path",
        metavar="PATH",
        help="cluster entry point inside the repo, e.g. clusters/homelab (default: auto-detected)",
    )
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
    how.add_argument("--context", metavar="NAME", help="kubeconfig context (default: the current one)")
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
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"labbook {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser, required=True)

    def add(name: str, handler: str, help: str, parent=sub) -> argparse.ArgumentParser:
        p = parent.add_parser(
            name,
            parents=[common],
            help=help,
            description=help,
            epilog=EXIT_CODES,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        p.set_defaults(handler=handler)
        return p

    add("validate", "validate", "check the inventory and every journal entry")

    p = add("new", "new", "write a new journal entry with its front matter")
    p.add_argument("title", help="entry title")
    p.add_argument("--tags", default="", help="comma-separated tags")
    p.add_argument("--related", default="", help="comma-separated component or node ids")
    p.add_argument("--series", help="series the entry belongs to")
    p.add_argument("--summary", help="one-sentence summary")
    p.add_argument("--date", help="entry date, YYYY-MM-DD (default: today)")
    p.add_argument("--draft", action="store_true", help="mark the entry as a draft")

    drift = sub.add_parser("drift", help="compare the docs with a source", description="compare the docs with a source")
    dsub = drift.add_subparsers(dest="source", metavar="SOURCE", parser_class=_Parser, required=True)
    p = add("flux", "drift_flux", "compare the inventory with a Flux repository", dsub)
    _repo_opts(p)
    _report_opts(p)
    p.add_argument(
        "--fix",
        action="store_true",
        help="update mismatched versions, charts and namespaces in the inventory from the repo (comments kept)",
    )
    p = add("cluster", "drift_cluster", "compare the inventory with a live cluster or a snapshot", dsub)
    _cluster_opts(p, snapshot=True)
    _repo_opts(p, note=": also label each version finding docs-stale, not-reconciled or out-of-band")
    _report_opts(p)
    p = add(
        "docs",
        "drift_docs",
        "check figures, node names and capability claims in docs/ and the inventory's prose "
        "(journal entries are history: not checked)",
        dsub,
    )
    p.add_argument("--docs", metavar="DIR", default="docs", help="docs folder (default: docs/)")
    _report_opts(p)

    flux = sub.add_parser("flux", help="inspect a Flux repository offline", description="inspect a Flux repository")
    fsub = flux.add_subparsers(dest="flux_command", metavar="COMMAND", parser_class=_Parser, required=True)
    p = add("list", "flux_list", "list the HelmReleases and sources the reader finds", fsub)
    _repo_opts(p)
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")

    p = add("snapshot", "snapshot", "record the cluster facts the checker uses, for offline checks")
    _cluster_opts(p, snapshot=False)
    p.add_argument("-o", "--output", metavar="FILE", required=True, help="snapshot file to write")

    p = add("init", "init", "bootstrap an inventory from an existing Flux repository")
    p.add_argument("--from-flux", metavar="DIR", required=True, help="checked-out Flux repository")
    p.add_argument("--path", metavar="PATH", help="cluster entry point inside the repo")
    _flux_opts(p)
    p.add_argument("--force", action="store_true", help="overwrite existing inventory files")

    p = add("history", "history", "list the lab's meaningful changes from the Git history of the inventory")
    p.add_argument("--repo", metavar="DIR", help="also read the history of this checked-out Flux repository folder")
    p.add_argument("--since", metavar="DATE", help="only changes committed on or after DATE (YYYY-MM-DD)")
    p.add_argument(
        "--format", choices=("text", "json", "markdown"), default="text", help="output format (default: text)"
    )
    p.add_argument(
        "--no-cache", action="store_true", help="read every commit again (default: cache in .cache/labbook/)"
    )

    p = add("zensical", "zensical", "build the site with Zensical (the content step, then zensical build)")
    p.add_argument("-f", "--config-file", metavar="FILE", default="mkdocs.yml", help="config (default: mkdocs.yml)")
    p.add_argument("-d", "--site-dir", metavar="DIR", default="site-zensical", help="default: site-zensical/")
    p.add_argument("--build-dir", metavar="DIR", default="build/zensical", help="default: build/zensical/")

    p = add("check-links", "check_links", "check that every in-site link and anchor of a built site resolves")
    p.add_argument("site", metavar="DIR", help="the built site, e.g. site/")
    p.add_argument("--site-url", metavar="URL", help="the site's site_url: absolute links under it are checked too")

    p = add("schema", "schema", "write the inventory's JSON Schema for editors")
    p.add_argument("--output", "-o", metavar="DIR", help="schema folder (default: <inventory>/schema)")
    p.add_argument("--check", action="store_true", help="exit 1 when the committed schema is out of date")
    return parser


def _record_failure(args: argparse.Namespace, error: LabbookError | str) -> None:
    """A drift check that did not run leaves a report saying so, never its last good one."""
    if str(getattr(args, "handler", "")).startswith("drift_") and getattr(args, "report", None):
        from labbook.commands._emit import record_failure

        record_failure(args, error)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns its exit code."""
    args = build_parser().parse_args(argv)
    try:
        module = importlib.import_module(f"labbook.commands.{args.handler}")
        return int(module.run(args))
    except LabbookError as exc:
        _record_failure(args, exc)
        if args.debug:
            raise
        for line in exc.lines():
            print(line, file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("labbook: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug: one line, and a way to see more
        _record_failure(args, f"internal error: {type(exc).__name__}: {exc}")
        if args.debug:
            raise
        print(
            f"labbook: internal error: {type(exc).__name__}: {exc} (run again with --debug for a traceback)",
            file=sys.stderr,
        )
        return 70
