"""schemathesis over every operation of ``/api/schema/``: no request, from a county administrator or a
villager, may make the API answer a server error (5xx).

The run is in-process (the schema and every call go through Django's WSGI application, as in production,
inside the test's transaction) and bounded so that it stays deterministic and takes about a minute:

- every operation is fuzzed with Hypothesis: ``FUZZ_EXAMPLES`` cases drawn from valid and invalid data
  (``derandomize``: the same cases every run);
- the reads and deletes also get schemathesis' coverage cases: each parameter at its bounds, just past
  them, of the wrong type, missing; and every path gets the methods it does not declare (TRACE …).
  Coverage cases for the bodies of writes would be several thousand requests; fuzzing samples them.

Only ``not_a_server_error`` is checked: a 4xx is the API doing its job. How much generated data the API
accepts depends on the constraints the schema states; it is not a pass/fail criterion here.
``XIANGCUN_FUZZ_STATS=1 python -m pytest -m fuzz -s`` prints the requests sent and the statuses answered.

It runs in the SQLite leg only (``scripts/test.sh`` deselects the ``fuzz`` mark for PostgreSQL): the
server errors it looks for are in our code, not in the database, and a second run would double the time.
``python -m pytest -m fuzz`` runs it alone.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.config import GenerationConfig
from schemathesis.errors import FailureGroup

from xiangcun.accounts.services import token_issue

pytestmark = pytest.mark.fuzz

FUZZ_EXAMPLES = 5
PERSONAS = ["county_admin", "villager_a"]
READS = {"GET", "DELETE"}

FUZZ_SETTINGS = settings(
    max_examples=FUZZ_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: the report names the request as sent
    suppress_health_check=list(HealthCheck),
    print_blob=False,
)


@contextmanager
def in_test_transaction() -> Iterator[None]:
    """Django closes the connection at the end of each request; the test client suspends that, and so do we,
    or the first call would end the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def api_schema():
    """Loaded once for both personas (generating it takes seconds); the schema view reads no table."""
    with in_test_transaction():
        return schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@pytest.fixture(scope="module")
def coverage_cases(api_schema) -> dict[str, list]:
    """schemathesis' deterministic coverage cases, made once for both personas: all of them for a read; for a
    write only the methods its path does not declare, and those only where no read of the path sent them."""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    paths_with_reads = {op.path for op in operations if op.method.upper() in READS}
    plan = {}
    for operation in operations:
        method = operation.method.upper()
        if method not in READS and operation.path in paths_with_reads:
            plan[operation.label] = []
            continue
        modes = list(GenerationMode) if method in READS else [GenerationMode.NEGATIVE]
        cases = api_schema.iter_coverage_cases(operation, generation_modes=modes,
                                               generation_config=GenerationConfig(deterministic=True))
        plan[operation.label] = [case for case in cases if method in READS or case.method.upper() != method]
    return plan


def describe(case, status: int) -> str:
    query = f"?{case.query}" if case.query else ""
    body = f" body={str(case.body)[:120]}" if case.body is not None and case.body.__class__.__name__ != "NotSet" \
        else ""
    return f"{case.method} {case.formatted_path}{query}{body} -> {status}"


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_request_makes_the_api_answer_a_server_error(persona, personas, api_schema, coverage_cases):
    _token, key = token_issue(user=personas[persona], name="fuzz")
    auth = {"Authorization": f"Token {key}"}
    failures: list[str] = []
    stats = {"coverage": 0, "fuzz": 0, "status": {}}

    def call(case) -> None:
        response = case.call(headers=auth)
        stats["status"][response.status_code] = stats["status"].get(response.status_code, 0) + 1
        try:
            case.validate_response(response, checks=[not_a_server_error], headers=auth)
        except (AssertionError, FailureGroup):
            failures.append(describe(case, response.status_code))

    operations = [result.ok() for result in api_schema.get_all_operations()]
    started = time.perf_counter()
    with in_test_transaction():
        for operation in operations:
            for case in coverage_cases[operation.label]:
                stats["coverage"] += 1
                call(case)

            strategy = st.one_of([operation.as_strategy(generation_mode=mode) for mode in GenerationMode])

            @FUZZ_SETTINGS
            @given(case=strategy)
            def fuzz(case) -> None:
                stats["fuzz"] += 1
                call(case)

            fuzz()
    if os.environ.get("XIANGCUN_FUZZ_STATS"):
        print(f"\n{persona}: {len(operations)} operations, {stats['coverage']} coverage and {stats['fuzz']} "
              f"fuzzed requests in {time.perf_counter() - started:.1f} s; statuses {sorted(stats['status'].items())}")
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures[:40])
