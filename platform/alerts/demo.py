"""Demo: one patient gone quiet (an inactivity alert) and one overdue review for the GP."""

from datetime import timedelta

from django.utils import timezone

from alerts import alert_rules, services
from alerts.rules import run_rules
from care.models import CareTeamMembership, Workspace


def seed(*, users) -> None:
    gp = users["gp@example.org"]
    quiet = users["patient2@example.org"].workspace
    active = users["patient@example.org"].workspace
    # Demo history only: activity is normally recorded by care.services.workspace_touch.
    Workspace.objects.filter(pk=quiet.pk, last_activity_at__isnull=True).update(
        last_activity_at=timezone.now() - timedelta(days=9)
    )
    Workspace.objects.filter(pk=active.pk, last_activity_at__isnull=True).update(
        last_activity_at=timezone.now() - timedelta(hours=3)
    )
    membership = CareTeamMembership.objects.get(
        workspace=active, clinician=gp, status=CareTeamMembership.Status.ACTIVE
    )
    if not hasattr(membership, "cadence"):
        services.cadence_update(
            membership=membership,
            by=gp,
            inactivity_days=7,
            review_interval_days=14,
            next_review_on=timezone.localdate() - timedelta(days=2),
        )
    run_rules(only=[alert_rules.inactivity, alert_rules.review_overdue])
