"""Feed clean-up after the build: a feed carries a real image or none.

mkdocs-rss-plugin 1.17.9 writes ``<image><url>None</url>…</image>`` into the RSS
feeds and ``"icon": null`` into the JSON feeds when no ``image`` is configured
(its template tests ``feed.logo_url is defined``, which a ``None`` passes). RSS 2.0
requires ``<image><url>`` to be the URL of an image, and JSON Feed 1.1 an
``icon`` string when present. The fix leaves a configured image alone.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

_EMPTY_IMAGE = re.compile(r"\s*<image>\s*<url>\s*None\s*</url>.*?</image>", re.S)

RSS = ("feed_rss_created.xml", "feed_rss_updated.xml")
"""RSS feeds the plugin writes at the site root."""
JSON = ("feed_json_created.json", "feed_json_updated.json")
"""JSON feeds the plugin writes at the site root."""


def without_empty_image(xml: str) -> str:
    """The RSS text without an ``<image>`` whose URL is ``None``."""
    return _EMPTY_IMAGE.sub("", xml)


def without_null_icon(feed: dict) -> dict:
    """The JSON feed without ``icon``/``favicon`` keys that are null."""
    return {k: v for k, v in feed.items() if not (k in ("icon", "favicon") and v is None)}


def fix_feeds(site: Path) -> None:
    """Rewrite the feeds in the built ``site`` folder in place (absent feeds are skipped)."""
    for name in RSS:
        path = site / name
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            fixed = without_empty_image(text)
            if fixed != text:
                path.write_text(fixed, encoding="utf-8")
    for name in JSON:
        path = site / name
        if path.is_file():
            data = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(data, dict) and without_null_icon(data) != data:
                path.write_text(json.dumps(without_null_icon(data), ensure_ascii=False), encoding="utf-8")
