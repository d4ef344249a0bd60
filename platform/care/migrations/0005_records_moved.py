"""The access log and the audit trail now belong to the ``records`` app. The tables stay where
they are; only Django's idea of which app owns the models changes."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("care", "0004_membership_declined_and_end_reason")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="AccessLogEntry"),
                migrations.DeleteModel(name="AuditEvent"),
            ],
            database_operations=[],
        )
    ]
