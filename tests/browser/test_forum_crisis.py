"""The forum's crisis pathway end to end in a real browser: a post with a watched term is held,
the author sees their crisis plan and the crisis lines at once, the moderator sees it first in
the queue, and the care team gets the alert only where the patient agreed to it."""

from __future__ import annotations

import pytest

from accounts.models import User
from alerts.models import Alert
from forum.models import Post
from tests.browser.test_design_system import (
    DESKTOP,
    PHONE,
    demo,  # noqa: F401 - fixture
    pages,  # noqa: F401 - fixture
    sign_in,
    wcag_violations,
)
from toolbox import services as toolbox

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def _post_in_the_forum(page, base, text):
    page.goto(base + "/me/forum/")
    page.get_by_role("link", name="Living well with persistent symptoms").click()
    page.get_by_label("Title").fill("Tonight")
    page.get_by_label("Your post").fill(text)
    page.get_by_role("button", name="Post", exact=True).click()  # the verb
    page.wait_for_load_state()


def test_a_held_crisis_post_reaches_the_moderator_first_and_the_care_team_only_by_consent(
    pages,  # noqa: F811
    live_server,
    demo,  # noqa: F811
):
    base = live_server.url
    agreed = User.objects.get(email="patient@example.org")  # agreed when joining (demo)
    declined = User.objects.get(email="patient2@example.org")
    toolbox.crisis_item_add(
        workspace=agreed.workspace, by=agreed, kind="self_help", text="Ring my sister Ida"
    )

    # The author who agreed: held, with their plan and the lines, at once, on a phone.
    phone = pages(PHONE)
    sign_in(phone, base, agreed.email)
    _post_in_the_forum(phone, base, "I can't go on, I want to end my life.")
    assert "/held/" in phone.url
    body = phone.locator("main").inner_text()
    assert "Ring my sister Ida" in body
    assert phone.locator('main a[href="tel:112"]').count() >= 1
    assert wcag_violations(phone) == []
    held = Post.objects.get(author__user=agreed, topic__title="Tonight")
    assert held.status == "pending" and held.risk == "crisis"

    # The author who did not agree: held too, and no alert.
    other = pages(DESKTOP)
    sign_in(other, base, declined.email)
    _post_in_the_forum(other, base, "Jeg har tanker om selvmord i aften.")
    assert "/held/" in other.url
    assert not Alert.objects.filter(workspace=declined.workspace, kind="forum").exists()
    alert = Alert.objects.get(workspace=agreed.workspace, kind="forum")
    assert alert.severity == "urgent"

    # The moderator: both crisis posts head the queue, before anything routine.
    moderator = pages(DESKTOP)
    sign_in(moderator, base, "moderator@example.org")
    moderator.goto(base + "/clinic/forum/")
    risks = moderator.locator("tbody tr").evaluate_all("rows => rows.map(r => r.dataset.risk)")
    assert risks[:2] == ["crisis", "crisis"]
    assert wcag_violations(moderator) == []

    # The GP of the patient who agreed reads the held post on the alert.
    gp = pages(DESKTOP)
    sign_in(gp, base, "gp@example.org")
    gp.goto(base + f"/clinic/alerts/{alert.pk}/")
    assert "I can't go on, I want to end my life." in gp.locator("main").inner_text()
