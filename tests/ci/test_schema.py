"""The inventory's JSON Schema: committed = generated, documented, and as strict as `labbook validate`."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from labbook.load.yaml import parse
from labbook.models.inventory import SECTIONS
from labbook.schema import attribute_docstrings, generate, render, sections
from tests.conftest import ROOT

SCHEMA_DIR = ROOT / "inventory" / "schema"


def test_every_inventory_section_has_a_schema() -> None:
    assert sections() == SECTIONS


@pytest.mark.parametrize("section", SECTIONS, ids=SECTIONS)
def test_committed_schema_is_the_generated_one(section: str) -> None:
    """Our own docs-drift rule applied to ourselves: regenerate with `labbook schema` and commit."""
    committed = SCHEMA_DIR / f"{section}.schema.json"
    assert committed.is_file(), f"{committed.relative_to(ROOT)} is missing: run `labbook schema`"
    assert committed.read_text(encoding="utf-8") == render(section), (
        f"{committed.relative_to(ROOT)} differs from the models: run `labbook schema` and commit"
    )


@pytest.mark.parametrize("section", SECTIONS, ids=SECTIONS)
def test_inventory_file_points_its_editor_at_the_schema(section: str) -> None:
    first = (ROOT / "inventory" / f"{section}.yaml").read_text(encoding="utf-8").splitlines()[0]
    match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    assert match, first
    assert (ROOT / "inventory" / match[1]).resolve() == (SCHEMA_DIR / f"{section}.schema.json").resolve()


def _properties(schema: dict) -> list[tuple[str, str, dict]]:
    out = [("(root)", name, prop) for name, prop in schema.get("properties", {}).items()]
    for model, sub in schema.get("$defs", {}).items():
        out += [(model, name, prop) for name, prop in sub.get("properties", {}).items()]
    return out


@pytest.mark.parametrize("section", SECTIONS, ids=SECTIONS)
def test_every_field_has_its_docstring_as_description(section: str) -> None:
    schema = generate(section)
    undocumented = [f"{model}.{name}" for model, name, prop in _properties(schema) if not prop.get("description")]
    assert undocumented == [], f"fields without a docstring in labbook/models: {undocumented}"
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["additionalProperties"] is False


def test_descriptions_are_the_field_docstrings() -> None:
    hardware = generate("hardware")
    cpu = hardware["$defs"]["Cpu"]["properties"]
    assert cpu["cores"]["description"] == "Physical cores."
    assert cpu["threads"]["description"] == "Hardware threads; what the kubelet reports as `cpu` capacity."
    # a multi-line docstring becomes one paragraph
    tolerance = hardware["properties"]["memory_tolerance_percent"]["description"]
    assert tolerance.startswith("How far the kubelet's memory capacity may fall below `memory.gb` before the cluster")
    assert "\n" not in tolerance
    assert hardware["description"] == "`inventory/hardware.yaml`: the machines."


def test_docstring_extraction_reads_only_attribute_docstrings() -> None:
    from pydantic import BaseModel, ConfigDict

    class Base(BaseModel):
        a: int
        """First."""

    class Child(Base):
        b: int = 1
        "Second,\n        on two lines."
        c: int = 2
        model_config = ConfigDict(frozen=True)
        """Not an annotated attribute."""

    assert attribute_docstrings(Child) == {"a": "First.", "b": "Second, on two lines."}


def test_schema_check_passes_on_the_repository(cli) -> None:
    result = cli("schema", "--check")
    assert result.code == 0, result.out + result.err
    assert "inventory/schema: schema up to date (4 files)" in result.out


def test_schema_writes_then_check_passes(cli, inventory_copy: Path) -> None:
    out = inventory_copy / "schema"
    for f in out.glob("*.json"):
        f.unlink()
    result = cli("schema", "--inventory", str(inventory_copy))
    assert result.code == 0, result.err
    assert result.out.count(": written") == 4
    for section in SECTIONS:
        assert (out / f"{section}.schema.json").read_text(encoding="utf-8") == render(section)
    again = cli("schema", "--inventory", str(inventory_copy))
    assert again.out.count(": up to date") == 4
    assert cli("schema", "--check", "--inventory", str(inventory_copy)).code == 0


def test_schema_check_fails_on_a_stale_or_missing_file(cli, inventory_copy: Path) -> None:
    stale = inventory_copy / "schema" / "rdma.schema.json"
    data = json.loads(stale.read_text(encoding="utf-8"))
    data["properties"].pop("nccl")
    stale.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    (inventory_copy / "schema" / "site.schema.json").unlink()
    result = cli("schema", "--check", "--inventory", str(inventory_copy))
    assert result.code == 1
    lines = result.out.splitlines()
    assert any(
        line.endswith(
            "rdma.schema.json: differs from the models (expected the output of `labbook schema`; run it and commit)"
        )
        for line in lines
    ), lines
    assert any(
        line.endswith("site.schema.json: missing (expected the output of `labbook schema`; run it and commit)")
        for line in lines
    ), lines
    assert len(lines) == 2
    # --check writes nothing
    assert not (inventory_copy / "schema" / "site.schema.json").exists()


def test_schema_check_fails_when_a_file_lost_its_modeline(cli, inventory_copy: Path) -> None:
    hw = inventory_copy / "hardware.yaml"
    hw.write_text(hw.read_text(encoding="utf-8").split("\n", 1)[1], encoding="utf-8")
    result = cli("schema", "--check", "--inventory", str(inventory_copy))
    assert result.code == 1
    assert result.out.strip().endswith(
        "hardware.yaml:1:1: first line does not name the schema "
        "(expected '# yaml-language-server: $schema=schema/hardware.schema.json')"
    )


def test_schema_output_that_is_a_file_is_bad_input(cli, tmp_path: Path) -> None:
    target = tmp_path / "not-a-dir"
    target.write_text("x", encoding="utf-8")
    result = cli("schema", "--output", str(target))
    assert result.code == 2
    assert result.err.strip().endswith("not-a-dir: is a file, not a folder (expected a writable folder for the schema)")


# --- check-jsonschema (PyPI): the editor's view agrees with `labbook validate` ----------------------------------


def _check_jsonschema(schema: Path, *files: Path) -> dict:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--verbose",
            "--output-format",
            "json",
            "--schemafile",
            str(schema),
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.stdout, proc.stderr
    return {"code": proc.returncode, **json.loads(proc.stdout)}


@pytest.mark.parametrize("section", SECTIONS, ids=SECTIONS)
def test_check_jsonschema_accepts_the_example_inventory(section: str) -> None:
    result = _check_jsonschema(SCHEMA_DIR / f"{section}.schema.json", ROOT / "inventory" / f"{section}.yaml")
    assert result["code"] == 0, result
    assert result["status"] == "ok"


def _jsonschema_paths(errors: list[dict]) -> set[str]:
    """``$.nodes[0].memory`` + "'type' is a required property" → ``nodes[0].memory.type``."""
    out = set()
    flat = []
    for e in errors:
        # `X | None` fields are `anyOf [X, null]`: like an editor, look inside the branch that is not null
        flat += [s for s in e.get("sub_errors", []) if not s["message"].endswith("is not of type 'null'")] or [e]
    for e in flat:
        path = e["path"].removeprefix("$").removeprefix(".")
        message = e["message"]
        keys: list[str] = []
        if m := re.fullmatch(r"'([^']+)' is a required property", message):
            keys = [m[1]]
        elif m := re.search(r"Additional properties are not allowed \((.*) (?:was|were) unexpected\)", message):
            keys = re.findall(r"'([^']+)'", m[1])
        for key in keys or [None]:
            full = path if key is None else (f"{path}.{key}" if path else key)
            out.add(full)
    return out


def _labbook_problems(stderr: str, file: Path) -> dict[str, int]:
    """``{key path: line}`` from `labbook validate` lines about ``file``."""
    out = {}
    for line in stderr.splitlines():
        m = re.match(r"(?P<file>[^:]+):(?P<line>\d+):\d+: (?P<path>[^:]+): ", line)
        assert m, f"not a file:line:col problem: {line}"
        if Path(m["file"]).name == file.name:
            out[m["path"]] = int(m["line"])
    return out


def _line_of(tree, dotted: str) -> int:
    """Line of a key path in the located YAML tree (the key, or the item for list indices)."""
    node, line = tree, tree.start[0]
    for step in re.findall(r"[^.\[\]]+|\[\d+\]", dotted):
        if step.startswith("["):
            i = int(step[1:-1])
            line, node = node.item_marks[i][0], node[i]
        elif isinstance(node, dict) and step in node:
            line, node = node.key_marks[step][0], node[step]
        else:  # a missing key: pydantic and jsonschema both point at its mapping
            break
    return line


BROKEN = {
    "hardware-types-keys-enum": (
        "hardware",
        [
            ("      cores: 16\n", "      cores: sixteen\n"),
            ("      type: DDR5\n", "      typ: DDR5\n"),
            ("    arch: arm64\n", "    arch: arm65\n"),
            ("    kind: NVIDIA DGX Spark\n", ""),
        ],
    ),
    "platform-pattern-unknown-list": (
        "platform",
        [
            ("      - id: flux\n", "      - id: Flux\n"),
            ("        namespace: flux-system\n", "        namespace: flux-system\n        homepage: x\n"),
            ("    name: GitOps\n", "    name: [GitOps]\n"),
        ],
    ),
    "rdma-minitems-pattern-type": (
        "rdma",
        [
            ('    vendor: "15b3"\n', '    vendor: "15B3"\n'),
            ("    speed_gbps: 200\n", "    speed_gbps: fast\n"),
            ("    transport: RoCE v2\n", "    transport: RoCE v2\n    mtu: 9000\n"),
        ],
    ),
    "site-minimum-minlength-missing": (
        "site",
        [
            ("tagline: homelab kubernetes & gpu infrastructure\n", ""),
            ("cluster:\n  name: homelab\n", "cluster:\n  name: homelab\n  nodes: 3\n"),
            ("recent:", "recent: 0\nold_recent:"),
        ],
    ),
}


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_check_jsonschema_rejects_what_labbook_validate_rejects(case: str, inventory_copy: Path, cli) -> None:
    section, edits = BROKEN[case]
    target = inventory_copy / f"{section}.yaml"
    text = target.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, f"fixture edit {old!r} no longer applies to inventory/{section}.yaml"
        text = text.replace(old, new, 1)
    target.write_text(text, encoding="utf-8")

    validate = cli("validate", "--inventory", str(inventory_copy), "--journal", str(ROOT / "journal"))
    assert validate.code == 2
    ours = _labbook_problems(validate.err, target)

    theirs = _check_jsonschema(inventory_copy / "schema" / f"{section}.schema.json", target)
    assert theirs["code"] == 1 and theirs["status"] == "fail", theirs
    paths = _jsonschema_paths(theirs["errors"])

    assert paths == set(ours), f"labbook validate: {sorted(ours)}; check-jsonschema: {sorted(paths)}"
    assert len(paths) >= len(edits)
    tree = parse(str(target), text)
    assert {p: _line_of(tree, p) for p in paths} == {p: line for p, line in ours.items()}
