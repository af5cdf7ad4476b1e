"""The Prefect test harness (a temporary Prefect server) for the flow tests that need one.

Imported when a test asks for it: the server's modules take seconds to import, and the fast tier
(`make test-fast`, no servers) never starts it. A test using it is marked ``server`` (tests/conftest.py).
"""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=60):
        yield
