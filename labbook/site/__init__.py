"""The site, whichever tool builds it: Material for MkDocs (primary) or Zensical.

- :mod:`labbook.site.settings`: the ``labbook`` plugin's options and what labbook reads of the
  blog's own configuration, typed, from either builder.
- :mod:`labbook.site.content`: the content step. One function turns the loaded inventory and
  journal into the generated files (journal entries as blog posts, with their series and
  related links) and the site's title and tagline.
- :mod:`labbook.site.mkdocs_plugin`: the ``labbook`` MkDocs plugin, which runs the content step
  in memory.
- :mod:`labbook.site.zensical`: writes the content step's files into a build folder, then runs
  ``zensical build`` on it.
- :mod:`labbook.site.macros`: the page macros, for mkdocs-macros and Zensical's built-in macros.
- :mod:`labbook.site.links`: checks that every in-site link and anchor of a built site resolves.
"""
