"""The cost of one live message, in queries, so a gain cannot silently regress (docs/benchmarks.md).

One message on the live socket is: the sender's ``send`` (authorized under the thread's row lock),
then one read per *other* receiving socket (the sender's own socket sends the stored message it
already holds). Before this was measured the same path took 18 queries.
"""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from care import services as care
from messaging import consumers


@pytest.mark.django_db
def test_one_live_message_costs_a_fixed_small_number_of_queries(team_thread, patient, gp, send):
    send(team_thread, patient, "first")  # the sender's read mark exists from now on
    thread_id = str(team_thread.pk)
    with CaptureQueriesContext(connection) as sent:
        message, created = consumers.send(patient, thread_id, str(uuid.uuid4()), "Hello")
    assert created
    with CaptureQueriesContext(connection) as delivered:
        payloads = consumers.messages_after(gp, thread_id, message.sequence - 1)
    assert [p["sequence"] for p in payloads] == [message.sequence]
    # (savepoint,) lock-and-authorize, client-id look-up, INSERT, thread UPDATE, read-mark UPDATE,
    # participants, the pending e-mail notices (one upsert for every recipient), (release): no
    # separate authorization, no savepoint around the INSERT.
    assert len(sent) <= 9, [q["sql"] for q in sent.captured_queries]
    # The messages after the socket's position, filtered by participation in the same query,
    # which also says whether any carries files (none here: no second query).
    assert len(delivered) == 1, [q["sql"] for q in delivered.captured_queries]


@pytest.mark.django_db
def test_files_cost_one_more_query_for_the_whole_batch(team_thread, patient, gp, send):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from messaging import services
    from messaging.tests.test_attachments import picture

    send(team_thread, patient, "first")
    for n in range(3):
        services.message_send(
            thread=team_thread,
            sender=patient,
            body=f"picture {n}",
            client_id=uuid.uuid4(),
            files=[SimpleUploadedFile(f"p{n}.png", picture(), content_type="image/png")],
        )
    with CaptureQueriesContext(connection) as delivered:
        payloads = consumers.messages_after(gp, str(team_thread.pk), 1)
    assert [len(p["attachments"]) for p in payloads] == [1, 1, 1]
    assert payloads[0]["attachments"][0]["name"].endswith(".png")
    assert len(delivered) == 2, [q["sql"] for q in delivered.captured_queries]


@pytest.mark.django_db
def test_a_clinicians_answer_adds_only_its_guidance_time_and_reply_check(
    team_thread, patient, gp, send
):
    from guidance.models import GuidanceEntry

    send(team_thread, gp, "first")  # the read mark and an open conversation exist from now on
    send(team_thread, patient, "A question")  # the thread now awaits a reply
    thread_id = str(team_thread.pk)
    with CaptureQueriesContext(connection) as sent:
        _message, created = consumers.send(gp, thread_id, str(uuid.uuid4()), "An answer")
    assert created
    # The patient's nine, plus three: the reply-overdue alerts look-up (the answer ends the wait),
    # and the conversation's guidance entry found under lock and updated (14 before). The membership
    # comes with the participants: no separate look-up, and no "already counted" check for a
    # message that was created in this very transaction.
    assert len(sent) <= 12, [q["sql"] for q in sent.captured_queries]
    entry = GuidanceEntry.objects.get(clinician=gp)
    assert entry.acts == 2


@pytest.mark.django_db
def test_a_read_for_a_removed_member_finds_nothing_even_before_the_socket_hears_of_it(
    team_thread, patient, gp, gp_membership, send
):
    send(team_thread, patient, "Before")
    care.membership_end(membership=gp_membership, by=patient)
    message = send(team_thread, patient, "After")
    assert consumers.messages_after(gp, str(team_thread.pk), 0) == []
    assert [p["body"] for p in consumers.messages_after(patient, str(team_thread.pk), 0)] == [
        "Before",
        "After",
    ]
    assert message.sequence == 2


@pytest.mark.django_db
def test_sending_to_a_thread_one_is_not_in_is_not_found_and_stores_nothing(
    team_thread, outsider_clinician
):
    from django.http import Http404

    from messaging.models import Message

    with pytest.raises(Http404):
        consumers.send(outsider_clinician, str(team_thread.pk), str(uuid.uuid4()), "Hi")
    assert Message.objects.count() == 0
