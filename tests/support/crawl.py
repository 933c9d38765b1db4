"""Walk a site the way a visitor can: every link and every GET form reachable from a page.

Used by the privacy crawl: it reads what a logged-in member can reach and hands back each
response's text, so a test can search it for what must never be there.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

from flask.testing import FlaskClient


@dataclass
class _Form:
    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)


class _Links(HTMLParser):
    """Hrefs, and GET forms with the values their fields start with."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[_Form] = []
        self._form: _Form | None = None
        self._select: str | None = None
        self._first_option = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            method = a.get("method", "get").lower()
            self._form = _Form(a.get("action", "")) if method == "get" else None
        elif self._form is not None and tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file"):
                self._form.fields.append((a["name"], a.get("value", "")))
        elif self._form is not None and tag == "select" and a.get("name"):
            self._select, self._first_option = a["name"], True
        elif self._form is not None and tag == "option" and self._select and self._first_option:
            self._form.fields.append((self._select, a.get("value", "")))
            self._first_option = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "select":
            self._select = None


@dataclass(frozen=True)
class Page:
    url: str
    status: int
    mimetype: str
    text: str


def crawl(
    client: FlaskClient,
    start: str,
    *,
    skip: Callable[[str], bool] = lambda url: False,
    limit: int = 2000,
) -> Iterator[Page]:
    """Breadth first over this site's own URLs; each URL once (query strings count)."""
    seen = {start}
    queue = deque([start])
    while queue and len(seen) <= limit:
        url = queue.popleft()
        response = client.get(url)
        text = response.get_data(as_text=True)
        yield Page(url, response.status_code, response.mimetype, text)
        if response.mimetype != "text/html":
            continue
        parser = _Links()
        parser.feed(text)
        found = list(parser.links)
        for form in parser.forms:
            action = form.action or url.split("?", 1)[0]
            found.append(f"{action}?{urlencode(form.fields)}" if form.fields else action)
        for href in found:
            target = urljoin(url, href)
            parts = urlsplit(target)
            if parts.scheme not in ("", "http") or parts.netloc not in ("", "buurthulp.test"):
                continue
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            if local.startswith("/static/") or skip(local) or local in seen:
                continue
            seen.add(local)
            queue.append(local)
