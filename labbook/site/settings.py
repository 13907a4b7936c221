"""What a site build is configured with, typed, whichever tool reads ``mkdocs.yml``.

- :class:`SiteSettings` are the options of the ``labbook`` plugin in ``mkdocs.yml``: the folders
  the build reads. MkDocs validates them through the plugin's typed config
  (:mod:`labbook.site.mkdocs_plugin`, built from this model); Zensical skips plugins it does not
  know, so :func:`read_config` reads the same entry for the Zensical build.
- :class:`BlogSettings` is what labbook uses of the blog's own configuration (Material's
  ``blog`` plugin, which Zensical implements natively with the same options): where posts live,
  the excerpt separator, drafts and the archive URLs. Its defaults are Material's
  (``material/plugins/blog/config.py``, mkdocs-material 9.8.2; a test compares them), so an
  option left out of ``mkdocs.yml`` means the same to labbook as to the blog.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from labbook.errors import BadInput, Problem
from labbook.files import display, read_bytes
from labbook.load.site import SitePaths
from labbook.load.yaml import decode

PLUGIN = "labbook"
"""The plugin's name in ``mkdocs.yml`` (its ``mkdocs.plugins`` entry point)."""
BLOG = ("blog", "material/blog")
"""Names the blog plugin goes by in ``mkdocs.yml``."""


class SiteSettings(BaseModel):
    """The ``labbook`` plugin's options: folders, relative to ``mkdocs.yml``."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    inventory: str = "inventory"
    """Inventory folder."""
    journal: str = "journal"
    """Journal folder: ``YYYY-MM-DD-slug.md`` entries, added to the blog by the content step."""
    reports: str = "reports"
    """Drift reports folder (``make check`` writes ``flux.json``, ``cluster.json``, ``docs.json``)."""
    project: str = "labbook.yaml"
    """Project config: its ``history:`` names the Git history of the Changes page and the entry boxes
    (without the file, the inventory's own repository)."""

    def paths(self, config_file: str | Path, docs_dir: str | Path) -> SitePaths:
        """The folders, resolved against the folder of ``config_file``; ``docs_dir`` as the builder resolved it."""
        base = Path(config_file).resolve().parent
        return SitePaths(
            base / self.inventory, base / self.journal, base / self.reports, Path(docs_dir), base / self.project
        )


class BlogSettings(BaseModel):
    """The blog plugin options labbook depends on, with Material's defaults."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    blog_dir: str = "blog"
    """Folder of the blog inside the docs, e.g. ``journal``."""
    post_dir: str = "{blog}/posts"
    """Folder the blog reads posts from; ``{blog}`` stands for ``blog_dir``."""
    post_excerpt_separator: str = "<!-- more -->"
    """Marks the end of a post's excerpt."""
    archive: bool = True
    """Whether the blog writes month (or year) archive pages."""
    archive_url_date_format: str = "yyyy"
    """Date part of an archive page's URL, as a Unicode (LDML) date pattern."""
    archive_url_format: str = "archive/{date}"
    """Archive page URL inside the blog; ``{date}`` is the formatted date."""
    draft: bool = False
    """Whether drafts are part of every build."""
    draft_on_serve: bool = True
    """Whether drafts are shown while serving."""

    @property
    def posts_dir(self) -> str:
        """Where the blog reads posts, relative to the docs folder (``journal/posts``)."""
        return posixpath.normpath(self.post_dir.format(blog=posixpath.normpath(self.blog_dir)))

    def drafts(self, serving: bool) -> bool:
        """Whether drafts are published by this build (``serving``: a preview server's build)."""
        return self.draft or (serving and self.draft_on_serve)

    def archive_path(self, year: int, month: int) -> str:
        """The page of the archive holding ``year``/``month``, as the blog names it (``journal/archive/2025/11.md``)."""
        when = ldml_date(date(year, month, 1), self.archive_url_date_format)
        path = posixpath.normpath(self.archive_url_format.format(date=when).strip("/"))
        return posixpath.join(self.blog_dir, f"{path}.md")


_LDML = re.compile(r"'(?:[^']|'')*'|([A-Za-z])\1*|[^A-Za-z']+")


def ldml_date(day: date, pattern: str) -> str:
    """``day`` formatted with the numeric fields of a Unicode date pattern (``yyyy/MM`` -> ``2025/11``).

    Material formats archive URLs with Babel; the numeric fields (years ``y``, months ``M``/``MM``
    and days ``d``/``dd``) and quoted text format the same in every locale, which is all a URL
    needs. Names of months or weekdays depend on the locale and are refused.
    """
    out = []
    for m in _LDML.finditer(pattern):
        part = m[0]
        if part.startswith("'"):
            out.append(part[1:-1].replace("''", "'") if part != "''" else "'")
        elif m[1] is None:
            out.append(part)
        elif m[1] == "y":
            out.append(f"{day.year % 100:02d}" if len(part) == 2 else f"{day.year:0{len(part)}d}")
        elif m[1] == "M" and len(part) <= 2:
            out.append(f"{day.month:0{len(part)}d}")
        elif m[1] == "d" and len(part) <= 2:
            out.append(f"{day.day:0{len(part)}d}")
        else:
            raise ValueError(
                f"date pattern {pattern!r}: {part!r} is not supported in URLs "
                "(expected numeric fields: yyyy, yy, MM, M, dd, d, and quoted text)"
            )
    return "".join(out)


@dataclass(frozen=True)
class SourceConfig:
    """What labbook reads of ``mkdocs.yml`` for a build that MkDocs does not run (Zensical)."""

    file: Path
    """The config file."""
    docs_dir: Path
    """Its docs folder, resolved."""
    site: SiteSettings
    """The ``labbook`` plugin's options."""
    blog: BlogSettings
    """The blog plugin's options."""

    def paths(self) -> SitePaths:
        """The folders the build reads."""
        return self.site.paths(self.file, self.docs_dir)


_M = TypeVar("_M", bound=BaseModel)


class _Loader(yaml.SafeLoader):
    """``mkdocs.yml`` as MkDocs reads it: ``!ENV`` resolved, ``!!python/…`` tags kept as their text."""


def _env(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    # mkdocs' !ENV (pyyaml_env_tag): the first variable that is set, else the last item as default
    names = [loader.construct_scalar(node)] if isinstance(node, yaml.ScalarNode) else [n.value for n in node.value]
    default = None
    if isinstance(node, yaml.SequenceNode) and len(node.value) > 1:
        default = loader.construct_object(node.value[-1])
        names = names[:-1]
    for name in names:
        if name in os.environ:
            value = os.environ[name]
            tag = loader.resolve(yaml.ScalarNode, value, (True, False))
            return loader.construct_object(yaml.ScalarNode(tag, value))
    return default


def _python_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> str:
    return f"!!python/{suffix}"


_Loader.add_constructor("!ENV", _env)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _python_tag)


def plugin_options(plugins: Any) -> dict[str, Any]:
    """``plugins:`` of ``mkdocs.yml`` (a list of names and one-key mappings, or a mapping) as ``{name: options}``."""
    items = plugins.items() if isinstance(plugins, Mapping) else []
    if isinstance(plugins, list):
        items = [(p, {}) if isinstance(p, str) else next(iter(p.items())) for p in plugins if p]
    return {str(name): options or {} for name, options in items}


def read_config(config_file: Path) -> SourceConfig:
    """The ``labbook`` and blog plugin options of ``config_file``; :class:`BadInput` naming the file and key."""
    shown = display(config_file)
    text = decode(shown, read_bytes(config_file, shown))
    try:
        raw = yaml.load(text, Loader=_Loader)  # noqa: S506 - SafeLoader plus !ENV; python tags are never constructed
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        why = f"invalid YAML: {getattr(exc, 'problem', exc)} (expected mkdocs.yml)"
        raise BadInput(Problem(shown, line, col, why)) from None
    if not isinstance(raw, Mapping):
        raise BadInput(Problem(shown, None, None, "expected a mapping of MkDocs settings"))
    if "INHERIT" in raw:
        raise BadInput(Problem(shown, None, None, "INHERIT: not supported by labbook (expected one config file)"))
    plugins = plugin_options(raw.get("plugins") or [])
    problems: list[Problem | str] = []
    if PLUGIN not in plugins:
        problems.append(Problem(shown, None, None, f"plugins: no {PLUGIN!r} plugin (expected `- {PLUGIN}` in plugins)"))
    site = _validated(SiteSettings, plugins.get(PLUGIN, {}), f"plugins.{PLUGIN}", shown, problems)
    blogs = [name for name in plugins if name in BLOG]
    if len(blogs) != 1:
        problems.append(Problem(shown, None, None, f"plugins: {len(blogs)} blog plugins (expected one `- blog`)"))
    blog = _validated(BlogSettings, plugins.get(blogs[0], {}) if blogs else {}, "plugins.blog", shown, problems)
    if problems or site is None or blog is None:
        raise BadInput(problems)
    docs_dir = config_file.resolve().parent / str(raw.get("docs_dir") or "docs")
    return SourceConfig(file=config_file, docs_dir=docs_dir, site=site, blog=blog)


def _validated(model: type[_M], options: Any, where: str, shown: str, problems: list[Problem | str]) -> _M | None:
    if not isinstance(options, Mapping):
        problems.append(Problem(shown, None, None, f"{where}: expected a mapping of options"))
        return None
    try:
        return model.model_validate(dict(options))
    except ValidationError as exc:
        for err in exc.errors():
            key = ".".join(str(p) for p in err["loc"])
            got = f"got {err['input']!r}" if err["type"] != "extra_forbidden" else "unknown option"
            expected = ", ".join(model.model_fields) if err["type"] == "extra_forbidden" else err["msg"].lower()
            problems.append(Problem(shown, None, None, f"{where}.{key}: {got} (expected {expected})"))
        return None
