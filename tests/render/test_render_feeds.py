"""Feed clean-up: the RSS plugin's empty image goes, a real one stays (mkdocs-rss-plugin 1.17.9 template)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from labbook.render import feeds

# What mkdocs-rss-plugin 1.17.9's templates/rss.xml.jinja2 writes when `image` is not configured:
# `{% if feed.logo_url is defined %}` is true for a None (the FeedDescription dataclass default).
EMPTY = (
    '<rss version="2.0"><channel> <title>Lab</title> <ttl>1440</ttl>'
    " <image> <url>None</url> <title>Lab</title> <link>https://lab.example/</link> </image>"
    " <item><title>One</title></item> </channel></rss>"
)


def test_the_empty_image_is_removed_and_the_feed_still_parses() -> None:
    fixed = feeds.without_empty_image(EMPTY)
    channel = ET.fromstring(fixed).find("channel")
    assert channel is not None and channel.find("image") is None
    assert [i.findtext("title") for i in channel.findall("item")] == ["One"]


def test_a_configured_image_stays() -> None:
    real = EMPTY.replace("<url>None</url>", "<url>https://lab.example/assets/logo.png</url>")
    assert feeds.without_empty_image(real) == real


def test_fix_feeds_rewrites_the_built_files(tmp_path: Path) -> None:
    (tmp_path / "feed_rss_created.xml").write_text(EMPTY, encoding="utf-8")
    (tmp_path / "feed_json_created.json").write_text(json.dumps({"title": "Lab", "icon": None, "items": []}))
    feeds.fix_feeds(tmp_path)
    assert "<image>" not in (tmp_path / "feed_rss_created.xml").read_text(encoding="utf-8")
    assert json.loads((tmp_path / "feed_json_created.json").read_text()) == {"title": "Lab", "items": []}
