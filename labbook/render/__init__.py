"""Renderers: models in, markdown or HTML strings out. Pure: no I/O, no mkdocs.

:mod:`labbook.site.macros` adapts them to the page macros and :mod:`labbook.site.content`
to the journal; everything they return is safe to drop into a page: every value from
the inventory or the journal is HTML-escaped and its markdown-active
characters are neutralised (see :mod:`labbook.render.text`).
"""
