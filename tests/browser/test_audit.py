"""The audit every browser test relies on really finds things (tests/browser/audit.py)."""

from __future__ import annotations

import pytest

from tests.browser.audit import DocumentAudit

pytestmark = pytest.mark.browser

FLAWED = """<!doctype html>
<html><head><title>Proef</title></head>
<body><main>
  <h1>Proef</h1>
  <img src="/static/img/favicon.svg">
  <p style="color: #bbb; background: #fff">Lichtgrijze tekst op wit.</p>
  <div class="too-wide" style="width: 600px">Een blok van 600 pixels breed.</div>
</main></body></html>"""


def test_the_audit_reports_violations_sideways_scrolling_and_skipped_documents(
    browser, live_server
):
    audit = DocumentAudit(browser, live_server)
    context = browser.new_context(base_url=live_server)
    try:
        audit.attach(context)
        page = context.new_page()
        page.route(
            f"{live_server}/proef*",
            lambda route: route.fulfill(body=FLAWED, content_type="text/html"),
        )
        page.goto("/proef")
        audit.check(page)
        report = "\n".join(audit.problems)
        for rule in ("html-has-lang", "image-alt", "color-contrast"):
            assert f"- {rule} [" in report, report
        assert "/proef (" in report and '<img src="/static/img/favicon.svg">' in report, report
        assert "scrolls sideways at 320px" in report and "div.too-wide" in report, report
        assert "scrolls sideways at 390px" in report, report

        audit.problems.clear()
        page.goto("/proef?een")  # never audited before the next navigation
        page.goto("/proef?twee")
        assert any("/proef?een: left without" in p for p in audit.problems), audit.problems
    finally:
        audit.close()
        context.close()


def test_without_javascript_the_audit_checks_the_same_document_elsewhere(browser, live_server):
    audit = DocumentAudit(browser, live_server)
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    try:
        audit.attach(context, java_script_enabled=False)
        page = context.new_page()
        page.route(
            f"{live_server}/proef*",
            lambda route: route.fulfill(body=FLAWED, content_type="text/html"),
        )
        page.goto("/proef?zonder-js")
        audit.check(page)
        report = "\n".join(audit.problems)
        assert "- image-alt [" in report and "scrolls sideways at 320px" in report, report
    finally:
        audit.close()
        context.close()
