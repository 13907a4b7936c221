"""The Platform page: every component by category, and how Flux deploys it.

Flux object names follow the rule on the model: :meth:`Component.helmrelease`,
:meth:`Component.installs_into` and :meth:`Component.kustomization_ref`.
"""

from __future__ import annotations

from labbook.models.inventory import Inventory
from labbook.models.journal import Journal
from labbook.models.platform import Component, HelmDeploy, KustomizationDeploy
from labbook.render import pages
from labbook.render.journal import related_list
from labbook.render.text import code, href, join_words, md, rel, table


def helmrelease_ref(component: Component, helm: HelmDeploy) -> tuple[str, str, str]:
    """HelmRelease namespace and name, and the namespace it installs into."""
    i = next(i for i, h in enumerate(component.helm) if h is helm)
    namespace, name = component.helmrelease(i)
    return namespace, name, component.installs_into(i)


def kustomization_ref(component: Component, kustomization: KustomizationDeploy) -> tuple[str, str]:
    """Flux Kustomization namespace and name."""
    ref = component.kustomization_ref()
    assert ref is not None and component.kustomization is kustomization
    return ref


def helm_text(component: Component, helm: HelmDeploy) -> str:
    """``HelmRelease kube-system/cilium from HelmRepository flux-system/cilium`` (+ target, arch)."""
    namespace, name, installs = helmrelease_ref(component, helm)
    src = helm.source
    text = (
        f"HelmRelease {code(f'{namespace}/{name}')} from {md(src.kind)} "
        f"{code(f'{src.namespace or namespace}/{src.name}')}"
    )
    if installs != namespace:
        text += f", installs into {code(installs)}"
    if helm.arch:
        text += f" ({md(helm.arch)} only)"
    return text


def chart_text(helm: HelmDeploy) -> str:
    """``cilium`` ``1.18.4``."""
    return f"{code(helm.chart)} {code(helm.version)}"


def charts_cell(component: Component) -> str:
    """Distinct charts and versions, or a note that the component is plain manifests."""
    seen: list[str] = []
    for helm in component.helm:
        text = chart_text(helm)
        if text not in seen:
            seen.append(text)
    return "<br>".join(seen) if seen else "plain manifests"


def deployed_cell(component: Component) -> str:
    """Every HelmRelease, and the Kustomization, one per line."""
    lines = [helm_text(component, h) for h in component.helm]
    if component.kustomization:
        namespace, name = kustomization_ref(component, component.kustomization)
        lines.append(f"Flux Kustomization {code(f'{namespace}/{name}')}, path {code(component.kustomization.path)}")
    return "<br>".join(lines)


def runs_on_cell(component: Component, page: str) -> str:
    """Nodes (linked to the Hardware page) and architectures, or ``""`` for everywhere."""
    if component.runs_on is None:
        return ""
    parts = [f"[{md(n)}]({rel(page, pages.HARDWARE, n)})" for n in component.runs_on.nodes]
    if component.runs_on.arch:
        parts.append(md(" / ".join(component.runs_on.arch)) + " only")
    return join_words(parts)


def component_section(component: Component, journal: Journal | None, page: str, drafts: bool = False) -> str:
    """A component's heading (anchored by its id) and its facts."""
    rows = [
        ["Namespace", code(component.namespace)],
        ["Chart", charts_cell(component)],
        ["Deployed by", deployed_cell(component)],
        ["Upstream", f"[{md(component.url)}]({href(component.url)})"],
    ]
    if component.notes:
        rows.append(["Notes", "; ".join(md(n) for n in component.notes)])
    runs_on = runs_on_cell(component, page)
    if runs_on:
        rows.append(["Runs on", runs_on])
    out = f"### {md(component.name)} {{ #{component.id} }}\n\n{md(component.description)}\n\n" + table(["", ""], rows)
    related = related_list(journal, component.id, page, drafts) if journal is not None else ""
    if related:
        out += "\n**Journal:**\n\n" + related
    return out


def catalogue(inv: Inventory, journal: Journal | None = None, page: str = pages.PLATFORM, drafts: bool = False) -> str:
    """Every category: an overview table, then one section per component."""
    out = []
    for cat in inv.platform.categories:
        rows = [
            [
                f"[{md(c.name)}](#{c.id})",
                md(c.description),
                code(c.namespace),
                charts_cell(c),
            ]
            for c in cat.components
        ]
        out.append(
            f"## {md(cat.name)} {{ #{pages.category_anchor(cat.id)} }}\n\n"
            + table(["Component", "What it does", "Namespace", "Chart"], rows)
        )
        out += [component_section(c, journal, page, drafts) for c in cat.components]
    return "\n".join(out)
