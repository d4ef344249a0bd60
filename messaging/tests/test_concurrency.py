"""Concurrent senders: sequence numbers stay unique and gap-free; one client id stores once."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection

from messaging import services
from messaging.models import Message


def _in_memory_sqlite() -> bool:
    return connection.vendor == "sqlite" and connection.is_in_memory_db()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_sends_get_distinct_sequences_and_one_client_id_stores_once(
    team_thread, patient, gp
):
    if _in_memory_sqlite():
        pytest.skip(
            "in-memory SQLite (the test default) takes table locks that fail at once instead of "
            "waiting; run with DATABASE_URL=postgres://... to exercise the row lock"
        )
    shared_id = uuid.uuid4()
    plan = [(patient, shared_id)] * 3 + [(gp, uuid.uuid4()) for _ in range(3)]
    barrier = threading.Barrier(len(plan))
    errors: list[BaseException] = []

    def worker(user, client_id):
        try:
            barrier.wait()
            services.message_send(thread=team_thread, sender=user, body="hi", client_id=client_id)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=item) for item in plan]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    sequences = sorted(
        Message.objects.filter(thread=team_thread).values_list("sequence", flat=True)
    )
    assert sequences == [1, 2, 3, 4]
    assert Message.objects.filter(client_id=shared_id).count() == 1
