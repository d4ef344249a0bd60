"""Ladders, steps, the proposal lifecycle, comments and the version history."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from care import services as care
from goals import selectors, services
from goals.models import Ladder, LadderChange, Proposal, Step
from records.models import AuditEvent
from tests.factories import add_member

pytestmark = pytest.mark.django_db


def history(ladder):
    return list(
        LadderChange.objects.filter(ladder=ladder)
        .order_by("ladder_version")
        .values_list("action", "actor_id")
    )


def test_patient_creates_a_ladder_and_steps_in_order(ladder, steps, patient):
    assert [s.description for s in selectors.steps_for_ladder(ladder=ladder)] == [
        "Step 0",
        "Step 1",
        "Step 2",
    ]
    assert [a for a, _ in history(ladder)] == ["ladder.created"] + ["step.added"] * 3
    assert all(actor == patient.pk for _, actor in history(ladder))
    assert AuditEvent.objects.filter(action="goals.step.added").count() == 3


def test_reorder_edit_complete_and_reflect(ladder, unrated_steps, patient):
    steps = unrated_steps
    services.step_reorder(
        ladder=ladder, by=patient, step_ids=[steps[2].pk, steps[0].pk, steps[1].pk]
    )
    assert [s.pk for s in selectors.steps_for_ladder(ladder=ladder)] == [
        steps[2].pk,
        steps[0].pk,
        steps[1].pk,
    ]
    services.step_move(step=steps[1], by=patient, direction="up")
    assert [s.pk for s in selectors.steps_for_ladder(ladder=ladder)][1] == steps[1].pk
    step = Step.objects.get(pk=steps[0].pk)
    services.step_update(step=step, by=patient, version=step.version, description="Step zero")
    step.refresh_from_db()
    services.step_update(step=step, by=patient, version=step.version, state="done")
    step.refresh_from_db()
    assert step.done_at is not None
    services.step_update(step=step, by=patient, version=step.version, reflection="It went well")
    step.refresh_from_db()
    assert (step.description, step.state, step.reflection) == ("Step zero", "done", "It went well")
    actions = [a for a, _ in history(ladder)]
    assert actions[-5:] == [
        "step.reordered",
        "step.reordered",
        "step.edited",
        "step.state_changed",
        "step.reflected",
    ]
    edit = LadderChange.objects.get(action="step.edited")
    assert edit.changes == {"description": ["Step 0", "Step zero"]}


def test_reorder_must_name_every_step_once(ladder, steps, patient):
    for bad in ([steps[0].pk], [steps[0].pk] * 3, [s.pk for s in steps] + [ladder.pk]):
        with pytest.raises(ValidationError):
            services.step_reorder(ladder=ladder, by=patient, step_ids=bad)
    assert [s.position for s in selectors.steps_for_ladder(ladder=ladder)] == [0, 1, 2]


def test_a_stale_edit_is_refused_not_lost(ladder, steps, patient):
    step = steps[0]
    seen = step.version
    services.step_update(step=step, by=patient, version=seen, description="First tab")
    with pytest.raises(services.Conflict):
        services.step_update(step=step, by=patient, version=seen, description="Second tab")
    step.refresh_from_db()
    assert step.description == "First tab"
    ladder.refresh_from_db()
    seen = ladder.version
    services.ladder_update(ladder=ladder, by=patient, version=seen, title="First tab")
    with pytest.raises(services.Conflict):
        services.ladder_update(ladder=ladder, by=patient, version=seen, title="Old view")
    ladder.refresh_from_db()
    assert ladder.title == "First tab"


def test_a_goal_edit_on_an_older_version_merges_when_only_other_things_changed(
    ladder, steps, patient, gp, gp_membership
):
    ladder.refresh_from_db()
    seen = ladder.version
    services.comment_add(ladder=ladder, by=gp, body="Meanwhile, a comment")
    services.step_add(ladder=ladder, by=patient, description="Meanwhile, a step")
    services.ladder_update(ladder=ladder, by=patient, version=seen, why="Edited from an old page")
    ladder.refresh_from_db()
    assert ladder.why == "Edited from an old page"
    assert ladder.steps.count() == 4 and ladder.comments.count() == 1
    for bad in (None, "x", 0, ladder.version + 5):
        with pytest.raises(services.Conflict):
            services.ladder_update(ladder=ladder, by=patient, version=bad, title="Nope")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"difficulty": 11}, "difficulty"),
        ({"difficulty": -1}, "difficulty"),
        ({"difficulty": "hard"}, "difficulty"),
        ({"difficulty": 2.5}, "difficulty"),
        ({"target_date": "2026-02-30"}, "target_date"),
        ({"target_date": "yesterday"}, "target_date"),
        ({"target_date": "2001-01-01"}, "target_date"),
        ({"target_date": "2999-01-01"}, "target_date"),
        ({"description": "   "}, "description"),
        ({"description": "x" * 201}, "description"),
    ],
)
def test_invalid_step_values_are_clear_errors_and_change_nothing(
    ladder, steps, patient, data, field
):
    step = steps[0]
    before = history(ladder)
    with pytest.raises(ValidationError) as error:
        services.step_update(step=step, by=patient, version=step.version, **data)
    assert field in error.value.message_dict
    assert history(ladder) == before
    with pytest.raises(ValidationError):
        services.step_add(ladder=ladder, by=patient, **({"description": "ok"} | data))


def test_clinicians_cannot_edit_directly(ladder, steps, gp, gp_membership):
    with pytest.raises(PermissionDenied):
        services.step_update(step=steps[0], by=gp, version=1, description="Mine now")
    with pytest.raises(PermissionDenied):
        services.ladder_create(workspace=ladder.workspace, by=gp, title="Mine")
    steps[0].refresh_from_db()
    assert steps[0].description == "Step 0"


def test_proposal_lifecycle_accept(ladder, steps, patient, gp, gp_membership, events):
    proposal = services.proposal_create(
        workspace=ladder.workspace,
        by=gp,
        kind="new_step",
        ladder=ladder,
        payload={"description": "Walk to the corner", "difficulty": 3},
        note="A small step first?",
    )
    assert proposal.status == "open"
    assert Step.objects.filter(ladder=ladder).count() == 3  # nothing changed yet
    services.proposal_answer(proposal=proposal, by=patient, decision="accept")
    proposal.refresh_from_db()
    assert proposal.status == "accepted"
    assert proposal.answered_by == patient
    new = Step.objects.get(ladder=ladder, description="Walk to the corner")
    assert new.created_by == patient and new.difficulty == 3
    actions = history(ladder)[-3:]
    assert actions == [
        ("proposal.made", gp.pk),
        ("step.added", patient.pk),
        ("proposal.accepted", patient.pk),
    ]
    kinds = [e["kind"] for e in events]
    assert "goals.proposal.made" in kinds and "goals.proposal.accepted" in kinds
    for event in events:  # ids only on the channel layer
        assert "Walk" not in str(event["data"])
        assert event["section"] == "goals"


def test_accepting_twice_or_after_withdrawal_is_a_conflict(ladder, patient, gp, gp_membership):
    one = services.proposal_create(
        workspace=ladder.workspace,
        by=gp,
        kind="edit_ladder",
        ladder=ladder,
        payload={"title": "Walk to the park"},
    )
    services.proposal_answer(proposal=one, by=patient, decision="decline")
    with pytest.raises(services.Conflict):
        services.proposal_answer(proposal=one, by=patient, decision="accept")
    two = services.proposal_create(
        workspace=ladder.workspace,
        by=gp,
        kind="edit_ladder",
        ladder=ladder,
        payload={"title": "Walk to the park"},
    )
    services.proposal_withdraw(proposal=two, by=gp)
    with pytest.raises(services.Conflict):
        services.proposal_answer(proposal=two, by=patient, decision="accept")
    with pytest.raises(services.Conflict):
        services.proposal_withdraw(proposal=two, by=gp)
    ladder.refresh_from_db()
    assert ladder.title == "Walk to the shop"
    assert Proposal.objects.get(pk=one.pk).status == "declined"
    assert Proposal.objects.get(pk=two.pk).status == "withdrawn"


def test_accept_with_changes_and_edit_proposals(ladder, steps, patient, gp, gp_membership):
    proposal = services.proposal_create(
        workspace=ladder.workspace,
        by=gp,
        kind="edit_step",
        ladder=ladder,
        step=steps[1],
        payload={"description": "Step one, slower", "difficulty": 6},
    )
    assert proposal.payload == {"description": "Step one, slower", "difficulty": 6}
    services.proposal_answer(
        proposal=proposal, by=patient, decision="accept", changes={"difficulty": 4}
    )
    proposal.refresh_from_db()
    step = Step.objects.get(pk=steps[1].pk)
    assert proposal.status == "changed"
    assert (step.description, step.difficulty) == ("Step one, slower", 4)
    edit = LadderChange.objects.get(action="step.edited", proposal=proposal)
    assert edit.actor == patient
    assert edit.changes == {"description": ["Step 1", "Step one, slower"], "difficulty": [1, 4]}


def test_new_ladder_proposal_creates_the_ladder_on_acceptance(
    workspace, patient, gp, gp_membership
):
    proposal = services.proposal_create(
        workspace=workspace,
        by=gp,
        kind="new_ladder",
        payload={"title": "Sleep better", "why": "Energy for my children"},
    )
    assert not Ladder.objects.filter(title="Sleep better").exists()
    services.proposal_answer(proposal=proposal, by=patient, decision="accept")
    proposal.refresh_from_db()
    assert proposal.ladder.title == "Sleep better"
    assert [a for a, _ in history(proposal.ladder)] == ["ladder.created", "proposal.accepted"]


def test_only_care_team_with_goals_consent_can_propose(
    ladder,
    patient,
    gp,
    gp_membership,
    therapist,
    therapist_membership,
    outsider_clinician,
    other_patient,
):
    # Outsiders: the workspace does not exist for them (404); inside the team: 403.
    for who, refusal in (
        (therapist, PermissionDenied),
        (outsider_clinician, Http404),
        (other_patient, Http404),
        (patient, PermissionDenied),
    ):
        with pytest.raises(refusal):
            services.proposal_create(
                workspace=ladder.workspace,
                by=who,
                kind="new_step",
                ladder=ladder,
                payload={"description": "Sneaky"},
            )
    care.sharing_update(membership=gp_membership, sections=[], by=patient)
    with pytest.raises(PermissionDenied):
        services.proposal_create(
            workspace=ladder.workspace,
            by=gp,
            kind="new_step",
            ladder=ladder,
            payload={"description": "After revocation"},
        )
    assert not Proposal.objects.exists()


def test_only_the_patient_answers_and_only_the_proposer_withdraws(
    ladder, patient, gp, gp_membership, therapist
):
    add_member(ladder.workspace, therapist, ["goals"])
    proposal = services.proposal_create(
        workspace=ladder.workspace,
        by=gp,
        kind="new_step",
        ladder=ladder,
        payload={"description": "Try it"},
    )
    with pytest.raises(PermissionDenied):
        services.proposal_answer(proposal=proposal, by=gp, decision="accept")
    with pytest.raises(PermissionDenied):
        services.proposal_withdraw(proposal=proposal, by=therapist)
    with pytest.raises(PermissionDenied):
        services.proposal_withdraw(proposal=proposal, by=patient)
    assert Proposal.objects.get(pk=proposal.pk).status == "open"


def test_proposals_validate_like_direct_edits(ladder, steps, gp, gp_membership):
    with pytest.raises(ValidationError):
        services.proposal_create(
            workspace=ladder.workspace,
            by=gp,
            kind="new_step",
            ladder=ladder,
            payload={"description": "x", "difficulty": 12},
        )
    with pytest.raises(ValidationError):  # an edit that changes nothing
        services.proposal_create(
            workspace=ladder.workspace,
            by=gp,
            kind="edit_step",
            ladder=ladder,
            step=steps[0],
            payload={"description": "Step 0"},
        )
    with pytest.raises(ValidationError):
        services.proposal_create(
            workspace=ladder.workspace, by=gp, kind="rewrite", ladder=ladder, payload={}
        )


def test_comments_from_both_sides_are_in_the_history(
    ladder, patient, gp, gp_membership, therapist, therapist_membership
):
    services.comment_add(ladder=ladder, by=gp, body="How is step one going?")
    services.comment_add(ladder=ladder, by=patient, body="Slowly, but going.")
    with pytest.raises(PermissionDenied):
        services.comment_add(ladder=ladder, by=therapist, body="Not shared with me")
    with pytest.raises(ValidationError):
        services.comment_add(ladder=ladder, by=patient, body="  ")
    assert [c.body for c in selectors.comments_for_ladder(ladder=ladder)] == [
        "How is step one going?",
        "Slowly, but going.",
    ]
    assert [a for a, _ in history(ladder)].count("comment.added") == 2


def test_new_target_date_cannot_be_past_but_an_old_one_may_stay(ladder, patient):
    today = services.local_today(patient)
    step = services.step_add(
        ladder=ladder, by=patient, description="Soon", target_date=today + timedelta(days=2)
    )
    Step.objects.filter(pk=step.pk).update(target_date=date(2020, 1, 1))
    step.refresh_from_db()
    services.step_update(
        step=step, by=patient, version=step.version, target_date=date(2020, 1, 1), difficulty=2
    )
    step.refresh_from_db()
    assert step.difficulty == 2


def test_local_today_uses_the_patients_time_zone(patient):
    patient.timezone = "Pacific/Auckland"
    moment = datetime(2026, 6, 1, 13, 0, tzinfo=UTC)  # 01:00 on 2 June in Auckland
    assert services.local_today(patient, now=moment) == date(2026, 6, 2)
