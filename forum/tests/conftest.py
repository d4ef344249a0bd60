import itertools

import pytest

from forum import services
from forum.models import Member, Space
from tests.factories import ModeratorFactory, PatientFactory


@pytest.fixture(autouse=True)
def always_staffed(settings):
    """Moderators on duty round the clock unless a test says otherwise."""
    settings.FORUM_STAFFED_HOURS = {
        "days": [0, 1, 2, 3, 4, 5, 6], "start": "00:00", "end": "23:59:59",
        "time_zone": "Europe/Copenhagen",
    }  # fmt: skip


@pytest.fixture
def out_of_hours(settings):
    settings.FORUM_STAFFED_HOURS = {
        "days": [],
        "start": "08:00",
        "end": "22:00",
        "time_zone": "Europe/Copenhagen",
    }
    settings.FORUM_OUT_OF_HOURS = "publish"


@pytest.fixture
def space(db):
    return Space.objects.create(slug="general", title="General")


@pytest.fixture
def moderator(db):
    return ModeratorFactory()


_names = itertools.count()


def make_member(full_name="Sam Member", handle=None, *, trusted=True, alerts=False, **kwargs):
    user = PatientFactory(full_name=full_name, **kwargs)
    member = services.member_join(
        user=user,
        handle=handle or "Wren " + "".join(chr(97 + int(d)) for d in str(next(_names))),
        accepted_rules=True,
        care_team_alerts=alerts,
    )
    if trusted:  # past the first posts a moderator reads
        member.approved_posts = services.FIRST_POSTS_READ
        member.save(update_fields=["approved_posts"])
    return member


@pytest.fixture
def member(db):
    return make_member("Sam Member", "Quiet Harbour")


@pytest.fixture
def other_member(db):
    return make_member("Robin Other", "Morning Fern")


@pytest.fixture
def members(db):
    return lambda n: [make_member(f"Person {i}", f"Reader {chr(65 + i)}{i}") for i in range(n)]


__all__ = ["Member", "make_member"]
