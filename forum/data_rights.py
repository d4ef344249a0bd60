"""What of the forum belongs to a patient. Their membership, posts, reports and reactions are in
their download. Erasing them removes their posts; a topic they opened that others replied to
keeps the replies, loses its title and is shown as started by "a former member" (others' words
stay theirs)."""

PATIENT_DATA = {
    "forum.Member": "user__workspace",
    "forum.Topic": "author__user__workspace",
    "forum.Post": "author__user__workspace",
    "forum.Report": "reporter__user__workspace",
    "forum.Reaction": "member__user__workspace",
}
NOT_PATIENT_DATA = {
    "forum.Space": "a room of the forum (title, mode); no patient data",
    "forum.ModerationEvent": (
        "the moderators' record of what they did and why; on erasure it keeps no link to the "
        "person (the member and post become empty)"
    ),
}


def before_erase(workspace) -> None:
    """Topics the patient opened: with others' replies, keep them without title or author;
    without, they go with the patient's posts."""
    from django.db.models import Exists, OuterRef

    from forum.models import Post, Report, Topic

    theirs = Topic.objects.filter(author__user__workspace=workspace)
    others = Post.objects.filter(topic=OuterRef("pk")).exclude(author__user__workspace=workspace)
    theirs.exclude(Exists(others)).delete()
    theirs.update(title="", author=None)
    # Here, not by the declarations: deleting the member first would only empty the author.
    Post.objects.filter(author__user__workspace=workspace).delete()
    Report.objects.filter(reporter__user__workspace=workspace).delete()


BEFORE_ERASE = before_erase
