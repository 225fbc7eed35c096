"""These tests post faster than a person can: rate limits and flood guards are off for them (the
guards' own tests are in tests/abuse/)."""

import pytest


@pytest.fixture(autouse=True)
def _limits_off(limits_off):
    pass
