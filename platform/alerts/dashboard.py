"""The patient's dashboard card: review notes their clinicians chose to share with them."""

from alerts.models import Review


def _shared_reviews(request, workspace) -> dict:
    """Queries: 1 (the three newest shared notes with their clinicians)."""
    reviews = list(
        Review.objects.filter(workspace=workspace, shared_with_patient=True)
        .select_related("membership__clinician")
        .order_by("-created_at")[:3]
    )
    return {"reviews": reviews}


DASHBOARD_CARDS = [(60, "alerts/dashboard_reviews.html", _shared_reviews, "main")]
