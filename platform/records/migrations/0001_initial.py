"""The access log and the audit trail, taken over from ``care`` with their tables unchanged
(``care_accesslogentry``, ``care_auditevent``): state only, no SQL runs."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("care", "0005_records_moved"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="AccessLogEntry",
                    fields=[
                        (
                            "id",
                            models.UUIDField(
                                default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                            ),
                        ),
                        ("actor_name", models.CharField(max_length=150)),
                        ("actor_role", models.CharField(max_length=20)),
                        ("section", models.CharField(max_length=32)),
                        ("via", models.CharField(default="web", max_length=16)),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        (
                            "actor",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "workspace",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="access_log",
                                to="care.workspace",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "care_accesslogentry",
                        "ordering": ["-created_at"],
                        "indexes": [
                            models.Index(
                                fields=["workspace", "-created_at"],
                                name="care_access_workspa_e6744c_idx",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="AuditEvent",
                    fields=[
                        (
                            "id",
                            models.UUIDField(
                                default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                            ),
                        ),
                        ("action", models.CharField(max_length=64)),
                        ("data", models.JSONField(blank=True, default=dict)),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        (
                            "actor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "workspace",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="audit_events",
                                to="care.workspace",
                            ),
                        ),
                    ],
                    options={"db_table": "care_auditevent", "ordering": ["-created_at"]},
                ),
            ],
        )
    ]
