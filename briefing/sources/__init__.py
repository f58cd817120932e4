"""Sources: what ``briefing collect`` reads from the web, one module per responsibility.

- ``feedlist``: the ``feeds.toml`` file (feeds and plain pages to read);
- ``urls``: canonical URLs (tracking parameters, mobile hosts, fragments, rel=canonical);
- ``fetch``: one polite, bounded HTTP client (httpx) with retries (tenacity) and conditional requests;
- ``polite``: robots.txt, a per-host delay and a global concurrency bound;
- ``feeds``: entry URLs of RSS/Atom feeds (feedparser) and sitemaps.

``briefing/collect.py`` is the flow that knows their order; the store stays the only writer.
"""
