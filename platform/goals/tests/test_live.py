"""Live ladders: both ladder pages carry the hook for goals/live.js, and a goals change made
through the service reaches the other side's live socket (ids only)."""

import pytest
from asgiref.sync import sync_to_async
from django.urls import reverse

from goals import services
from messaging.tests.test_live_socket import connect, next_frame, nothing_more

BACKEND = "accounts.backends.EmailBackend"


@pytest.mark.django_db
@pytest.mark.parametrize("side", ["patient", "gp"])
def test_both_ladder_pages_load_the_live_script_and_mark_the_ladder(
    client, side, patient, gp, gp_membership, ladder
):
    if side == "patient":
        client.force_login(patient, backend=BACKEND)
        url = reverse("patient:goal_ladder", args=[ladder.pk])
    else:
        client.force_login(gp, backend=BACKEND)
        url = reverse("clinician:goal_ladder", args=[ladder.workspace_id, ladder.pk])
    html = client.get(url).content.decode()
    assert f'data-live-ladder="{ladder.pk}"' in html
    assert f'data-live-workspace="{ladder.workspace_id}"' in html
    assert 'src="/static/goals/live.js" defer' in html
    assert "data-live-status" in html and "data-live-notice hidden" in html
    assert "<script>" not in html  # no inline script: the CSP allows only 'self'


@pytest.mark.django_db(transaction=True)
async def test_a_suggested_step_reaches_the_patients_socket_and_not_a_member_without_consent(
    patient, gp, gp_membership, therapist, therapist_membership, ladder
):
    home, connected, _ = await connect(patient)
    assert connected
    therapist_socket, connected, _ = await connect(therapist)
    assert connected

    await sync_to_async(services.proposal_create)(
        workspace=ladder.workspace,
        by=gp,
        kind="new_step",
        payload={"description": "Walk to the corner"},
        ladder=ladder,
    )
    frame = await next_frame(home)
    assert frame["type"] == "event" and frame["kind"] == "goals.proposal.made"
    assert frame["workspace"] == str(ladder.workspace_id) and frame["section"] == "goals"
    assert frame["data"]["ladder"] == str(ladder.pk)
    assert "Walk to the corner" not in str(frame)  # ids only on the socket
    assert await nothing_more(therapist_socket)  # the therapist has no "goals" consent
    await home.disconnect()
    await therapist_socket.disconnect()
