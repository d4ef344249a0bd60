"""Browser journeys through Debian's Chromium: resume with the answer kept, the GP sees it, and
an axe-core check of the dashboard, overview and reader."""

from __future__ import annotations

import shutil

import pytest

from tests.factories import PASSWORD, GPFactory, PatientFactory, add_member, workspace_for

pytestmark = pytest.mark.browser

playwright_sync = pytest.importorskip("playwright.sync_api")
axe_sync = pytest.importorskip("axe_playwright_python.sync_playwright")
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip


@pytest.fixture
def browser(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # still plain synchronous calls between browser steps.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")
    executable = shutil.which("chromium")
    if executable is None:
        pytest.skip("Debian's chromium is not installed")
    with playwright_sync.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=FLAGS)
        yield browser
        browser.close()


def _sign_in(page, base, email):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _serious(page) -> list[str]:
    results = axe_sync.Axe().run(page)
    return [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


def test_patient_resumes_with_the_answer_kept_and_the_gp_sees_it(
    live_server, transactional_db, browser
):
    from content.loader import pack_load
    from content.models import ExerciseAnswer, Page
    from content.tests.conftest import PACK

    pack_load(PACK)
    patient = PatientFactory(email="reader@example.test", full_name="Rae Reader")
    gp = GPFactory(email="doctor@example.test", full_name="Dr Dana Doctor")
    workspace = workspace_for(patient)
    add_member(workspace, gp, ["progress", "journal"])
    base = live_server.url
    cycle = Page.objects.get(slug="the-symptom-cycle")

    context = browser.new_context(bypass_csp=False)
    page = context.new_page()
    _sign_in(page, base, patient.email)
    assert _serious(page) == [], "dashboard"
    page.get_by_role("button", name="Start the programme").first.click()
    page.wait_for_url("**/me/programme/pages/*/")
    assert _serious(page) == [], "reader"
    # Module 1, page 3: the symptom cycle. Type an answer: it is saved as a draft as you type.
    page.goto(f"{base}/me/programme/pages/{cycle.pk}/")
    page.get_by_label("What was happening? Where were you, and what were you doing?").fill(
        "Waiting for the bus in the rain"
    )
    page.get_by_text("Draft saved.").wait_for()
    assert ExerciseAnswer.objects.get().data == {"situation": "Waiting for the bus in the rain"}
    page.get_by_role("button", name="Sign out").click()
    page.evaluate("localStorage.clear()")  # the server copy, not the browser's, must bring it back

    _sign_in(page, base, patient.email)
    page.get_by_role("link", name="Continue where you left off").first.click()
    page.wait_for_url(f"**/pages/{cycle.pk}/")
    field = page.get_by_label("What was happening? Where were you, and what were you doing?")
    assert field.input_value() == "Waiting for the bus in the rain"
    page.locator("#exercise-my-symptom-cycle").get_by_role(
        "button", name="Save", exact=True
    ).click()
    page.get_by_text("Saved.").first.wait_for()
    page.goto(f"{base}/me/programme/")
    assert _serious(page) == [], "programme overview"
    context.close()

    doctor = browser.new_context().new_page()
    _sign_in(doctor, base, gp.email)
    doctor.goto(f"{base}/clinic/patients/{workspace.pk}/")
    assert "Understanding your symptoms" in doctor.content()
    doctor.get_by_role("link", name="Read the answers").click()
    assert "Waiting for the bus in the rain" in doctor.content()
