"""A demo forum for `make run`: the general space and the programme's, with topics in English,
Danish and Norwegian by the two demo patients (under their forum names), and a reply by the
demo therapist with a professional badge. Idempotent."""

from __future__ import annotations

from forum import services
from forum.models import Member, Mode, Post, Space

SPACES = [
    ("general", "General", "Say hello, share what helps, ask how others manage.", ""),
    (
        "persistent-symptoms",
        "Living well with persistent symptoms",
        "For everyone in the programme: pacing, sleep, flare-ups and the small steps.",
        "persistent-symptoms",
    ),
    ("news", "News from the moderators", "Changes to the forum and its hours.", ""),
]
TOPICS = [
    (
        "patient2@example.org", "general", "Pacing on a busy day",
        "I used to push through and pay for it for days. Now I set a timer for twenty minutes "
        "and take a short break, even when it feels silly. What works for you?",
        [("patient@example.org", "Breaks before I need them. It felt lazy at first; it is not.")],
    ),
    (
        "patient@example.org", "persistent-symptoms", "Søvn i dårlige perioder",
        "Når symptomerne blusser op, sover jeg dårligt, og så bliver det hele værre. Jeg er "
        "begyndt at stå op på samme tid hver dag, også i weekenden. Er der andre, der har "
        "prøvet det?",
        [("patient2@example.org", "Ja, det hjalp mig også, men det tog et par uger.")],
    ),
    (
        "patient2@example.org", "persistent-symptoms", "Små skritt som faktisk hjalp",
        "Jeg skrev ned tre ting jeg klarte hver kveld, selv små ting som å gå til postkassen. "
        "Etter en måned så jeg at det gikk fremover, selv om det ikke føltes sånn.",
        [],
    ),
]  # fmt: skip


def seed(*, users) -> None:
    patient, other = users.get("patient@example.org"), users.get("patient2@example.org")
    if patient is None or other is None or Member.objects.exists():
        return
    spaces = {}
    for position, (slug, title, description, programme) in enumerate(SPACES):
        spaces[slug], _created = Space.objects.get_or_create(
            slug=slug,
            defaults={
                "title": title,
                "description": description,
                "programme_slug": programme,
                "position": position,
                "mode": Mode.READ_ONLY if slug == "news" else Mode.POST_MODERATED,
            },
        )
    members = {
        "patient@example.org": services.member_join(
            user=patient, handle="Quiet Harbour", accepted_rules=True, care_team_alerts=True
        ),
        "patient2@example.org": services.member_join(
            user=other, handle="Morning Fern", accepted_rules=True
        ),
    }
    # The demo members are past the first posts a moderator reads.
    Member.objects.update(approved_posts=services.FIRST_POSTS_READ)
    for member in members.values():
        member.refresh_from_db()
    for author, space, title, body, replies in TOPICS:
        first = services.topic_start(
            member=members[author], space=spaces[space], title=title, body=body
        )
        for who, text in replies:
            Member.objects.filter(pk=members[who].pk).update(last_posted_at=None)
            services.reply(member=members[who], topic=first.topic, body=text)
    # Seeded outside the moderators' hours, the posts wait: the demo moderator lets them out.
    moderator = users.get("moderator@example.org")
    if moderator is not None:
        for post in Post.objects.filter(status=Post.Status.PENDING):
            services.post_decide(post=post, by=moderator, action="approve")
    # The demo therapist takes part with a professional badge.
    therapist = users.get("therapist@example.org")
    if therapist is not None:
        professional = services.professional_join(
            user=therapist, handle="Physio - north team", accepted_rules=True
        )
        topic = Post.objects.filter(topic__title="Pacing on a busy day").first().topic
        services.reply(
            member=professional,
            topic=topic,
            body="A timer is a good tool. Many people find the break works best when it comes "
            "before the tiredness does, as you both describe.",
        )
