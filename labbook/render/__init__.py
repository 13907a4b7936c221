"""Renderers: models in, markdown or HTML strings out. Pure: no I/O, no mkdocs.

``macros/main.py`` adapts them to mkdocs-macros and ``hooks/journal.py`` to the
journal; everything they return is safe to drop into a page: every value from
the inventory or the journal is HTML-escaped and its markdown-active
characters are neutralised (see :mod:`labbook.render.text`).
"""
