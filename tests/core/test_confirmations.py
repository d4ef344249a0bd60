"""Every destructive page action asks first, without JavaScript (docs/confirmations.md).

The walk posts to each destructive route once without ``confirm``: the shared confirmation page
answers and nothing changes. Then it posts with ``confirm=yes``: the action happens. The scan
fails when a template gains a POST form whose button deletes, removes, ends, revokes, cancels
or withdraws, and whose route is not in the walk.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from accounts import tokens
from care.models import CareTeamMembership, Course, Cover, RelativeAccess
from goals.models import Proposal
from messaging import services as messaging
from messaging.models import Message
from tests.world import build_world
from toolbox.models import CrisisPlanItem, JournalEntry, NetworkContact


@dataclass(frozen=True)
class Destructive:
    url_name: str
    actor: str
    # world object -> URL kwarg; the POST body; "is the thing still there?" given the world
    kwargs: dict
    body: dict
    intact: object


def _exists(model, name):
    return lambda world: model.objects.filter(pk=world.objects[name].pk).exists()


def _key_kept(world):
    from knox.models import AuthToken

    return AuthToken.objects.filter(token_key=world.objects["api_key"]).exists()


def _any_key_kept(world):
    from knox.models import AuthToken

    return AuthToken.objects.filter(user=world.users["owner"]).exists()


def _message_intact(name):
    return lambda world: Message.objects.get(pk=world.objects[name].pk).removed_at is None


DESTRUCTIVE = [
    Destructive(
        "patient:crisis_item_remove",
        "owner",
        {"item_id": "crisis_item"},
        {},
        _exists(CrisisPlanItem, "crisis_item"),
    ),
    Destructive(
        "patient:network_remove",
        "owner",
        {"contact_id": "network_contact"},
        {},
        _exists(NetworkContact, "network_contact"),
    ),
    Destructive(
        "patient:journal_remove",
        "owner",
        {"entry_id": "journal_entry"},
        {},
        _exists(JournalEntry, "journal_entry"),
    ),
    Destructive(
        "patient:message_thread_remove",
        "owner",
        {"thread_id": "thread"},
        {"message": "message"},
        _message_intact("message"),
    ),
    Destructive(
        "clinician:message_thread_remove",
        "gp",
        {"thread_id": "thread"},
        {"message": "gp_message"},
        _message_intact("gp_message"),
    ),
    Destructive(
        "clinician:goal_proposal_withdraw",
        "gp",
        {"workspace_id": "workspace", "proposal_id": "goal_proposal"},
        {},
        lambda world: (
            Proposal.objects.get(pk=world.objects["goal_proposal"].pk).status != "withdrawn"
        ),
    ),
    Destructive(
        "clinician:cover_cancel",
        "gp",
        {"cover_id": "cover"},
        {},
        lambda world: Cover.objects.get(pk=world.objects["cover"].pk).cancelled_at is None,
    ),
    Destructive(
        "accounts:api_token_revoke",
        "owner",
        {"key": "api_key"},
        {},
        _key_kept,
    ),
    Destructive("accounts:api_tokens_revoke_all", "owner", {}, {}, _any_key_kept),
    # Last: it takes the GP out of the care team.
    Destructive(
        "patient:care_team_end",
        "owner",
        {"membership_id": "gp_membership"},
        {},
        lambda world: (
            CareTeamMembership.objects.get(pk=world.gp_membership.pk).status
            == CareTeamMembership.Status.ACTIVE
        ),
    ),
    Destructive(
        "patient:relative_revoke",
        "owner",
        {"access_id": "relative_access"},
        {},
        lambda world: RelativeAccess.objects.filter(
            pk=world.objects["relative_access"].pk, revoked_at__isnull=True
        ).exists(),
    ),
    # Last: ending the course ends the care team (the discharge's own confirmation is tested
    # in platform/care/tests/test_courses.py).
    Destructive(
        "patient:course_end",
        "owner",
        {},
        {},
        lambda world: Course.objects.filter(workspace=world.workspace, status="open").exists(),
    ),
]


def _resolve(world, name):
    if name == "api_key":
        return world.objects["api_key"]
    if name in world.objects:
        return world.objects[name].pk
    return getattr(world, name).pk


@pytest.mark.django_db
def test_every_destructive_action_asks_first_and_acts_only_on_confirm(client):
    world = build_world()
    gp_message, _created = messaging.message_send(
        thread=world.objects["thread"],
        sender=world.users["gp"],
        body="A line to take back",
        client_id=uuid.uuid4(),
    )
    world.objects["gp_message"] = gp_message
    for _ in range(2):
        token = tokens.token_create(user=world.users["owner"])
    world.objects["api_key"] = token[0].token_key
    for action in DESTRUCTIVE:
        client.force_login(world.users[action.actor], backend="accounts.backends.EmailBackend")
        url = reverse(
            action.url_name, kwargs={k: _resolve(world, v) for k, v in action.kwargs.items()}
        )
        body = {k: str(_resolve(world, v)) for k, v in action.body.items()}
        asked = client.post(url, body)
        assert asked.status_code == 200, (action.url_name, asked.status_code)
        page = asked.content.decode()
        assert 'name="confirm" value="yes"' in page, action.url_name
        assert "No, go back" in page and "What will happen" in page, action.url_name
        assert action.intact(world), f"{action.url_name} acted without confirmation"
        wrong = client.post(url, body | {"confirm": "maybe"})
        assert wrong.status_code == 200 and action.intact(world), action.url_name
        done = client.post(url, body | {"confirm": "yes"})
        assert done.status_code == 302, (action.url_name, done.status_code)
        assert not action.intact(world), f"{action.url_name} did nothing when confirmed"


def test_the_confirmation_page_carries_the_first_posts_fields(rf, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    from config.confirmation import confirmation_page

    request = rf.post("/x/", {"message": "abc", "csrfmiddlewaretoken": "t"})
    request.user = AnonymousUser()
    page = confirmation_page(
        request, title="Sure?", consequences=["It goes."], confirm_label="Yes", back_url="/back/"
    ).content.decode()
    assert 'name="message" value="abc"' in page
    main = page.split("<main", 1)[-1].split("</main>", 1)[0]  # not the language switcher's form
    assert main.count("csrfmiddlewaretoken") == 1
    assert 'href="/back/"' in page
    confirmed = rf.post("/x/", {"confirm": "yes"})
    assert (
        confirmation_page(
            confirmed, title="Sure?", consequences=[], confirm_label="Yes", back_url="/"
        )
        is None
    )


# --- the template scan ---------------------------------------------------------------------

DESTRUCTIVE_WORDS = re.compile(
    r"\b(delete|remove|end|revoke|cancel|withdraw|erase)\b|hand this cover back",
    re.IGNORECASE,
)
FORM = re.compile(r"<form\b[^>]*>.*?</form>", re.IGNORECASE | re.DOTALL)
POST = re.compile(r"method=\"post\"", re.IGNORECASE)
BUTTON = re.compile(r"<button\b[^>]*>(.*?)</button>", re.IGNORECASE | re.DOTALL)
ACTION = re.compile(r"\{%\s*url\s+'([a-z_:]+)'")
# Forms that may say a destructive word without going through the shared helper:
ALLOWED = {
    # the confirmation page itself (its button is the confirmed action)
    "includes/confirm.html": "the shared confirmation page",
    # erasure has its own page with a typed confirmation and the password (patient_app.privacy)
    "patient_app/privacy/erase.html": "typed confirmation and password on its own page",
}
# Routes whose templates build the URL name dynamically ({% url url_name|add:'_remove' %}).
DYNAMIC = {
    "messaging/thread.html": {"patient:message_thread_remove", "clinician:message_thread_remove"}
}


def _templates():
    roots = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    base = Path(settings.BASE_DIR)
    roots += [p for p in base.glob("**/templates") if ".venv" not in p.parts]
    seen = set()
    for root in roots:
        for path in root.rglob("*.html"):
            rel = path.relative_to(root).as_posix()
            if path.resolve() in seen:
                continue
            seen.add(path.resolve())
            yield rel, path.read_text()


def test_every_destructive_button_goes_through_the_confirmation_helper():
    walked = {action.url_name for action in DESTRUCTIVE}
    offenders = []
    scanned = 0
    for rel, text in _templates():
        if rel in ALLOWED:
            continue
        for form in FORM.findall(text):
            if not POST.search(form):
                continue
            labels = " ".join(BUTTON.findall(form))
            if not DESTRUCTIVE_WORDS.search(labels):
                continue
            scanned += 1
            names = set(ACTION.findall(form)) or DYNAMIC.get(rel, set())
            if not names or not names <= walked:
                offenders.append(f"{rel}: {sorted(names) or 'no url'}")
    assert scanned >= 6, "the scan found too few destructive forms: is the pattern broken?"
    assert not offenders, (
        "destructive POST forms whose route does not ask first (add the view to "
        "config.confirmation and the route to DESTRUCTIVE): " + "; ".join(offenders)
    )


@pytest.mark.django_db
def test_declining_an_invitation_asks_in_its_own_words(client, workspace, patient, gp):
    from care import services as care

    membership = care.membership_invite(workspace=workspace, clinician=gp, invited_by=gp)
    client.force_login(patient, backend="accounts.backends.EmailBackend")
    url = reverse("patient:care_team_end", args=[membership.pk])
    page = client.post(url).content.decode()
    assert "Decline the invitation from" in page and "Yes, decline" in page
    membership.refresh_from_db()
    assert membership.status == CareTeamMembership.Status.INVITED
    client.post(url, {"confirm": "yes"})
    membership.refresh_from_db()
    assert membership.status == CareTeamMembership.Status.DECLINED
