"""Entry URLs of a feed: RSS and Atom by feedparser, sitemaps by lxml (urlset and sitemapindex)."""

from __future__ import annotations

from dataclasses import dataclass, field

import feedparser  # type: ignore[import-untyped]
from lxml import etree  # type: ignore[import-untyped]


@dataclass
class FeedEntries:
    pages: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)  # nested sitemaps of a sitemap index
    broken: int = 0  # entries with no usable link


def is_sitemap(body: bytes) -> bool:
    head = body[:2048].lower()
    return b"<urlset" in head or b"<sitemapindex" in head


def entries(body: bytes, url: str) -> FeedEntries:
    """The article URLs a feed or sitemap lists, in its order. Raises ``ValueError`` if it is neither."""
    if is_sitemap(body):
        return _sitemap(body)
    parsed = feedparser.parse(body, response_headers={"content-location": url})
    if not parsed.entries and parsed.get("bozo"):
        raise ValueError("not an RSS, Atom or sitemap document")
    out = FeedEntries()
    for entry in parsed.entries:
        link = entry.get("link")
        if isinstance(link, str) and link.startswith(("http://", "https://")):
            out.pages.append(link)
        else:
            out.broken += 1
    return out


def _sitemap(body: bytes) -> FeedEntries:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as e:
        raise ValueError(f"broken sitemap XML ({e.msg})") from e
    locs = [str(x.text).strip() for x in root.iter("{*}loc") if x.text]
    out = FeedEntries()
    target = out.sitemaps if etree.QName(root).localname == "sitemapindex" else out.pages
    target += [u for u in locs if u.startswith(("http://", "https://"))]
    return out
