"""Access table entries of messaging (pages are added with the faces, API with api_urls)."""

from config.access import Audience, Rule

ROUTES: dict = {}

WEBSOCKET_ROUTES = {
    "ws/live/": Rule(
        Audience.AUTHENTICATED,
        note="Origin-checked, session-authenticated; every event re-checked against the policy",
    ),
}

WEBSOCKET_MESSAGES = {
    "resume": "catch up: {thread id: last sequence seen}; threads the user may not read are "
    "listed as not_found",
    "send": "post to a thread the user takes part in, with a client-generated id (stored once)",
    "read": "mark a thread read up to a sequence (a receipt for the other participants)",
    "ping": "keep-alive; refreshes the clinician's last-seen time",
}
