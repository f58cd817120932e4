"""Canonical URLs: one story, one address, whichever link or device it was reached from."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

TRACKING = {
    "fbclid",
    "gclid",
    "dclid",
    "msclkid",
    "yclid",
    "igshid",
    "mc_cid",
    "mc_eid",
    "ref",
    "from",
    "cmpid",
}
MOBILE_HOST = re.compile(r"^(?:m|mobile)\.")
MOBILE_PATH = re.compile(r"^/(?:m|mobile)(?=/)")


def is_web(url: str) -> bool:
    """Only http and https URLs are fetched."""
    return urlsplit(url).scheme.lower() in ("http", "https")


def canonical(url: str) -> str:
    """``url`` without tracking parameters or fragment, host lower-cased, mobile host and path made desktop.

    ``m.outlet.com`` and ``mobile.outlet.com`` become ``www.outlet.com``; a leading ``/m/`` path is dropped.
    """
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if MOBILE_HOST.match(host):
        host = MOBILE_HOST.sub("www.", host)
    if parts.port and (parts.scheme, parts.port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{parts.port}"
    path = MOBILE_PATH.sub("", parts.path) or "/"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith("utm_") and k.lower() not in TRACKING
    ]
    return urlunsplit((parts.scheme.lower(), host, path, urlencode(sorted(query)), ""))


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()
