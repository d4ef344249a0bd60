import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from forum.models import Post, Topic

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("staffed", [True, False])
def test_the_demo_forum_has_topics_in_each_language_and_a_moderator(client, settings, staffed):
    if not staffed:
        settings.FORUM_STAFFED_HOURS = {**settings.FORUM_STAFFED_HOURS, "days": []}
        settings.FORUM_OUT_OF_HOURS = "pre_moderate"
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    titles = set(Topic.objects.values_list("title", flat=True))
    assert {
        "Pacing on a busy day",
        "Søvn i dårlige perioder",
        "Små skritt som faktisk hjalp",
    } <= titles
    assert not Post.objects.exclude(status=Post.Status.PUBLISHED).exists()
    moderator = User.objects.get(email="moderator@example.org")
    assert moderator.is_moderator
    client.force_login(moderator, backend="accounts.backends.EmailBackend")
    assert client.get("/", follow=True).redirect_chain[-1][0] == reverse("clinician:forum_queue")
