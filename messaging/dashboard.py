"""The patient's dashboard card: unread messages and the latest conversation.

Queries: 1 (the workspace's threads with their unread counts, ``selectors.threads_with_counts``),
however many threads and messages there are. Nothing is created here: the team thread appears
once the patient opens their messages.
"""

from messaging import selectors


def _messages_card(request, workspace) -> dict:
    threads = list(
        selectors.threads_with_counts(request.user)
        .filter(workspace=workspace)
        .order_by("-last_message_at", "kind", "pk")
    )
    latest = next((t for t in threads if t.last_message_at), None)
    return {
        "unread": sum(t.unread for t in threads),
        "latest": latest,
    }


DASHBOARD_CARDS = [(8, "messaging/dashboard_card.html", _messages_card, "main")]
