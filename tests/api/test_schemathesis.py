"""Schemathesis throws generated requests at every operation of `/api/v1/openapi.json`.

For each operation the registry has at run time (ledger endpoints included, once registered):
no 5xx, and every answer conforms to the document (documented status, content type, body).
Generated requests need committed data (a member with a token in a neighbourhood), so this
runs on a database of its own per database kind instead of the per-test savepoint.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode

from buurthulp import create_app
from buurthulp.auth.services import issue_api_token
from buurthulp.extensions import db
from tests.conftest import DATABASES, fresh_database_url
from tests.conftest import test_config as config_for
from tests.factories import CENTRUM, PASSWORD, Factories
from tests.support.examples import budget

MAX_EXAMPLES = budget(25)
# What the contract promises for any request: no 5xx and an answer the document describes.
# ("Schema-valid input is accepted" is no promise: an opaque cursor or an unknown member id is
# valid by schema and still, rightly, a 400 or 404.)
CONFORMANCE = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
MODES = {
    GenerationMode.POSITIVE: CONFORMANCE,
    # Schema-breaking input: still no 5xx and a documented answer. (Schemathesis' own
    # "invalid input is rejected" check counts an ignored unknown query parameter, or a
    # removed Authorization header that the test then sends anyway, as a failure; the
    # explicit bad-input tests in test_api_core.py cover rejection instead.)
    GenerationMode.NEGATIVE: CONFORMANCE,
}


@pytest.fixture(scope="module", params=DATABASES)
def api_app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Flask, dict[str, str]]]:
    """An app on a fresh database where a resident and a neighbour exist; the resident's token."""
    url = fresh_database_url(request.param, tmp_path_factory, request)
    application = create_app(config_for(url))
    with application.test_request_context():
        db.create_all()
        make = Factories()
        hood = make.neighbourhood("Centrum", pc4=CENTRUM)
        resident = make.resident(hood)
        make.resident(hood)  # someone to send minutes to
        make.coordinator(hood)
        headers = {"Authorization": f"Bearer {issue_api_token(resident.email, PASSWORD)}"}
        db.session.remove()
    yield application, headers
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def _operations(app: Flask) -> list[Any]:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


def _check(operation: Any, headers: dict[str, str], mode: GenerationMode) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=MODES[mode])

    run()


def _failures(app: Flask, headers: dict[str, str], mode: GenerationMode) -> dict[str, str]:
    failures = {}
    for operation in _operations(app):
        try:
            _check(operation, headers, mode)
        except (AssertionError, FailureGroup) as exc:
            failures[operation.label] = str(exc)[:2000]
    return failures


def _report(failures: dict[str, str]) -> str:
    return "\n\n".join(f"{label}\n{problem}" for label, problem in failures.items())


def test_the_run_covers_every_registered_operation(api_app):
    from buurthulp.api import registry

    app, _headers = api_app
    labels = {op.label for op in _operations(app)}
    registered = {
        f"{op.method.upper()} /api/v1{op.rule.replace('<int:', '{').replace('>', '}')}"
        for op in registry.operations
    }
    assert labels == registered
    assert {"POST /api/v1/auth/token", "GET /api/v1/me"} <= labels


@pytest.mark.parametrize("mode", list(MODES), ids=lambda m: m.value)
def test_every_operation_answers_as_documented_for_a_member(api_app, mode):
    app, headers = api_app
    failures = _failures(app, headers, mode)
    assert failures == {}, _report(failures)


@pytest.mark.parametrize("mode", list(MODES), ids=lambda m: m.value)
def test_every_operation_answers_as_documented_without_a_token(api_app, mode):
    app, _headers = api_app
    failures = _failures(app, {}, mode)
    assert failures == {}, _report(failures)
