"""Absolute links, always built from `BUURTHULP_BASE_URL`, never from the request.

A mail's link built from the request's Host header lets anyone who can send a request
choose where a victim's reset token goes. Mails, printable pages and QR codes use this.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app


def absolute_url(endpoint: str, **values: Any) -> str:
    """`https://<configured host>/<path of endpoint>`, with or without a request."""
    base = urlsplit(current_app.config["BUURTHULP_BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme
    )
    return adapter.build(endpoint, values, force_external=True)


def path_for(endpoint: str, **values: Any) -> str:
    """The path of `endpoint` on this site, with or without a request (in-app links)."""
    base = urlsplit(current_app.config["BUURTHULP_BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme
    )
    return adapter.build(endpoint, values)
