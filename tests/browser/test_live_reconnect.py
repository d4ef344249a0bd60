"""The live socket reconnects with back-off and jitter (platform/static/js/live-socket.js): a
page whose socket cannot connect tries again after a random wait that grows, never at fixed
times, so a server restart does not bring every client back in the same second."""

import pytest
from django.urls import reverse

from messaging import services as messaging
from tests.factories import GPFactory, PatientFactory, add_member, workspace_for

from .test_journeys import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

RECORD_ATTEMPTS = """
window.__attempts = [];
const Real = window.WebSocket;
window.WebSocket = function (url) {
  window.__attempts.push(performance.now());
  return new Real(url);
};
window.WebSocket.OPEN = Real.OPEN;
"""


def test_the_waiting_rule_grows_stays_within_bounds_and_is_random(new_page, live_server):
    patient = PatientFactory(email="live@example.test", full_name="Liv Live")
    workspace = workspace_for(patient)
    add_member(workspace, GPFactory(), [])
    thread = messaging.team_thread_for(workspace=workspace)
    page = new_page()
    sign_in(page, live_server.url, patient.email)
    page.add_init_script(RECORD_ATTEMPTS)
    page.goto(live_server.url + reverse("patient:message_thread", args=[thread.pk]))
    rule = page.evaluate(
        """() => [0, 1, 2, 3, 4, 5, 10].map(n => [
             GuidedCareLive.nextDelay(n, () => 0),
             GuidedCareLive.nextDelay(n, () => 0.999999),
             Array.from({length: 200}, () => GuidedCareLive.nextDelay(n))
           ])"""
    )
    for attempt, (low, high, draws) in zip([0, 1, 2, 3, 4, 5, 10], rule, strict=True):
        ceiling = min(30000, 1000 * 2**attempt)
        assert low == 500 and high == ceiling
        assert all(500 <= d <= ceiling for d in draws)
        assert len(set(draws)) > 50  # 200 clients do not come back at the same moment
    # This test server has no websocket endpoint: the page keeps trying, each time later.
    times = []
    for _ in range(60):
        times = page.evaluate("() => window.__attempts")
        if len(times) >= 4:
            break
        page.wait_for_timeout(250)
    assert len(times) >= 4, times
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert all(400 <= gap <= 8000 + 1500 for gap in gaps[:3]), gaps
