"""A list read is logged in one transaction: all of its access-log rows or none.

Found by the benchmark (docs/benchmarks.md): without a transaction, ``executemany`` in autocommit
mode commits every row on its own (on SQLite, one disk sync per row: 1,000 rows took over a
second), and a failure half-way left half a log.
"""

import pytest

from records import services
from records.models import AccessLogEntry
from tests.factories import GPFactory, PatientFactory, workspace_for


@pytest.mark.django_db(transaction=True)
def test_a_failing_list_log_leaves_no_partial_rows():
    gp = GPFactory()
    workspaces = [workspace_for(PatientFactory()) for _ in range(3)]
    rows = [
        AccessLogEntry(
            workspace=w, actor=gp, actor_name=gp.full_name, actor_role=gp.role, section="caseload"
        )
        for w in workspaces
    ]
    rows[-1].section = None  # NOT NULL: the last row fails
    with pytest.raises(Exception):  # noqa: B017 - the backend's IntegrityError
        services._insert_many(AccessLogEntry, rows)
    assert AccessLogEntry.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_list_read_logs_every_row():
    gp = GPFactory()
    workspaces = [workspace_for(PatientFactory()) for _ in range(5)]
    services.access_record_many(actor=gp, workspaces=workspaces, section="caseload", via="web")
    assert AccessLogEntry.objects.filter(actor=gp, section="caseload").count() == 5
