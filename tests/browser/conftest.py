"""Playwright driving Debian's Chromium (installed with apt; Playwright's own download cannot run
here). Without a browser the tests skip with a visible reason, unless REQUIRE_BROWSER=1 (CI),
where a missing browser is a failure."""

import pytest


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
