"""Builds of a changed copy, by each builder: XSS probe, changed inventory, macro errors, bad entries, drafts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.site.conftest import build, built_ok
from tests.site.html import parse

pytestmark = pytest.mark.site

PROBE = "<script>alert(1)</script>"


def replace(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def all_html(site: Path) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted(site.rglob("*.html")))


def test_xss_probe_through_the_full_build(project: Path, builder: str) -> None:
    inv = project / "inventory"
    replace(inv / "platform.yaml", "description: eBPF CNI with kube-proxy replacement.", f'description: "{PROBE} | x"')
    replace(inv / "platform.yaml", "name: Cilium", 'name: "Cilium <img src=x onerror=alert(2)>"')
    replace(inv / "platform.yaml", "notes: [L2 mode]", 'notes: ["*L2* | `mode` [x](javascript:alert(3))"]')
    replace(inv / "hardware.yaml", "kind: Custom PC", 'kind: "<b onmouseover=alert(4)>PC</b>"')
    replace(inv / "rdma.yaml", "cable: QSFP56 DAC", f'cable: "{PROBE}"')
    replace(inv / "site.yaml", "owner: Michael Willingham", 'owner: "Home<script>lab</script>"')
    replace(inv / "site.yaml", "  - Multus for secondary pod interfaces.", f'  - "{PROBE}"')
    result = built_ok(build(project, builder))
    html = all_html(result.site)
    for raw in (PROBE, "<img src=x", "<b onmouseover", "<script>lab", 'href="javascript:'):
        assert raw not in html, raw
    home = parse((result.site / "index.html").read_text(encoding="utf-8"))
    assert home.find("h1").text().replace("¶", "").strip() == "Home<script>lab</script>"
    assert "<script>lab</script>" in home.find("title").text()  # the site name, escaped as text
    assert PROBE in [li.text() for li in home.iter("li")]
    platform = parse((result.site / "platform" / "index.html").read_text(encoding="utf-8"))
    networking = next(t for t in platform.iter("table") if "Cilium" in t.text())
    rows = networking.rows()
    assert {len(r) for r in rows} == {4}, "a | in a value must not add table columns"
    assert rows[1][:2] == ["Cilium <img src=x onerror=alert(2)>", f"{PROBE} | x"]
    assert "*L2* | `mode` [x](javascript:alert(3))" in platform.text()
    hardware = parse((result.site / "infrastructure/hardware/index.html").read_text(encoding="utf-8"))
    svg_texts = [t.text() for t in hardware.find("div", cls="lb-hardware").iter("text")]
    assert any(t.startswith("<b onmouseover=alert(4)>") for t in svg_texts)
    assert any(t.startswith("<script>alert(") for t in svg_texts)  # the link's cable, drawn (cut) as text


def test_site_totals_follow_a_changed_inventory(project: Path, builder: str) -> None:
    hw = project / "inventory" / "hardware.yaml"
    replace(hw, "      gb: 192\n", "      gb: 256\n")
    replace(hw, "      cores: 16\n      threads: 32\n", "      cores: 24\n      threads: 48\n")
    result = built_ok(build(project, builder))
    home = parse((result.site / "index.html").read_text(encoding="utf-8"))
    assert home.find("p", cls="lb-totals").text() == "Totals: 64 cores, 512 GB RAM, ~3.4 PFLOPS FP4 AI compute"
    hardware = (result.site / "infrastructure/hardware/index.html").read_text(encoding="utf-8")
    assert "64 cores / 88 threads, 512 GB of memory" in " ".join(parse(hardware).text().split())


def test_macro_error_on_an_opted_in_page_fails_the_build(project: Path, builder: str) -> None:
    (project / "docs" / "broken.md").write_text(
        "---\nrender_macros: true\n---\n# Broken\n\n{{ software_stack('no-such-category') }}\n", encoding="utf-8"
    )
    result = build(project, builder)
    assert result.code != 0
    assert "broken.md" in result.output
    assert "unknown category 'no-such-category'" in result.output
    assert not (result.site / "broken" / "index.html").exists()
    if builder == "zensical":  # Zensical's own error names no page: the macro's does, without a traceback
        assert "docs/broken.md: software_stack: unknown category 'no-such-category'" in result.output
        assert "Traceback" not in result.output


def test_undefined_variable_on_an_opted_in_page_fails_the_build(project: Path, builder: str) -> None:
    (project / "docs" / "typo.md").write_text(
        "---\nrender_macros: true\n---\n# Typo\n\n{{ totalz.cores }} cores\n", encoding="utf-8"
    )
    result = build(project, builder)
    assert result.code != 0
    assert "totalz" in result.output


def test_pages_that_do_not_opt_in_keep_templates_verbatim(project: Path, builder: str) -> None:
    (project / "docs" / "helm.md").write_text(
        "# Helm\n\nInline {{ .Values.image.tag }} and {% raw %} and ${#arr[@]}.\n\n"
        "```yaml\n{{- if .Values.enabled }}\nimage: {{ .Values.image.tag | quote }}\n{{- end }}\n```\n",
        encoding="utf-8",
    )
    replace(project / "mkdocs.yml", "  - Status: status.md\n", "  - Status: status.md\n  - Helm: helm.md\n")
    result = built_ok(build(project, builder))
    doc = parse((result.site / "helm" / "index.html").read_text(encoding="utf-8"))
    article = doc.find("article")
    assert "Inline {{ .Values.image.tag }} and {% raw %} and ${#arr[@]}." in article.text()
    assert " ".join(article.find("pre").text().split()) == (
        "{{- if .Values.enabled }} image: {{ .Values.image.tag | quote }} {{- end }}"
    )


def test_bad_journal_entry_fails_the_build_with_file_and_line(project: Path, builder: str) -> None:
    replace(project / "journal" / "2025-11-30-multus-secondary-interfaces.md", "related: [multus,", "related: [multis,")
    replace(project / "journal" / "2025-12-14-nccl-across-the-sparks.md", "date: 2025-12-14", "date: 2025-12-15")
    result = build(project, builder)
    assert result.code != 0
    assert (
        "journal/2025-11-30-multus-secondary-interfaces.md:10:11: related[0]: unknown id 'multis' "
        "(did you mean 'multus'? expected a component or node id)" in result.output
    )
    assert "journal/2025-12-14-nccl-across-the-sparks.md:3:7: date: 2025-12-15 differs from the file name" in (
        result.output
    )
    assert "Traceback" not in result.output


def test_bad_inventory_fails_the_build_with_file_and_line(project: Path, builder: str) -> None:
    replace(project / "inventory" / "hardware.yaml", "      cores: 16\n", "      cores: sixteen\n")
    result = build(project, builder)
    assert result.code != 0
    assert re.search(r"inventory/hardware\.yaml:\d+:\d+: nodes\[0\]\.cpu\.cores: got 'sixteen'", result.output)
    assert "Traceback" not in result.output


def test_drafts_follow_the_blog_plugin(project: Path, builder: str) -> None:
    """With the blog's ``draft: true`` (what ``draft_on_serve`` does for ``mkdocs serve``) drafts show everywhere."""
    replace(project / "mkdocs.yml", "      draft: false\n", "      draft: true\n")
    result = built_ok(build(project, builder))
    home = parse((result.site / "index.html").read_text(encoding="utf-8"))
    recent = [li.text() for li in home.find("h2", id="recent").iter("li")] or [
        li.text() for li in next(t for t in home.iter("ul") if "(draft)" in t.text()).iter("li")
    ]
    assert recent[0].startswith("2026-01-11 · GPU-Direct RDMA on unified memory (draft)")
    draft_page = next((result.site / "journal" / "2026").rglob("index.html"))
    box = parse(draft_page.read_text(encoding="utf-8")).find("div", cls="abstract")
    assert [li.text() for li in box.iter("li")][-1] == "GPU-Direct RDMA on unified memory (this entry)"


def test_pages_in_the_posts_folder_are_refused(project: Path, builder: str) -> None:
    posts = project / "docs" / "journal" / "posts"
    posts.mkdir(parents=True, exist_ok=True)
    (posts / "2026-01-01-sneaky.md").write_text("---\ntitle: Sneaky\ndate: 2026-01-01\n---\n\nNot validated.\n")
    result = build(project, builder)
    assert result.code != 0
    assert (
        "docs/journal/posts/2026-01-01-sneaky.md: a page in the blog's posts folder "
        "(expected journal entries in journal/, where labbook validates them)" in result.output
    )
    assert "Traceback" not in result.output


def test_a_journal_entry_may_opt_in_to_macros(project: Path, builder: str) -> None:
    (project / "journal" / "2026-02-01-figures.md").write_text(
        "---\ntitle: Figures\ndate: 2026-02-01\nrender_macros: true\n---\n\n"
        "The cluster has {{ totals.cores }} cores today; `{% raw %}{{ .Values.x }}{% endraw %}` stays literal.\n",
        encoding="utf-8",
    )
    result = built_ok(build(project, builder))
    page = next((result.site / "journal" / "2026" / "02" / "01").rglob("index.html"))
    text = parse(page.read_text(encoding="utf-8")).find("article").text()
    assert "The cluster has 56 cores today; {{ .Values.x }} stays literal." in text
