"""sources/prose: which figures hand-written markdown states, where, and what the wording claims."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labbook.errors import BadInput
from labbook.sources.prose import Terms, read_docs, scan, visible_text


def figures(text: str, shapes: tuple[str, ...] = ()) -> list[tuple[int, str, str, str]]:
    """``(line, kind, value, claim)`` for every figure in ``text``."""
    return [(f.origin.line, f.kind, f.value, f.claim) for f in scan(text, "docs/page.md", shapes)]


FIGURES = {
    "cores-total-words": ("The cluster has 56 cores in total.", [(1, "cores", "56", "total")]),
    "cores-hyphen": ("A 16-core Ryzen.", [(1, "cores", "16", "unqualified")]),
    "cores-physical": ("It has 20 physical cores.", [(1, "cores", "20", "unqualified")]),
    "cores-threads-short": (
        "Ryzen 9 9950X3D (16c/32t).",
        [(1, "cores", "16", "unqualified"), (1, "threads", "32", "unqualified")],
    ),
    "cores-and-short-once": (
        "It has 16 cores (16c/32t).",
        [(1, "cores", "16", "unqualified"), (1, "threads", "32", "unqualified")],
    ),
    "threads": ("72 hardware threads across the cluster.", [(1, "threads", "72", "total")]),
    "memory-of-ram": ("448 GB of RAM.", [(1, "memory_gb", "448", "unqualified")]),
    "memory-unified": ("128 GB unified memory each.", [(1, "memory_gb", "128", "each")]),
    "memory-ddr": ("192GB DDR5.", [(1, "memory_gb", "192", "unqualified")]),
    "memory-after-word": ("Memory: 448 GB.", [(1, "memory_gb", "448", "unqualified")]),
    "memory-needs-a-memory-word": ("A 1 GB hugepage and 2 GB/s of bandwidth.", []),
    "pflops-approx": ("About ~3.4 PFLOPS FP4 combined.", [(1, "fp4_pflops", "3.4", "total")]),
    "pflops-about": ("about 1 PFLOPS FP4 each", [(1, "fp4_pflops", "1", "each")]),
    "pflops-other-precision": ("Roughly 0.5 PFLOPS FP8.", []),
    "gpus": ("Three NVIDIA GPUs.", [(1, "gpus", "3", "unqualified")]),
    "gpus-per-node": ("One GPU per node.", [(1, "gpus", "1", "each")]),
    "nodes-cluster": ("A three-node Talos Kubernetes cluster.", [(1, "nodes", "3", "total")]),
    "nodes-without-cluster-wording": ("NCCL runs across 2 nodes", []),
    "nodes-plural": ("The cluster has 3 Talos nodes.", [(1, "nodes", "3", "total")]),
    "nodes-one-node-is-not-a-count": (
        "In the cluster one node has 16 cores.",
        [(1, "cores", "16", "unqualified")],
    ),
    "nodes-1-node-cluster": ("A 1-node cluster.", [(1, "nodes", "1", "total")]),
    "link": ("Joined by a 200 Gbps QSFP56 DAC.", [(1, "link_gbps", "200", "total")]),
    "link-nic-in-link-sentence": (
        "Each Spark has a 10GbE port, and a ConnectX-7 for RDMA.",
        [(1, "link_gbps", "10", "unqualified")],
    ),
    "gbps-without-link-wording": ("Tailscale reaches 1 Gbps from outside.", []),
    "node-name": (
        "talos-7aj-lwl and talos-abc-123.",
        [(1, "node_name", "talos-7aj-lwl", "unqualified"), (1, "node_name", "talos-abc-123", "unqualified")],
    ),
    "node-name-inside-a-longer-word": ("talos-7aj-lwl-extra and xtalos-7aj-lwl", []),
    "threads-of-software": ("NCCL uses 4 threads per channel, CUDA 1024 threads per block.", []),
    "threads-without-cpu-context": ("The build runs 8 threads.", []),
    "threads-of-a-node": ("The Ryzen has 32 threads.", [(1, "threads", "32", "unqualified")]),
    "resources-of-pods": ("Each workspace requests 4 cores and 8 GB of RAM; a pod gets 1 GPU.", []),
    "gib-is-not-the-inventory": (
        "128 GB of memory shows as ~121.7 GiB of memory.",
        [(1, "memory_gb", "128", "unqualified")],
    ),
    "bounds-are-not-claims": ("Over 400 GB of RAM and up to 60 cores, at least 2 GPUs.", []),
    "sub-counts-do-not-match": ("10 performance cores and 6,144 CUDA cores.", []),
    "thousands": ("1,024 cores in total.", [(1, "cores", "1024", "total")]),
    "each-beats-total-in-its-clause": (
        "In total the Sparks bring 40 cores, 20 cores each.",
        [(1, "cores", "40", "total"), (1, "cores", "20", "each")],
    ),
    "machines-of-the-cluster": ("The cluster is three machines.", [(1, "nodes", "3", "total")]),
    "machines-of-every-node": ("Every node is a control plane: three machines.", [(1, "nodes", "3", "total")]),
    "machines-elsewhere": ("The build farm has three machines.", []),
    "etcd-members": (
        "Three etcd members, 2 control-plane nodes.",
        [(1, "control_planes", "3", "total"), (1, "control_planes", "2", "total")],
    ),
    "pcie-is-not-the-link": ("One PCIe Gen5 x4 link carries about 100 Gbps of the RDMA traffic.", []),
    "a-measuring-tool-is-not-the-link": ("ib_write_bw reported 94 Gbps over the RoCE link.", []),
    "what-a-pod-gets-is-not-the-link": ("A pod gets 100 Gbps of the link.", []),
    # journal prose (2025-11-02-why-two-dgx-sparks.md): "each" that distributes over something else
    "each-direction-is-not-each-node": (
        "With two GPUs that is roughly the gradient size in each direction, every step.",
        [(1, "gpus", "2", "unqualified")],
    ),
    "each-step-is-not-each-node": ("Two GPUs exchange 16 GB each step.", [(1, "gpus", "2", "unqualified")]),
    "each-at-the-end-is-each-node": ("The Sparks have 20 cores each.", [(1, "cores", "20", "each")]),
}


@pytest.mark.parametrize("case", FIGURES, ids=list(FIGURES))
def test_figures(case: str) -> None:
    text, expected = FIGURES[case]
    assert figures(text) == expected


def test_a_sentence_wrapped_over_lines_keeps_its_wording_and_each_figure_its_line() -> None:
    text = "Intro.\n\nThe cluster brings 56 cores,\n448 GB of RAM and\n3 GPUs in total.\n"
    assert figures(text) == [
        (3, "cores", "56", "total"),
        (4, "memory_gb", "448", "total"),
        (5, "gpus", "3", "total"),
    ]


def test_total_wording_does_not_leak_across_sentences_or_blocks() -> None:
    text = "The cluster has 56 cores in total. A node has 16 cores\n\n- 20 cores\n- 72 threads in total\n"
    assert figures(text) == [
        (1, "cores", "56", "total"),
        (1, "cores", "16", "unqualified"),
        (3, "cores", "20", "unqualified"),
        (4, "threads", "72", "total"),
    ]


def test_headings_and_table_rows_are_their_own_sentences() -> None:
    text = "## Totals\n| Ryzen | 16 cores |\n| **All** | 56 cores combined |\n"
    assert figures(text) == [(2, "cores", "16", "unqualified"), (3, "cores", "56", "total")]


LITERAL_ONLY = {
    "front-matter": "---\ntitle: 99 cores\n---\nbody\n",
    "fenced-backticks": "```bash\necho 99 cores talos-zzz-999\n```\n",
    "fenced-tildes-longer-close": "~~~~\n99 cores\n~~~\n99 cores\n~~~~~\n",
    "fenced-indented-in-admonition": '!!! note\n    ```yaml\n    cores: "99 cores"\n    ```\n',
    "inline-code": "Run `echo 99 cores` or ``a `99 cores` b``.",
    "macro-expression": "We have {{ totals.cores }} cores and {{ '99 cores' }}.",
    "macro-statement": "{% set shown = '99 cores' %}{% if x > 99 %}{% endif %}",
    "macro-comment": "{# 99 cores #}",
    "html-comment": "<!-- 99 cores\nand talos-zzz-999 -->",
    "link-destination": "[the hardware page](hardware.md#talos-zzz-999) and [x](https://e.com/99-cores)",
    "reference-definition": "[spark]: https://example.com/talos-zzz-999 'talos-zzz-999'",
    "html-attributes": '<img alt="99 cores" src="talos-zzz-999.png">',
    "attribute-list": "## Nodes { #talos-zzz-999 }",
    "ignore-directive": "We used to have 99 cores. <!-- labbook: ignore -->",
}


@pytest.mark.parametrize("case", LITERAL_ONLY, ids=list(LITERAL_ONLY))
def test_only_literal_text_is_read(case: str) -> None:
    assert figures(LITERAL_ONLY[case]) == []


def test_blanking_keeps_lines_and_columns() -> None:
    text = "---\na: 1\n---\nSee `code` and {{ m }} then 56 cores\n```\nx\n```\nend 3 GPUs\n"
    visible = visible_text(text)
    assert len(visible) == len(text)
    assert visible.count("\n") == text.count("\n")
    assert visible.splitlines()[3].index("56 cores") == text.splitlines()[3].index("56 cores")
    assert figures(text) == [(4, "cores", "56", "unqualified"), (8, "gpus", "3", "unqualified")]


def test_text_between_macro_statements_is_literal() -> None:
    assert figures("{% if x %}99 cores{% endif %}") == [(1, "cores", "99", "unqualified")]


def test_an_unclosed_fence_hides_the_rest_of_the_page() -> None:
    assert figures("56 cores\n```\n99 cores\n") == [(1, "cores", "56", "unqualified")]


SPARKS = Terms(kinds=("NVIDIA DGX Spark", "Custom PC"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Two NVIDIA DGX Sparks and one Custom PC.", [(1, "kind_count", "2", "NVIDIA DGX Spark")]),
        (
            "The two Sparks; three DGX Sparks; 2 PCs.",
            [
                (1, "kind_count", "2", "NVIDIA DGX Spark"),
                (1, "kind_count", "3", "NVIDIA DGX Spark"),
                (1, "kind_count", "2", "Custom PC"),
            ],
        ),
        ("One Spark is a capable machine; a Spark, each Spark.", []),
        ("Up to four Sparks through a switch.", []),
    ],
    ids=["full-kind", "short-kind", "one-is-not-a-count", "bounds"],
)
def test_counts_of_a_node_kind(text: str, expected: list) -> None:
    found = [(f.origin.line, f.kind, f.value, f.of) for f in scan(text, "docs/page.md", SPARKS)]
    assert found == expected


CAPS = Terms(capabilities=(("gpudirect", ("GPU-Direct RDMA", "GPUDirect RDMA", "GDRDMA")),))


@pytest.mark.parametrize(
    ("text", "claim"),
    [
        ("The Sparks train with GPU-Direct RDMA.", "unqualified"),
        ("GPUDirect RDMA works across the link.", "unqualified"),
        ("GPU-Direct RDMA does not work on GB10.", "hedged"),
        ("NCCL runs without GDRDMA.", "hedged"),
        ("GPU-Direct RDMA is not confirmed yet.", "hedged"),
        ("Whether GPU-Direct RDMA can work at all.", "hedged"),
        ("GPU-Direct RDMA: planned.", "hedged"),
        ("Does GPU-Direct RDMA matter here?", "hedged"),
        # conditions, as journal entries write them (2025-12-14-nccl-across-the-sparks.md)
        ("Allow GPU-Direct RDMA when GPU and NIC share a host bridge.", "hedged"),
        ("When NCCL uses GPU-Direct RDMA, the channel lines read GDRDMA.", "hedged"),
        ("Unless GPU-Direct RDMA works, NCCL stages through host memory.", "hedged"),
    ],
)
def test_a_capability_named_in_a_sentence_is_a_claim_unless_hedged(text: str, claim: str) -> None:
    (found,) = scan(text, "docs/page.md", CAPS)
    assert (found.kind, found.value, found.claim) == ("capability", "gpudirect", claim)


def test_hedges_do_not_leak_across_sentences() -> None:
    found = scan("GPU-Direct RDMA is not there. The pods use GPU-Direct RDMA.\n", "docs/page.md", CAPS)
    assert [(f.origin.col, f.claim) for f in found] == [(1, "hedged"), (44, "unqualified")]


def test_figures_carry_their_column() -> None:
    found = scan("# T\n\nA three-node cluster with 56 cores.\n", "docs/page.md")
    assert [(f.origin.line, f.origin.col, f.kind) for f in found] == [(3, 3, "nodes"), (3, 27, "cores")]


def test_node_name_shapes_from_the_caller() -> None:
    text = "spark-1 and spark-2, and talos-abc-def."
    assert figures(text, (r"spark-[a-z0-9]{1}",)) == [
        (1, "node_name", "spark-1", "unqualified"),
        (1, "node_name", "spark-2", "unqualified"),
        (1, "node_name", "talos-abc-def", "unqualified"),
    ]


def _write(root: Path, rel: str, text: str | bytes) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")


def test_read_docs_walks_pages_but_not_history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    docs = tmp_path / "docs"
    _write(docs, "index.md", "56 cores\n")
    _write(docs, "infrastructure/hardware.md", "\n\n3 GPUs\n")
    _write(docs, "journal/2026-01-01-old.md", "40 cores back then\n")
    _write(docs, "blog/posts/old.md", "40 cores back then\n")
    _write(docs, "blog/index.md", "4 GPUs\n")
    _write(docs, ".cache/x.md", "4 GPUs\n")
    _write(docs, "notes.txt", "4 GPUs\n")
    observed = read_docs(docs)
    assert observed.source == "docs"
    assert observed.target == "docs"
    assert [(str(f.origin), f.kind, f.value) for f in observed.figures] == [
        ("docs/blog/index.md:1:1", "gpus", "4"),
        ("docs/index.md:1:1", "cores", "56"),
        ("docs/infrastructure/hardware.md:3:1", "gpus", "3"),
    ]
    assert observed.pages == ["docs/blog/index.md", "docs/index.md", "docs/infrastructure/hardware.md"]
    assert observed.warnings == []


def test_read_docs_warns_about_a_page_that_is_not_utf8(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path / "docs", "bad.md", b"fine\n56 cores \xff\n")
    _write(tmp_path / "docs", "good.md", "3 GPUs\r\n")
    observed = read_docs(tmp_path / "docs")
    assert [(w.file, w.line, w.message) for w in observed.warnings] == [
        ("docs/bad.md", 2, "not UTF-8, page skipped (expected UTF-8 text)")
    ]
    assert [(str(f.origin), f.value) for f in observed.figures] == [("docs/good.md:1:1", "3")]


def test_read_docs_without_a_folder_is_bad_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(BadInput) as exc:
        read_docs(tmp_path / "nope")
    assert exc.value.lines() == ["nope: docs folder not found (expected a folder of markdown pages)"]


_TOKENS = [*"abc 0123456789.,;:-~`{}#%|<>!()[]\n\t", "cores", " GB", " RAM", "PFLOPS", "talos-", "---\n", "```\n"]
_MARKDOWN = st.lists(st.sampled_from(_TOKENS), max_size=150).map("".join)


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(_MARKDOWN)
def test_any_text_scans_without_error_and_figures_point_at_real_lines(text: str) -> None:
    found = scan(text, "docs/page.md")
    lines = text.split("\n")
    for figure in found:
        assert 1 <= figure.origin.line <= len(lines)
        if figure.kind != "node_name":
            assert float(figure.value) >= 0
    assert len(visible_text(text)) == len(text)


# --- the inventory's own prose -------------------------------------------------------------------------------------


def test_prose_fields_are_the_fields_the_models_type_as_prose() -> None:
    from labbook.load.inventory import load_inventory
    from labbook.sources.prose.inventory import prose_fields
    from tests.conftest import ROOT

    inv = load_inventory(ROOT / "inventory")
    site = [key for key, _ in prose_fields(inv.site)]
    assert site[:3] == [("tagline",), ("living",), ("intro",)]
    assert ("philosophy", 0, "choice") in site and ("philosophy", 2, "why") in site and ("learning", 3) in site
    assert ("owner",) not in site and ("cluster", "name") not in site, "names are not prose"
    rdma = dict(prose_fields(inv.rdma))
    assert ("nccl", 2, "why") in rdma and ("capabilities", 4, "note") in rdma and ("sriov", "vf_creation") in rdma
    assert not any(key[-1] in ("name", "value", "id") for key in rdma), "names and values are not prose"
    platform = [key for key, _ in prose_fields(inv.platform)]
    assert ("categories", 0, "components", 0, "description") in platform


SITE = """\
# yaml-language-server: $schema=schema/site.schema.json
owner: Someone
tagline: a four-node homelab
living: >-
  What I build and
  learn, on all five machines of the cluster.
intro: "A \\"quoted\\" lab of 64 cores in total."
cluster: {name: lab, os: Talos Linux, gitops: FluxCD}
philosophy:
  - choice: Every node is a control-plane node.
    why: 'It''s six etcd members.'
learning:
  - Two DGX Sparks.
"""


def test_inventory_prose_is_read_at_file_line_col(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    from labbook.drift.docs import terms
    from labbook.load.inventory import load_inventory
    from tests.conftest import ROOT

    monkeypatch.chdir(tmp_path)
    shutil.copytree(ROOT / "inventory", tmp_path / "inventory")
    (tmp_path / "inventory" / "site.yaml").write_text(SITE, encoding="utf-8")
    _write(tmp_path / "docs", "index.md", "Nothing here.\n")
    inv = load_inventory(Path("inventory"))
    observed = read_docs(Path("docs"), terms(inv), Path("inventory"), inv)
    assert observed.inventory == ["inventory/platform.yaml", "inventory/rdma.yaml", "inventory/site.yaml"]
    site = [(str(f.origin), f.kind, f.value) for f in observed.figures if f.origin.file == "inventory/site.yaml"]
    assert site == [
        ("inventory/site.yaml:3:12", "nodes", "4"),  # plain scalar
        ("inventory/site.yaml:6:17", "nodes", "5"),  # folded >- scalar, second line
        ("inventory/site.yaml:7:29", "cores", "64"),  # after escaped quotes
        ("inventory/site.yaml:11:17", "control_planes", "6"),  # single-quoted, after ''
        ("inventory/site.yaml:13:5", "kind_count", "2"),  # a list item
    ]
    lines = SITE.splitlines()
    for origin, _, value in site:
        line, col = map(int, origin.split(":")[1:])
        word = {"4": "four", "5": "five", "64": "64", "6": "six", "2": "Two"}[value]
        assert lines[line - 1][col - 1 :].startswith(word), origin


def test_align_steps_over_folding_and_escapes() -> None:
    from labbook.sources.prose.inventory import align

    text = 'a: >-\n  one two\n  three\nb: "x \\"y\\" z"\n'
    assert align(text, (1, 4), "one two three")[8] == (3, 3)
    assert align(text, (4, 4), 'x "y" z')[2:5] == [(4, 8), (4, 9), (4, 11)]  # the quote after its backslash
    assert align(text, (1, 4), "something else") == [None] * len("something else")
