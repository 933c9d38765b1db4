"""Two checks on every document a browser test loads: axe-core and reflow.

- axe-core (the copy `axe-playwright-python` ships) at WCAG 2.2 AA: any violation fails.
- Reflow (WCAG 1.4.10): at 320 px and 390 px wide nothing scrolls sideways.

`DocumentAudit` runs both once on each document a test lands on (`audit(page)`, or
`navigation(page)` in place of `page.expect_navigation()`; the navigating helpers do it)
and on the documents pages show when the test ends. A document left unaudited is a
finding too. Findings are reported together when the test body is done, as a failure
(`pytest_runtest_call` in conftest.py).

A document that passed is remembered by its DOM (less the per-visit tokens) and width:
the same document again, say the home page after each log-in, is not checked twice.

Why not audit in an event handler on "load"? The handler would run beside the test,
which goes on clicking: a race. And a route handler holding the next navigation cannot
evaluate in the old document: the call waits for the navigation, which waits for the
route.

axe goes in as an init script (and through `page.evaluate` where that did not run), which
the page's Content-Security-Policy does not govern: the contexts keep the real CSP, and a
CSP violation by the app still shows up as a console error. axe needs timers, so with
JavaScript off the serialised DOM is checked in a JavaScript-enabled companion page instead;
the reflow check runs on the page itself.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
REFLOW_WIDTHS = (320, 390)
_AUDITED = "__buurthulpAudited"

AXE_RUN = """async (tags) => {
  if (typeof window.axe !== "object") return null;
  const result = await axe.run(document, {
    runOnly: { type: "tag", values: tags },
    resultTypes: ["violations"],
  });
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({
      target: n.target.join(" "),
      summary: (n.failureSummary || "").split("\\n").slice(0, 2).join(" "),
      html: n.html.slice(0, 160),
    })),
  }));
}"""

# The widest elements sticking out on the right, as plain data.
OVERFLOW = """() => {
  const root = document.documentElement;
  const width = root.clientWidth;
  if (root.scrollWidth <= width) return null;
  const describe = (el) => {
    const id = el.id ? `#${el.id}` : "";
    const classes = [...el.classList].map((c) => `.${c}`).join("");
    const text = (el.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 40);
    return `${el.tagName.toLowerCase()}${id}${classes} "${text}"`;
  };
  const offenders = [...document.body.querySelectorAll("*")]
    .map((el) => ({ el, box: el.getBoundingClientRect() }))
    .filter(({ box }) => box.width > 0 && box.right > width + 0.5)
    .sort((a, b) => b.box.width - a.box.width)
    .slice(0, 6)
    .map(({ el, box }) =>
      `${describe(el)}: ${Math.round(box.width)}px wide, right edge at ${Math.round(box.right)}px`);
  return { scrollWidth: root.scrollWidth, clientWidth: width, offenders };
}"""


# Whether this document was audited; else its name and the document as it stands, less
# the per-visit tokens, with the width it is laid out at.
DOCUMENT = """(marker) => {
  if (window[marker] === true) return null;
  const copy = document.documentElement.cloneNode(true);
  copy.querySelectorAll("input[type=hidden]").forEach((el) => el.removeAttribute("value"));
  return {
    lang: document.documentElement.lang,
    title: document.title,
    snapshot: `${window.innerWidth} ${copy.outerHTML}`,
  };
}"""


@cache
def axe_source() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text("utf-8")


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """What axe-core finds on the page's current document at WCAG 2.2 AA."""
    found = page.evaluate(AXE_RUN, list(AXE_TAGS))
    if found is None:  # no init script ran here: bring axe in now
        page.evaluate(axe_source())
        found = page.evaluate(AXE_RUN, list(AXE_TAGS))
    return found


def format_violations(name: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"{name}: axe-core found {len(violations)} WCAG 2.2 AA violation(s)"]
    for v in violations:
        lines.append(f"  - {v['id']} [{v['impact']}] {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:8]:
            lines.append(f"      {node['target']}  {node['html']}")
            if node["summary"]:
                lines.append(f"        {node['summary']}")
        if len(v["nodes"]) > 8:
            lines.append(f"      ... and {len(v['nodes']) - 8} more")
    return "\n".join(lines)


def sideways_scrolling(page: Any, widths: Iterable[int] = REFLOW_WIDTHS) -> list[str]:
    """For each width the current document scrolls sideways at: what sticks out."""
    original = page.viewport_size or {"width": 1024, "height": 800}
    found = []
    try:
        for width in widths:
            page.set_viewport_size({"width": width, "height": original["height"]})
            overflow = page.evaluate(OVERFLOW)
            if overflow:
                found.append(
                    f"scrolls sideways at {width}px: {overflow['scrollWidth']}px content in "
                    f"{overflow['clientWidth']}px; widest offenders:\n"
                    + "\n".join(f"      {o}" for o in overflow["offenders"])
                )
    finally:
        page.set_viewport_size(original)
    return found


def assert_no_sideways_scrolling(page: Any, widths: Iterable[int] = REFLOW_WIDTHS) -> None:
    found = sideways_scrolling(page, widths)
    assert not found, f"{urlsplit(page.url).path}: " + "\n  ".join(found)


def where(page: Any) -> str:
    """The page's path and query, which is how findings name a document."""
    parts = urlsplit(page.url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


_AUDITS: dict[Any, DocumentAudit] = {}  # browser context -> its audit
# Documents (DOM and width) that passed: the same document again needs no second look.
_CLEAN: set[str] = set()
TALLY: Counter[str] = Counter()  # for the summary at the end of the run


def audit(page: Any) -> None:
    """Check the page's current document now (once); call it after every navigation."""
    found = _AUDITS.get(page.context)
    if found is not None:
        found.check(page)


@contextmanager
def navigation(page: Any) -> Iterator[Any]:
    """`page.expect_navigation()` that audits the document it lands on."""
    with page.expect_navigation() as info:
        yield info
    audit(page)


@dataclass
class DocumentAudit:
    """axe and reflow on each document shown by the pages of the attached contexts.

    Tests audit a document when they land on it (`audit`, `navigation`, and the helpers
    that navigate). So that none is forgotten, every document a page loads is noted, and
    one left before it was audited is reported as a finding too.
    """

    browser: Any
    base_url: str
    problems: list[str] = field(default_factory=list)
    contexts: list[Any] = field(default_factory=list)
    _unaudited: dict[Any, str] = field(default_factory=dict)  # page -> document it shows
    _no_script: list[Any] = field(default_factory=list)
    _companion: Any = None  # a page with JavaScript, for axe on pages without
    _companion_html: str = ""

    def attach(self, context: Any, *, java_script_enabled: bool = True) -> None:
        self.contexts.append(context)
        _AUDITS[context] = self
        if not java_script_enabled:
            self._no_script.append(context)
        # Compiled as each document starts, beside the network: cheaper than evaluate later.
        context.add_init_script(axe_source())
        context.on("page", lambda page: page.on("domcontentloaded", self._loaded))

    def _loaded(self, page: Any) -> None:
        # An event handler: it only takes notes, it must not call back into the page.
        left = self._unaudited.pop(page, None)
        if left is not None:
            self.problems.append(
                f"{left}: left without an axe and reflow check; after a navigation call "
                "audit(page), or use navigation(page) or a helper that does"
            )
        if page.url.startswith(self.base_url):
            self._unaudited[page] = where(page)

    def check(self, page: Any) -> None:
        """Audit the page's current document, unless that was done or it is not ours."""
        if page.is_closed() or not page.url.startswith(self.base_url):
            return
        page.wait_for_load_state("load")
        document = page.evaluate(DOCUMENT, _AUDITED)
        if document is not None:
            self._check(page, document)
            page.evaluate("(marker) => { window[marker] = true; }", _AUDITED)
        self._unaudited.pop(page, None)

    def _check(self, page: Any, document: dict[str, str]) -> None:
        fingerprint = hashlib.sha256(document["snapshot"].encode()).hexdigest()
        if fingerprint in _CLEAN:
            TALLY["same as before"] += 1
            return
        name = f"{where(page)} ({document['lang']}, {document['title']!r})"
        if page.context in self._no_script:
            violations = self._axe_in_companion(page)
        else:
            violations = axe_violations(page)
        if violations:
            self.problems.append(format_violations(name, violations))
        reflow = sideways_scrolling(page)
        self.problems.extend(f"{name}: {found}" for found in reflow)
        if not violations and not reflow:
            _CLEAN.add(fingerprint)
        TALLY["checked"] += 1

    def _axe_in_companion(self, page: Any) -> list[dict[str, Any]]:
        """The DOM of a page without JavaScript, checked in a page where axe can run."""
        self._companion_html = page.content()
        if self._companion is None:
            companion = self.browser.new_context()
            companion.add_init_script(axe_source())
            self._companion = companion.new_page()
            self._companion.route(f"{self.base_url}/**", self._serve_companion)
        self._companion.set_viewport_size(page.viewport_size)
        self._companion.goto(page.url.split("#")[0])
        return axe_violations(self._companion)

    def _serve_companion(self, route: Any) -> None:
        if route.request.resource_type != "document":
            route.fallback()  # the stylesheet and the rest from the live server
        else:
            route.fulfill(body=self._companion_html, content_type="text/html; charset=utf-8")

    def finish(self) -> None:
        """Check what the pages show now, then fail with everything found (and forget it)."""
        for context in self.contexts:
            for page in context.pages:
                self.check(page)
        problems, self.problems = self.problems, []
        assert not problems, "\n".join(problems)

    def close(self) -> None:
        for context in self.contexts:
            _AUDITS.pop(context, None)
        if self._companion is not None:
            self._companion.context.close()
