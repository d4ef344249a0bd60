"""The service report's relationship figures (docs/service-report.md): messages in the
organisation's courses in the period, and the reply-time agreements kept (an agreement is missed
when a reply to the patient became overdue in the period). Per row; two queries."""

from __future__ import annotations

from collections import Counter

from alerts.models import Alert, AlertKind
from care.reports import Period, ScopedCourse, by_workspace, course_for
from messaging.models import Message, ReplyAgreement


def relationship_counts(courses: list[ScopedCourse], period: Period) -> dict[str, Counter]:
    grouped = by_workspace(courses)
    ids = list(grouped)
    messages = Counter()
    for workspace_id, created_at in Message.objects.filter(
        created_at__gte=period.start,
        created_at__lt=period.end,
        removed_at__isnull=True,
        thread__workspace_id__in=ids,
    ).values_list("thread__workspace_id", "created_at"):
        course = course_for(grouped, workspace_id, created_at)
        if course is not None:
            messages[course.row] += 1
    agreements, kept = Counter(), Counter()
    overdue = set(
        Alert.objects.filter(
            kind=AlertKind.REPLY_OVERDUE,
            created_at__gte=period.start,
            created_at__lt=period.end,
            workspace_id__in=ids,
        ).values_list("membership_id", flat=True)
    )
    for membership_id, workspace_id, started_at, ended_at in ReplyAgreement.objects.filter(
        membership__workspace_id__in=ids, membership__started_at__lt=period.end
    ).values_list(
        "membership_id",
        "membership__workspace_id",
        "membership__started_at",
        "membership__ended_at",
    ):
        if ended_at is not None and ended_at < period.start:
            continue
        course = course_for(grouped, workspace_id, max(started_at, period.start))
        if course is None:
            continue
        agreements[course.row] += 1
        if membership_id not in overdue:
            kept[course.row] += 1
    return {"messages": messages, "agreements": agreements, "agreements_kept": kept}
