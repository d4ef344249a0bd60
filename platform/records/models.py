"""The bottom of the core: the access log and the audit trail.

Every app may import ``records``; ``records`` imports no app of ours. Its models name the
workspace by a lazy reference (``"care.Workspace"``), as Django's admin log names content
types, so the rows follow the workspace (the access log goes with it; audit events are kept,
pseudonymised) without a Python import of ``care``. The tables keep the names they were
created with.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class AccessLogEntry(models.Model):
    """One read of a workspace's data by someone other than its owner."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(
        "care.Workspace", on_delete=models.CASCADE, related_name="access_log"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actor_name = models.CharField(max_length=150)
    actor_role = models.CharField(max_length=20)
    section = models.CharField(max_length=32)  # a Section value, "overview", "caseload" ...
    via = models.CharField(max_length=16, default="web")  # web, api, socket
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        db_table = "care_accesslogentry"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["workspace", "-created_at"], name="care_access_workspa_e6744c_idx")
        ]

    def __str__(self) -> str:
        return f"{self.actor_role} read {self.section} at {self.created_at:%Y-%m-%d %H:%M}"


class AuditEvent(models.Model):
    """Every change of consent, membership, account or safety state, with a dotted action code
    (kept on erasure, pseudonymised)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    action = models.CharField(max_length=64)  # e.g. care.sharing.granted
    workspace = models.ForeignKey(
        "care.Workspace",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)  # ids and codes only, never free text
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        db_table = "care_auditevent"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.action


class IdempotencyKey(models.Model):
    """A form a person sent with a key made in their browser (``records.idempotency``): the same
    key sent again is answered as the first time and stores nothing. Kept a few days."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.UUIDField()
    path = models.CharField(max_length=255)  # where the form was sent
    status = models.PositiveSmallIntegerField(default=0)  # the first answer: a redirect
    location = models.CharField(max_length=2000, blank=True)  # ... and where it led
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="records_idempotency_once")
        ]

    def __str__(self) -> str:
        return f"{self.key} at {self.created_at:%Y-%m-%d %H:%M}"
