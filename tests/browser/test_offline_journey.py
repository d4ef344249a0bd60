"""The patient's app without a connection, in a real browser (docs/phone-app.md): the worker is
registered for /me/, the crisis plan opens offline after a first visit, a check-in made offline
waits on the device and is stored exactly once when the connection returns, and signing out
leaves no cache and no queue behind."""

import pytest
from django.urls import reverse

from records.models import AuditEvent
from tests.factories import PatientFactory, workspace_for
from toolbox import services as toolbox
from toolbox.models import CheckIn

from .test_journeys import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

QUEUE = "guided-care-offline"
READ_QUEUE = """(name) => new Promise((resolve, reject) => {
  const open = indexedDB.open(name, 1);
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const db = open.result;
    if (!db.objectStoreNames.contains("queue")) { db.close(); resolve([]); return; }
    const all = db.transaction("queue").objectStore("queue").getAll();
    all.onsuccess = () => { db.close(); resolve(all.result); };
  };
})"""


def kept(page, path: str) -> bool:
    return page.evaluate("(path) => caches.match(path).then((found) => !!found)", path)


def checkin_audits(workspace) -> int:
    return AuditEvent.objects.filter(
        workspace=workspace, action__startswith="toolbox.checkin."
    ).count()


def test_crisis_plan_offline_a_checkin_queued_and_sign_out_clears_the_device(new_page, live_server):
    patient = PatientFactory(email="pat@example.test", full_name="Pat Offline")
    workspace = workspace_for(patient)
    toolbox.crisis_item_add(
        workspace=workspace, by=patient, kind="self_help", text="A walk by the water"
    )
    base = live_server.url
    crisis_url = base + reverse("patient:crisis_plan")
    checkin_url = base + reverse("patient:checkin_today")

    page = new_page()
    sign_in(page, base, patient.email)
    assert page.url == base + reverse("patient:dashboard")
    assert page.locator('link[rel="manifest"]').count() == 1
    scope = page.evaluate("navigator.serviceWorker.ready.then((r) => r.scope)")
    assert scope == base + reverse("patient:dashboard")  # /me/, nothing wider
    page.wait_for_function("navigator.serviceWorker.controller !== null")

    # The first visits, online: the crisis plan and today's check-in are kept.
    page.goto(crisis_url)
    assert "This device keeps a copy of your crisis plan" in page.locator("main").inner_text()
    page.wait_for_function(
        "(path) => caches.match(path).then((found) => !!found)", arg=reverse("patient:crisis_plan")
    )
    page.goto(checkin_url)
    page.wait_for_function(
        "(path) => caches.match(path).then((found) => !!found)",
        arg=reverse("patient:checkin_today"),
    )

    # Offline: the crisis plan still opens, with its content.
    page.context.set_offline(True)
    page.goto(crisis_url)
    assert "A walk by the water" in page.locator("main").inner_text()
    assert page.evaluate("navigator.onLine") is False

    # A page never opened here: the offline page, which leads to the crisis plan.
    page.goto(base + reverse("patient:journal"))
    assert page.get_by_role("heading", level=1).inner_text() == "You are offline"
    assert page.get_by_role("link", name="Open my crisis plan").count() == 1

    # A check-in made offline waits on the device.
    page.goto(checkin_url)
    for name, value in (("mood", 4), ("symptoms", 2), ("energy", 3), ("sleep", 4)):
        page.locator(f"input[name={name}][value='{value}']").check()
    page.get_by_role("button", name="Save my check-in").click()
    page.get_by_text("Saved on this device.").wait_for()
    assert CheckIn.objects.filter(workspace=workspace).count() == 0
    (waiting,) = page.evaluate(READ_QUEUE, QUEUE)
    assert len(waiting["key"]) == 36 and waiting["url"] == checkin_url

    # Back online: it is sent once, and the queue is empty.
    page.context.set_offline(False)
    page.get_by_text("What you saved while offline has now been sent.").wait_for()
    checkin = CheckIn.objects.get(workspace=workspace)
    assert (checkin.mood, checkin.symptoms, checkin.energy, checkin.sleep) == (4, 2, 3, 4)
    assert checkin_audits(workspace) == 1
    assert page.evaluate(READ_QUEUE, QUEUE) == []

    # The same form sent again with its key (a reply that never arrived) stores nothing more.
    status = page.evaluate(
        """([url, key, token]) => fetch(url, {
            method: "POST", credentials: "same-origin",
            headers: {"Idempotency-Key": key, "X-CSRFToken": token},
            body: new URLSearchParams({mood: "1", symptoms: "1", energy: "1", sleep: "1"}),
        }).then((r) => r.status)""",
        [checkin_url, waiting["key"], waiting["csrf"]],
    )
    assert status == 200  # the redirect, followed
    checkin.refresh_from_db()
    assert (checkin.mood, checkin_audits(workspace)) == (4, 1)

    # Signing out leaves nothing of the patient's on the device.
    page.goto(base + reverse("patient:dashboard"))
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(base + reverse("accounts:login") + "**")
    assert page.evaluate("caches.keys()") == []
    databases = page.evaluate("indexedDB.databases().then((all) => all.map((d) => d.name))")
    assert QUEUE not in databases
    assert page.evaluate("navigator.serviceWorker.getRegistrations().then((r) => r.length)") == 0
