"""Every validation error path of the inventory loader, with its exact file:line:col and message.

Each case edits a copy of the example inventory; the expected position is found
by searching the edited text, not by asking the loader.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from labbook.errors import BadInput
from labbook.load.inventory import load_inventory, read_inventory


def edit(inv: Path, section: str, old: str, new: str, count: int = 1) -> str:
    path = inv / f"{section}.yaml"
    text = path.read_text()
    assert old in text, f"fixture text {old!r} not in {section}.yaml"
    path.write_text(text.replace(old, new, count))
    return path.read_text()


def pos(text: str, needle: str, nth: int = 1, offset: int = 0) -> tuple[int, int]:
    """1-based line and column of the nth occurrence of needle (plus offset chars)."""
    at = -1
    for _ in range(nth):
        at = text.index(needle, at + 1)
    at += offset
    return text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1


def errors(inv: Path) -> list[str]:
    with pytest.raises(BadInput) as exc:
        load_inventory(inv)
    return exc.value.lines()


def rel(inv: Path, section: str) -> str:
    return f"{inv}/{section}.yaml"


@pytest.fixture
def inv(inventory_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(inventory_copy.parent)  # paths are shown relative to the working directory
    return Path("inventory")


def test_example_inventory_is_valid() -> None:
    inventory = load_inventory(Path(__file__).resolve().parents[2] / "inventory")
    assert len(inventory.hardware.nodes) == 3


def test_wrong_type(inv: Path) -> None:
    text = edit(inv, "hardware", "cores: 16", "cores: sixteen")
    line, col = pos(text, "sixteen")
    assert errors(inv) == [
        f"inventory/hardware.yaml:{line}:{col}: nodes[0].cpu.cores: got 'sixteen' (expected an integer)"
    ]


def test_unknown_key_suggests_the_close_one(inv: Path) -> None:
    text = edit(inv, "platform", "        namespace: kube-system\n", "        namespce: kube-system\n")
    line, col = pos(text, "namespce")
    assert errors(inv) == [
        f"inventory/platform.yaml:{pos(text, '- id: cilium')[0]}:9: categories[1].components[0].namespace: "
        "missing required key 'namespace' (expected it to be set)",
        f"inventory/platform.yaml:{line}:{col}: categories[1].components[0].namespce: unknown key 'namespce' "
        "(did you mean 'namespace'? expected one of: description, helm, id, kustomization, name, namespace, notes, "
        "runs_on, url)",
    ]


def test_unknown_key_without_a_close_match(inv: Path) -> None:
    text = edit(inv, "site", "recent: 5", "recent: 5\nzzz: 1")
    line, col = pos(text, "zzz")
    assert errors(inv) == [
        f"inventory/site.yaml:{line}:{col}: zzz: unknown key 'zzz' (expected one of: cluster, intro, learning, "
        "living, owner, philosophy, recent, tagline, title)"
    ]


def test_missing_required_key_points_at_its_parent_key(inv: Path) -> None:
    text = edit(inv, "hardware", "      type: DDR5\n", "")
    line, col = pos(text, "memory:")
    assert errors(inv) == [
        f"inventory/hardware.yaml:{line}:{col}: nodes[0].memory.type: missing required key 'type' (expected it to be set)"
    ]


def test_duplicate_key(inv: Path) -> None:
    text = edit(inv, "hardware", "    arch: amd64\n", "    arch: amd64\n    arch: arm64\n")
    line, col = pos(text, "arch: arm64")
    assert errors(inv) == [
        f"inventory/hardware.yaml:{line}:{col}: duplicate key 'arch', first defined on line {line - 1} "
        "(expected each key once per mapping)"
    ]


def test_literal_choice(inv: Path) -> None:
    text = edit(inv, "hardware", "arch: amd64", "arch: x86_64")
    line, col = pos(text, "x86_64")
    assert errors(inv) == [
        f"inventory/hardware.yaml:{line}:{col}: nodes[0].arch: got 'x86_64' (expected one of 'amd64' or 'arm64')"
    ]


def test_id_pattern(inv: Path) -> None:
    text = edit(inv, "platform", "- id: metallb", "- id: MetalLB")
    line, col = pos(text, "MetalLB", 1)
    assert errors(inv) == [
        f"inventory/platform.yaml:{line}:{col}: categories[1].components[1].id: got 'MetalLB' "
        "(expected an id: lowercase letters, digits and '-', starting and ending with a letter or digit)"
    ]


def test_url(inv: Path) -> None:
    text = edit(inv, "platform", "url: https://metallb.io", "url: metallb dot io")
    line, col = pos(text, "metallb dot io")
    (err,) = errors(inv)
    assert err.startswith(
        f"inventory/platform.yaml:{line}:{col}: categories[1].components[1].url: got 'metallb dot io'"
    )


def test_model_rule(inv: Path) -> None:
    text = edit(inv, "hardware", "threads: 32", "threads: 8")
    line, col = pos(text, "model: AMD")
    assert errors(inv) == [f"inventory/hardware.yaml:{line}:{col}: nodes[0].cpu: threads (8) is less than cores (16)"]


def test_component_without_deployment(inv: Path) -> None:
    text = edit(inv, "platform", "        kustomization:\n          path: ./infrastructure/network/multus\n", "")
    line, col = pos(text, "- id: multus", offset=2)
    assert errors(inv) == [
        f"inventory/platform.yaml:{line}:{col}: categories[8].components[2]: a component needs `helm` or "
        "`kustomization` (expected how Flux deploys it)"
    ]


@pytest.mark.parametrize(
    "content,expected",
    [("", "got an empty file"), ("- a\n- b\n", "got a list"), ("just text\n", "got a str")],
    ids=["empty", "list", "scalar"],
)
def test_top_level_must_be_a_mapping(inv: Path, content: str, expected: str) -> None:
    (inv / "site.yaml").write_text(content)
    assert errors(inv) == [f"inventory/site.yaml:1:1: {expected} (expected a mapping of site keys)"]


def test_missing_file(inv: Path) -> None:
    (inv / "rdma.yaml").unlink()
    assert errors(inv) == ["inventory/rdma.yaml: file not found (expected an existing file)"]


def test_missing_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert errors(Path("nope")) == ["nope: inventory folder not found (expected a folder of YAML files)"]


def test_invalid_utf8(inv: Path) -> None:
    path = inv / "site.yaml"
    path.write_bytes(path.read_bytes().replace(b"owner: Michael Willingham", b"owner: Michael Willingh\xe4m"))
    line, col = pos(path.read_bytes().decode("latin-1"), "\xe4")
    assert errors(inv) == [f"inventory/site.yaml:{line}:{col}: invalid UTF-8 byte 0xe4 (expected UTF-8 text)"]


def test_unknown_node_references(inv: Path) -> None:
    text_p = edit(inv, "platform", "nodes: [talos-7aj-lwl, talos-ysi-4k0]", "nodes: [talos-7aj-lwl, talos-zzz-000]")
    text_r = edit(inv, "rdma", "      - node: talos-ysi-4k0\n        nic", "      - node: talos-abc-123\n        nic")
    lp, cp = pos(text_p, "talos-zzz-000")
    lr, cr = pos(text_r, "talos-abc-123")
    known = "talos-76w-3r0, talos-7aj-lwl, talos-ysi-4k0"
    assert errors(inv) == [
        f"inventory/platform.yaml:{lp}:{cp}: categories[8].components[1].runs_on.nodes[1]: unknown node "
        f"'talos-zzz-000' (expected one of: {known})",
        f"inventory/rdma.yaml:{lr}:{cr}: links[0].endpoints[1].node: unknown node 'talos-abc-123' "
        f"(expected one of: {known})",
    ]


def test_a_mistyped_node_gets_did_you_mean_not_a_pattern(inv: Path) -> None:
    """``talos-ysi-4kO`` (a letter O) fails the id pattern, yet it is a reference: say so, and offer the node."""
    text = edit(inv, "rdma", "      - node: talos-ysi-4k0\n        nic", "      - node: talos-ysi-4kO\n        nic")
    text_p = edit(inv, "platform", "nodes: [talos-7aj-lwl, talos-ysi-4k0]", "nodes: [talos-7aj-lwl, talos-ysi-4ko]")
    line, col = pos(text, "talos-ysi-4kO")
    lp, cp = pos(text_p, "talos-ysi-4ko")
    known = "talos-76w-3r0, talos-7aj-lwl, talos-ysi-4k0"
    assert errors(inv) == [
        f"inventory/platform.yaml:{lp}:{cp}: categories[8].components[1].runs_on.nodes[1]: unknown node "
        f"'talos-ysi-4ko' (did you mean 'talos-ysi-4k0'? expected one of: {known})",
        f"inventory/rdma.yaml:{line}:{col}: links[0].endpoints[1].node: unknown node 'talos-ysi-4kO' "
        f"(did you mean 'talos-ysi-4k0'? expected one of: {known})",
    ]


def test_a_misnamed_file_is_named_in_the_error(inv: Path) -> None:
    (inv / "hardware.yaml").rename(inv / "hardware.yml")
    assert errors(inv) == [
        "inventory/hardware.yaml: file not found (expected an existing file); "
        "hint: rename inventory/hardware.yml to hardware.yaml"
    ]


def test_unknown_files_are_warnings_with_the_expected_names(inv: Path) -> None:
    (inv / "extra.yaml").write_text("a: 1\n")
    (inv / "platfrom.yml").write_text("a: 1\n")
    (inv / "README.md").write_text("notes\n")
    inventory, problems = read_inventory(inv)
    assert inventory is not None
    expected = "(expected hardware.yaml, platform.yaml, rdma.yaml, site.yaml)"
    assert [str(p) for p in problems] == [
        f"warning: inventory/extra.yaml: not read: not an inventory file {expected}",
        f"warning: inventory/platfrom.yml: not read: not an inventory file {expected}; "
        "hint: rename it to platform.yaml, or merge it into that file",
    ]


def test_the_inventory_folder_is_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("inventory").write_text("")
    assert errors(Path("inventory"))[0].startswith("inventory: is a file (expected a folder of YAML files")


def test_duplicate_ids(inv: Path) -> None:
    text_h = edit(inv, "hardware", "  - name: talos-ysi-4k0", "  - name: talos-7aj-lwl")
    text_p = edit(inv, "platform", "- id: grafana", "- id: jaeger")
    lh, ch = pos(text_h, "talos-7aj-lwl", 2)
    lp, cp = pos(text_p, "- id: jaeger", 2, offset=6)
    errs = errors(inv)
    assert (
        f"inventory/hardware.yaml:{lh}:{ch}: nodes[2].name: node name 'talos-7aj-lwl' is defined twice "
        "(expected unique node names)" in errs
    )
    assert (
        f"inventory/platform.yaml:{lp}:{cp}: categories[4].components[2].id: component id 'jaeger' is "
        "defined twice (expected unique component ids)" in errs
    )


def test_network_must_use_an_advertised_pool(inv: Path) -> None:
    text = edit(
        inv, "rdma", "    resource_name: nvidia.com/cx7_qsfp\n    cni", "    resource_name: nvidia.com/other\n    cni"
    )
    line, col = pos(text, "nvidia.com/other")
    assert errors(inv) == [
        f"inventory/rdma.yaml:{line}:{col}: networks[0].resource_name: resource 'nvidia.com/other' is not "
        "advertised by SR-IOV (expected nvidia.com/cx7_qsfp)"
    ]


def test_every_problem_in_every_file_is_reported_together(inv: Path) -> None:
    edit(inv, "hardware", "cores: 16", "cores: many")
    edit(inv, "platform", "version: 1.18.4", "version: [1, 2]")
    edit(inv, "rdma", "speed_gbps: 200", "speed_gbps: fast")
    edit(inv, "site", "recent: 5", "recent: 0")
    errs = errors(inv)
    assert [e.split(":")[0] for e in errs] == [
        "inventory/hardware.yaml", "inventory/platform.yaml", "inventory/rdma.yaml", "inventory/site.yaml",
    ]  # fmt: skip
    assert all(e.count(":") >= 3 for e in errs)  # file:line:col: message


def test_where_points_at_the_claim() -> None:
    root = Path(__file__).resolve().parents[2]
    inventory = load_inventory(root / "inventory")
    text = (root / "inventory" / "platform.yaml").read_text()
    loc = inventory.where("component/cilium", "helm", 0, "version")
    assert loc.line == pos(text, "version: 1.18.4")[0]
    assert inventory.where("component/nope") is None
    hw = (root / "inventory" / "hardware.yaml").read_text()
    assert inventory.where("node/talos-ysi-4k0", "memory", "gb").line == pos(hw, "gb: 128", 2)[0]
    rd = (root / "inventory" / "rdma.yaml").read_text()
    assert inventory.where("rdma/cx7-rdma", "resource_name").line == pos(rd, "resource_name: nvidia.com/cx7_qsfp", 2)[0]
    assert inventory.where("rdma/sriov").line == pos(rd, "sriov:")[0]


def test_reference_to_a_node_when_there_are_none(inv: Path) -> None:
    (inv / "hardware.yaml").write_text("nodes: []\n")
    errs = errors(inv)
    assert len(errs) == 6  # two runs_on pins, two link ends, two SR-IOV nodes
    assert errs[2].startswith("inventory/rdma.yaml:")
    assert errs[2].endswith(
        "links[0].endpoints[0].node: unknown node 'talos-7aj-lwl' (expected a node listed in hardware.yaml, "
        "which has none yet)"
    )


def test_every_pattern_of_the_models_is_said_in_words() -> None:
    """No message shows a regular expression: each ``pattern`` a model uses has words in PATTERNS."""
    import json

    from labbook.load.errors import PATTERNS
    from labbook.load.inventory import MODELS
    from labbook.models.journal import FrontMatter

    def patterns(node: object) -> set[str]:
        if isinstance(node, dict):
            own = {node["pattern"]} if "pattern" in node else set()
            return own | {p for v in node.values() for p in patterns(v)}
        if isinstance(node, list):
            return {p for v in node for p in patterns(v)}
        return set()

    used = {p for m in (*MODELS.values(), FrontMatter) for p in patterns(json.loads(json.dumps(m.model_json_schema())))}
    assert used and used <= set(PATTERNS), used - set(PATTERNS)


def test_a_key_with_spaces_around_it_is_shown_quoted(inv: Path) -> None:
    """Found by bench/fuzz.py: `' 7': x` must not print as `site.yaml:1:1:  7: …` (the path looks empty)."""
    (inv / "site.yaml").write_text((inv / "site.yaml").read_text() + "' 7': x\n")
    (err,) = errors(inv)
    assert ": ' 7': unknown key ' 7' (expected one of: " in err
