"""Writing the audit trail and the access log. Every app records through these calls.

``audit`` runs inside the transaction that makes the change. The access log is written by the
read authority (``care.policies.workspace_read`` and friends) as part of saying yes to a read;
no view or API calls ``access_*`` itself.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connections, router, transaction

from records.models import AccessLogEntry, AuditEvent


def audit(*, action: str, actor=None, workspace=None, **data) -> AuditEvent:
    """Record one meaningful change. Call inside the transaction that makes the change.
    ``data`` holds ids and codes only, never free text or names."""
    return AuditEvent.objects.create(action=action, actor=actor, workspace=workspace, data=data)


def _entry(actor, workspace, section: str, via: str) -> AccessLogEntry:
    return AccessLogEntry(
        workspace=workspace,
        actor=actor,
        actor_name=actor.full_name,
        actor_role=actor.role,
        section=section,
        via=via,
    )


def access_record(*, actor, workspace, section: str, via: str = "web") -> None:
    """Write one access-log entry for a read by anyone other than the owner. The owner's own
    reads are not logged (it is their data)."""
    if actor.pk == workspace.patient_id:
        return
    _entry(actor, workspace, section, via).save(force_insert=True)


def access_record_sections(*, actor, workspace, sections: Iterable[str], via: str) -> None:
    """Log one read of several sections of one workspace (an overview page) in one INSERT."""
    if actor.pk == workspace.patient_id:
        return
    AccessLogEntry.objects.bulk_create([_entry(actor, workspace, s, via) for s in sections])


def access_record_many(*, actor, workspaces: Iterable, section: str, via: str) -> None:
    """Log a list read (the caseload) in one INSERT."""
    rows = [_entry(actor, w, section, via) for w in workspaces if w.patient_id != actor.pk]
    _insert_many(AccessLogEntry, rows)


def _insert_many(model, objs: list) -> None:
    """Insert rows with ONE statement run for all of them (``executemany``), so a list read of
    1,000 patients costs what a read of 10 costs (``bulk_create`` splits into batches of a few
    hundred on SQLite). Model defaults and ``auto_now_add`` apply; no signals, no returned pks."""
    if not objs:
        return
    connection = connections[router.db_for_write(model)]
    fields = model._meta.concrete_fields
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names are model metadata
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    params = [
        [f.get_db_prep_save(f.pre_save(obj, add=True), connection) for f in fields] for obj in objs
    ]
    # One transaction (joined if one is open): in autocommit mode ``executemany`` commits every
    # row on its own (SQLite syncs the disk per row) and a failure would leave half a log.
    with transaction.atomic(using=connection.alias, savepoint=False), connection.cursor() as cursor:
        cursor.executemany(sql, params)
