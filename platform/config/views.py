"""Site-wide views: the role-aware landing page, the health check and the 404 answer."""

from __future__ import annotations

import asyncio
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from rest_framework.exceptions import NotFound

logger = logging.getLogger(__name__)


@login_required
def home(request):
    """Send each user to their own face: patients to their dashboard, clinicians to the caseload."""
    if request.user.is_clinician:
        return redirect("clinician:caseload")
    if request.user.is_patient:
        return redirect("patient:dashboard")
    if request.user.is_duty:
        return redirect("clinician:duty")
    if request.user.is_moderator:
        return redirect("clinician:forum_queue")
    if request.user.is_manager:
        return redirect("clinician:service_report")
    if request.user.is_relative:
        return redirect("relative:home")
    return redirect("accounts:profile")


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        logger.exception("health check: database unavailable")
        return False


async def _channel_layer_roundtrip() -> bool:
    layer = get_channel_layer()
    channel = await layer.new_channel("healthz.")
    await layer.send(channel, {"type": "healthz.ping"})
    message = await asyncio.wait_for(layer.receive(channel), timeout=2)
    return message.get("type") == "healthz.ping"


def _channel_layer_ok() -> bool:
    try:
        return async_to_sync(_channel_layer_roundtrip)()
    except Exception:  # noqa: BLE001
        logger.exception("health check: channel layer unavailable")
        return False


@never_cache
@require_GET
def healthz(request):
    """Public, content-free: says whether the database and the channel layer answer."""
    checks = {"database": _database_ok(), "channel_layer": _channel_layer_ok()}
    healthy = all(checks.values())
    body = {
        "status": "ok" if healthy else "degraded",
        "checks": {name: ("ok" if ok else "failing") for name, ok in checks.items()},
    }
    if checks["database"]:
        # For monitoring only, never the status: the web must be healthy before the worker
        # and scheduler start (docker-compose), so their lateness cannot hold the web back.
        from jobs.scheduler import health

        try:
            body["background_jobs"] = health()
        except Exception:  # noqa: BLE001 - e.g. before migrations: say so, stay up
            logger.exception("health check: background jobs unknown")
            body["background_jobs"] = "unknown"
    return JsonResponse(body, status=200 if healthy else 503)


def not_found(request, exception):
    """A URL that matches no route (an unknown path, or an id that is not a UUID): under
    ``/api/`` the API's error shape, as the schema declares for every 404; elsewhere the page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
    return defaults.page_not_found(request, exception)
