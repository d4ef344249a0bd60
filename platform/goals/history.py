"""Readable lines for a ladder's version history (who, what, when), for both faces and the API."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "ladder.created": _("created the goal"),
    "ladder.edited": _("changed the goal"),
    "ladder.archived": _("put the goal away"),
    "ladder.restored": _("brought the goal back"),
    "step.added": _("added a step"),
    "step.edited": _("changed a step"),
    "step.state_changed": _("updated where a step is"),
    "step.reflected": _("wrote how a step went"),
    "step.reordered": _("changed the order of the steps"),
    "step.made_habit": _("turned a step into a habit"),
    "proposal.made": _("proposed a change"),
    "proposal.accepted": _("accepted a proposal"),
    "proposal.changed": _("accepted a proposal with changes"),
    "proposal.declined": _("declined a proposal"),
    "proposal.withdrawn": _("withdrew a proposal"),
    "comment.added": _("commented"),
}

FIELD_LABELS = {
    "title": _("goal"),
    "why": _("why it matters"),
    "description": _("step"),
    "target_date": _("target date"),
    "difficulty": _("how hard"),
    "state": _("state"),
    "reflection": _("how it went"),
}

HIDDEN_FIELDS = {"order", "comment", "habit", "kind"}


def describe_history(changes) -> list[dict]:
    rows = []
    for change in changes:
        details = []
        for field, value in (change.changes or {}).items():
            if field in HIDDEN_FIELDS:
                continue
            label = FIELD_LABELS.get(field, field)
            if isinstance(value, list) and len(value) == 2:
                details.append({"field": label, "before": value[0], "after": value[1]})
            else:
                details.append({"field": label, "before": None, "after": value})
        rows.append(
            {
                "change": change,
                "who": change.actor.full_name if change.actor else _("a former member"),
                "what": ACTION_LABELS.get(change.action, change.action),
                "details": details,
                "step": change.step,
            }
        )
    return rows


def payload_rows(payload: dict) -> list[dict]:
    """A proposal's fields as labelled rows."""
    return [{"field": FIELD_LABELS.get(k, k), "value": v} for k, v in (payload or {}).items()]
