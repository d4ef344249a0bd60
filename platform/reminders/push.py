"""Web Push with VAPID (pywebpush): the keys, the allowed push services, and one send.

The payload carries no health data: a title, the content-free line and the address of the
reminder's open link. Browsers encrypt nothing of ours beyond that.
"""

from __future__ import annotations

import base64
import json
import logging
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

logger = logging.getLogger(__name__)

# Answers from a push service that mean the subscription is gone for good.
GONE = {404, 410}


@cache
def vapid() -> Vapid:
    """The service's VAPID key: from WEB_PUSH_VAPID_PRIVATE_KEY (PEM) if set, else a key file
    under VAR_DIR made on first use (one machine; a cluster sets the variable)."""
    if settings.WEB_PUSH_VAPID_PRIVATE_KEY:
        return Vapid.from_pem(settings.WEB_PUSH_VAPID_PRIVATE_KEY.encode())
    path = settings.VAR_DIR / "vapid-private.pem"
    if not path.exists():
        key = Vapid()
        key.generate_keys()
        path.parent.mkdir(parents=True, exist_ok=True)
        key.save_key(str(path))
        path.chmod(0o600)
    return Vapid.from_file(str(path))


def public_key() -> str:
    """The application server key for ``pushManager.subscribe`` (base64url, no padding)."""
    raw = vapid().public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def endpoint_allowed(endpoint: str) -> bool:
    """Only the push services of the browsers (https), never an address of our own network."""
    try:
        parts = urlsplit(endpoint)
    except ValueError:
        return False
    host = (parts.hostname or "").lower()
    if not host or parts.username or parts.password:
        return False
    if parts.scheme == "http":
        return host in settings.WEB_PUSH_INSECURE_HOSTS
    if parts.scheme != "https":
        return False
    return any(
        host == allowed or host.endswith("." + allowed)
        for allowed in settings.WEB_PUSH_ALLOWED_HOSTS
    )


@dataclass
class PushResult:
    ok: bool
    gone: bool = False


def send(subscription, payload: dict) -> PushResult:
    """Send one push. Never raises: a failure is a result (and logged without the address)."""
    if not endpoint_allowed(subscription.endpoint):
        return PushResult(ok=False, gone=True)
    try:
        webpush(
            subscription_info={
                "endpoint": subscription.endpoint,
                "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
            },
            data=json.dumps(payload),
            vapid_private_key=vapid(),
            vapid_claims={"sub": settings.WEB_PUSH_CONTACT},
            timeout=settings.WEB_PUSH_TIMEOUT_SECONDS,
            ttl=settings.WEB_PUSH_TTL_SECONDS,
        )
    except WebPushException as error:
        status = getattr(error.response, "status_code", None)
        logger.warning("push to subscription %s failed (status %s)", subscription.pk, status)
        return PushResult(ok=False, gone=status in GONE)
    except Exception:  # noqa: BLE001 - a network failure is a failed push, not a failed job
        logger.warning("push to subscription %s failed (no answer)", subscription.pk)
        return PushResult(ok=False)
    return PushResult(ok=True)
