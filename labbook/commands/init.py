"""``labbook init --from-flux DIR``: a valid inventory bootstrapped from an existing Flux repository.

The platform comes from the repository (see
:mod:`labbook.sources.flux.bootstrap`); hardware and RDMA are left empty and the
site is the minimum that validates, for the owner to fill in. Existing files are
kept unless ``--force``. Every file is validated before any is written, and
each is written atomically.
"""

from __future__ import annotations

import argparse
import io
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from labbook.config import CONFIG_FILE, config_text
from labbook.errors import BadInput, Collector, Problem
from labbook.files import atomic_write, display
from labbook.load.errors import problems_from_validation
from labbook.load.inventory import MODELS
from labbook.load.yaml import LoadError, parse
from labbook.models.inventory import SECTIONS
from labbook.sources.flux import build, observe_build
from labbook.sources.flux.bootstrap import cluster_name, platform_from

FLOW = ("source", "flux")
"""Keys written in flow style, as the example inventory writes them."""

HEADERS = {
    "platform": "What runs on the cluster, as {repo} deploys it (written by `labbook init --from-flux`).\n"
    "Replace each description and url with the real ones; `labbook drift flux` keeps the rest honest.",
    "hardware": "The machines. Add one entry per node (name, kind, cpu, arch, memory, roles ...);\n"
    "`labbook init` cannot see hardware in a Flux repository.",
    "rdma": "The high-speed fabric, if there is one: links, SR-IOV, Multus networks, NCCL settings.",
    "site": "The owner's words on the home page. Add your philosophy and learning goals.",
}


def _commented(value: Any) -> Any:
    if isinstance(value, dict):
        out = CommentedMap()
        for key, item in value.items():
            out[key] = _commented(item)
            if key in FLOW and isinstance(out[key], CommentedMap):
                out[key].fa.set_flow_style()
        return out
    if isinstance(value, list):
        seq = CommentedSeq(_commented(v) for v in value)
        if all(isinstance(v, str) for v in value) and value:
            seq.fa.set_flow_style()
        return seq
    return value


def _dump(data: dict[str, Any], header: str) -> str:
    doc = _commented(data)
    doc.yaml_set_start_comment(header)
    out = io.StringIO()
    yaml = YAML()
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.dump(doc, out)
    return out.getvalue()


def _validated(texts: dict[str, str], shown: dict[str, str], collected: Collector) -> None:
    for section, text in texts.items():
        try:
            tree = parse(shown[section], text)
            MODELS[section].model_validate(tree)
        except LoadError as exc:
            collected.add(exc.problem)
        except ValueError as exc:  # pydantic.ValidationError
            collected.extend(problems_from_validation(shown[section], tree, MODELS[section], exc))  # type: ignore[arg-type]
    collected.check()


def run(args: argparse.Namespace, collected: Collector) -> int:
    """Exit 0 when written; 2 when a file exists (without ``--force``) or the repository cannot be read."""
    repo, target = Path(args.from_flux), Path(args.inventory)
    files = {s: target / f"{s}.yaml" for s in SECTIONS}
    shown = {s: display(p) for s, p in files.items()}
    existing = [s for s, p in files.items() if p.exists()]
    if existing and not args.force:
        raise BadInput(
            [Problem(shown[s], None, None, "already exists (expected --force to overwrite it)") for s in existing]
        )
    found = build(repo, args.path, args.source, args.verbose)
    observed = observe_build(found)
    platform = platform_from(observed, found)
    if not platform["categories"]:
        raise BadInput(
            Problem(display(repo), None, None, "the repository deploys no HelmRelease or Kustomization to document")
        )
    name = cluster_name(found)
    data = {
        "platform": platform,
        "hardware": {"nodes": []},
        "rdma": {"links": [], "networks": []},
        "site": {
            "title": name,
            "tagline": f"The {name} cluster, documented as code and checked against its Flux repository.",
            "cluster": {"name": name, "os": "Kubernetes", "gitops": "FluxCD"},
        },
    }
    texts = {s: _dump(data[s], HEADERS[s].format(repo=display(repo))) for s in SECTIONS}
    _validated(texts, shown, collected)
    for section in SECTIONS:
        atomic_write(files[section], texts[section])
    comps = sum(len(c["components"]) for c in platform["categories"])
    print(
        f"wrote {shown['platform']}: {comps} components in {len(platform['categories'])} categories, "
        f"{len(platform['ignore'])} ignore rules, from {display(repo)} ({found.entry or '.'})"
    )
    print(f"wrote {shown['hardware']}, {shown['rdma']} and {shown['site']}: fill them in")
    for line in observed.header:
        print(line)
    _project(args, repo, found.entry)
    collected.warn(observed.warnings)
    return 0


def _project(args: argparse.Namespace, repo: Path, entry: str) -> None:
    """The rest of a project that validates and checks without flags: ``journal/`` and ``labbook.yaml``."""
    journal = Path(args.journal)
    if not journal.exists():
        journal.mkdir(parents=True)
        print(f'created {display(journal)}/ for journal entries (`labbook new "Title"` writes one)')
    config = Path(getattr(args, "config", None) or CONFIG_FILE)
    if config.exists():
        print(f"kept {display(config)}: check that its flux: repo names {display(repo)}")
        return
    atomic_write(config, config_text(repo, entry or None, args.source, config.parent))
    print(f"wrote {display(config)}: `labbook drift flux` now checks {display(repo)} ({entry or '.'})")
