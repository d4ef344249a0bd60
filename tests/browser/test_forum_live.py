"""Two members read the same topic in two browsers: a reply one of them posts appears on the
other's page without a reload (forum/live.js over /ws/live/), and the frame that prompted it
carries no name. The socket needs an ASGI server: a real Daphne with its own SQLite file."""

import json
import time

import pytest
from playwright.sync_api import expect

from tests.browser.test_journeys import sign_in
from tests.servers import daphne_server, manage

pytestmark = pytest.mark.browser

SET_UP = """
import json
from forum import services
from forum.models import Member, Space
from tests.factories import PatientFactory
space = Space.objects.create(slug="general", title="General")
writer = PatientFactory(full_name="Wanda Canarysson", email="wanda-forum@example.test")
reader = PatientFactory(full_name="Rafe Reader", email="rafe-forum@example.test")
for user, handle in ((writer, "Bright Meadow"), (reader, "Calm Lake")):
    services.member_join(user=user, handle=handle, accepted_rules=True)
Member.objects.update(approved_posts=services.FIRST_POSTS_READ)
first = services.topic_start(member=Member.objects.get(handle="Bright Meadow"), space=space,
                             title="Pacing", body="What helps you pace?")
print(json.dumps({"topic": str(first.topic_id)}))
"""


@pytest.fixture
def server(tmp_path):
    # Posts publish at once whatever the hour (no moderator needed for the test).
    env = {"VAR_DIR": str(tmp_path), "FORUM_OUT_OF_HOURS": "publish"}
    with daphne_server(env=env) as base_url:
        topic = json.loads(manage("shell", "-c", SET_UP, env=env).splitlines()[-1])["topic"]
        yield base_url, topic


def test_a_reply_appears_on_the_other_members_page_without_a_reload(new_page, server):
    base_url, topic = server
    url = f"{base_url}/me/forum/topics/{topic}/"
    reader = new_page()
    frames = []
    reader.on("websocket", lambda ws: ws.on("framereceived", lambda frame: frames.append(frame)))
    sign_in(reader, base_url, "rafe-forum@example.test")
    reader.goto(url)
    deadline = time.monotonic() + 15
    while not any(json.loads(frame)["type"] == "hello" for frame in frames):
        assert time.monotonic() < deadline, "the live socket did not open"
        reader.wait_for_timeout(50)
    reader.evaluate("window.stillTheSamePage = true")

    writer = new_page()
    sign_in(writer, base_url, "wanda-forum@example.test")
    writer.goto(url)
    writer.get_by_label("Your post").fill("Short breaks, every hour.")
    writer.get_by_role("button", name="Post reply").click()
    writer.wait_for_load_state()

    expect(reader.locator("[data-live-forum]")).to_contain_text("Short breaks, every hour.")
    assert reader.evaluate("window.stillTheSamePage === true")
    forum_frames = [f for f in frames if '"forum.post"' in f]
    assert forum_frames
    for frame in forum_frames:
        assert "Canarysson" not in frame and "Bright Meadow" not in frame
        assert "Short breaks" not in frame
