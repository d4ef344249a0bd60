"""Fixtures shared by the multi-process tests."""

from __future__ import annotations

import os

import pytest

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


@pytest.fixture(scope="module")
def migrated_template(request):
    """On PostgreSQL, the test run's own migrated database is copied rather than a new one
    migrated (a second instead of twenty). SQLite test databases live in memory: None."""
    if not ON_POSTGRES:
        return None
    request.getfixturevalue("django_db_setup")
    with request.getfixturevalue("django_db_blocker").unblock():
        from django.db import connections

        name = connections["default"].settings_dict["NAME"]
        connections.close_all()  # PostgreSQL copies a database only when nobody is connected
    return name
