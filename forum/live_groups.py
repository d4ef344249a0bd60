"""The forum's live audiences (docs/live-protocol.md): its members, and its moderators. A frame
to them carries ids only (topic, post, space slug), never a handle or a name; the page it
prompts reads through the forum's own checks."""

from __future__ import annotations

MEMBERS = "forum.members"
MODERATORS = "forum.moderators"


def groups_for(user) -> list[str]:
    from forum.models import Member

    if user.is_moderator:
        return [MODERATORS]
    if (user.is_patient or user.is_clinician) and Member.objects.filter(user=user).exclude(
        state="removed"
    ).exists():
        return [MEMBERS]
    return []
