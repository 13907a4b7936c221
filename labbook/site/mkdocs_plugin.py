"""The ``labbook`` MkDocs plugin: the content step (:mod:`labbook.site.content`) in memory.

Registered as the ``labbook`` entry point of ``mkdocs.plugins`` (``pyproject.toml``) and
listed in ``mkdocs.yml`` before the blog::

    plugins:
      - labbook:
          inventory: inventory   # folders, relative to mkdocs.yml (these are the defaults)
          journal: journal
          reports: reports

- ``on_startup`` notes whether this is ``mkdocs serve`` (public MkDocs event; it also keeps the
  plugin across serve rebuilds, each of which runs ``on_config`` again).
- ``on_config`` loads the inventory, the journal and the reports once per build (a bad file
  fails the build, every problem listed), and the lab's Git history (without it, or in a shallow
  clone, the build goes on and says why once, at INFO level so that ``--strict`` still passes),
  reads the blog's own options from its typed config, runs the content step and sets the site
  name and description from ``inventory/site.yaml``.
- ``on_files`` adds the generated files (journal entries as posts) to the build. Material's blog
  reads every post from disk (``Post.__init__`` opens ``file.abs_src_path``), so, as the blog does
  for its own views, the plugin backs them with files in a temporary folder of its own, removed
  in ``on_shutdown``: never in ``docs/`` or ``journal/``.
- ``on_serve`` watches the inventory, the journal and the reports, so ``make check`` beside
  ``make serve`` refreshes Home and Status; and the project config and each history's ``HEAD``
  reflog, so a commit refreshes the Changes page and the entry boxes.
- ``on_post_build`` removes the empty feed images the RSS plugin writes.

Per-build state lives on the plugin instance (:attr:`LabbookPlugin.site`,
:attr:`LabbookPlugin.content`), never on the MkDocs config.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path
from typing import Any

from material.plugins.blog.plugin import BlogPlugin
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files

from labbook.errors import LabbookError, Problem
from labbook.files import display
from labbook.load.site import SiteData, load_site
from labbook.render import feeds
from labbook.site.content import SiteContent, blog_problems, site_content, stray_posts
from labbook.site.history import SiteHistory, read_site_history
from labbook.site.settings import BlogSettings, SiteSettings

log = logging.getLogger("mkdocs.plugins.labbook")

LabbookConfig = type(
    "LabbookConfig",
    (Config,),
    {
        "__doc__": "The plugin's typed options: one ``c.Type(str)`` per field of :class:`SiteSettings`.",
        **{name: c.Type(str, default=field.default) for name, field in SiteSettings.model_fields.items()},
    },
)
"""Typed config of the ``labbook`` plugin, built from :class:`~labbook.site.settings.SiteSettings`."""


def blog_settings(config: Any, config_file: str) -> BlogSettings:
    """The options of the one Material blog plugin in the build, as :class:`BlogSettings`."""
    blogs = [p for p in config.plugins.values() if isinstance(p, BlogPlugin)]
    if len(blogs) != 1:
        raise PluginError(f"{config_file}: plugins: {len(blogs)} blog plugins (expected one `- blog`)")
    options = blogs[0].config
    return BlogSettings.model_validate({name: options[name] for name in BlogSettings.model_fields})


class LabbookPlugin(BasePlugin[LabbookConfig]):  # type: ignore[valid-type]
    """Adds the journal to the blog and takes the site's title from the inventory."""

    def __init__(self) -> None:
        super().__init__()
        self.serving = False
        """True under ``mkdocs serve``."""
        self.site: SiteData | None = None
        """What this build reads, loaded in ``on_config``."""
        self.blog: BlogSettings | None = None
        """The blog's options, read in ``on_config``."""
        self.history: SiteHistory | None = None
        """The lab's Git history this build shows, read in ``on_config``."""
        self.content: SiteContent | None = None
        """What the content step made of it."""
        self.folder: Path | None = None
        """Temporary folder backing the generated files."""

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    @event_priority(100)  # before mkdocs-macros (which renders pages from self.site) and the blog
    def on_config(self, config: Any) -> Any:
        """Load everything once, run the content step; a bad file fails the build, every problem listed."""
        shown = display(config.config_file_path)
        self.blog = blog = blog_settings(config, shown)
        settings = SiteSettings.model_validate(dict(self.config))
        problems: list[Problem | str] = list(blog_problems(blog, shown))
        try:
            paths = settings.paths(config.config_file_path, config.docs_dir)
            self.site = load_site(paths, blog.drafts(self.serving))
            self.history = read_site_history(paths)
            self.content = site_content(self.site, blog, self.history) if not problems else None
        except LabbookError as exc:
            problems += exc.problems
        if problems or self.content is None:
            raise PluginError("\n".join(str(p) for p in problems))
        for notice in self.content.notices:
            log.info("labbook: %s", notice)
        config["site_name"] = self.content.site_name
        config["site_description"] = self.content.site_description
        return config

    def on_files(self, files: Files, *, config: Any) -> Files:
        """Add the generated files; a page written by hand where they go fails the build."""
        assert self.site is not None and self.content is not None
        docs = display(config.docs_dir)
        strays = stray_posts((f.src_uri for f in files.documentation_pages()), docs, self.site)
        if strays:
            raise PluginError("\n".join(str(p) for p in strays))
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
        self.folder = Path(tempfile.mkdtemp(prefix="labbook-site-"))
        for generated in self.content.files:
            path = self.folder / generated.src_uri
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(generated.text, encoding="utf-8")
            files.append(File.generated(config, generated.src_uri, abs_src_path=str(path)))
        return files

    def on_serve(self, server: Any, *, config: Any, builder: Any) -> Any:
        """Rebuild when the inventory, the journal or a drift report changes (``make serve`` creates reports/)."""
        assert self.site is not None
        for folder in (self.site.paths.inventory, self.site.paths.journal, self.site.paths.reports):
            if folder.is_dir():
                server.watch(str(folder))
        for file in self.history.watch if self.history is not None else ():
            if file.is_file():  # a commit, checkout or pull moves the history: the Changes page and the boxes
                server.watch(str(file))
        return server

    def on_shutdown(self) -> None:
        """Remove the temporary folder."""
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    @event_priority(-100)  # after the RSS plugin has written its feeds
    def on_post_build(self, *, config: Any) -> None:
        """Feeds carry a real image or none."""
        feeds.fix_feeds(Path(config.site_dir))
