"""Writing the audit trail and the access log. Every app records through these calls.

``audit`` runs inside the transaction that makes the change. The access log is written by the
read authority (``care.policies.workspace_read`` and friends) as part of saying yes to a read;
no view or API calls ``access_*`` itself.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.db import connections, router, transaction
from django.utils import timezone

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
    """Log a list read (the caseload) in one INSERT: a row per workspace shown, all at the same
    moment (the owner's own reads are not logged)."""
    now = timezone.now()
    _insert_values(
        AccessLogEntry,
        ("id", "workspace", "actor", "actor_name", "actor_role", "section", "via", "created_at"),
        [
            (uuid.uuid4(), w.pk, actor.pk, actor.full_name, actor.role, section, via, now)
            for w in workspaces
            if w.patient_id != actor.pk
        ],
    )


def _insert_many(model, objs: list) -> None:
    """Insert model instances as ``_insert_values`` does (model defaults and ``auto_now_add``
    apply; no signals, no returned pks)."""
    fields = model._meta.concrete_fields
    _insert_values(
        model,
        [f.name for f in fields],
        [[f.pre_save(obj, add=True) for f in fields] for obj in objs],
    )


def _insert_values(model, names, rows: list) -> None:
    """Insert ``rows`` (each the values of the fields ``names``, in that order: name every
    concrete field, model defaults do not apply) with ONE statement, so a list read of 1,000
    patients costs what a read of 10 costs; one statement is atomic by itself, so a failure
    leaves no row. On PostgreSQL the rows go as one array per column (as Django's
    ``bulk_create`` sends them): a short statement, parsed and planned once whatever the number
    of rows. Elsewhere they are listed; only where the database takes fewer parameters than
    that (SQLite: 999) are there several statements, in one transaction."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    fields = [model._meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    head = "INSERT INTO {} ({}) ".format(  # noqa: S608 - names are model metadata
        quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)
    )
    values = [
        [f.get_db_prep_save(v, connection) for f, v in zip(fields, r, strict=True)] for r in rows
    ]
    if connection.vendor == "postgresql":
        arrays = ", ".join(f"%s::{f.db_type(connection).split('(')[0]}[]" for f in fields)
        sql = f"{head}SELECT * FROM UNNEST({arrays})"  # noqa: S608 - names are model metadata
        with connection.cursor() as cursor:
            cursor.execute(sql, [list(column) for column in zip(*values, strict=True)])
        return
    row = "({})".format(", ".join(["%s"] * len(fields)))
    size = connection.ops.bulk_batch_size(fields, values) or len(values)
    batches = [values[i : i + size] for i in range(0, len(values), size)]

    def insert(cursor, batch: list) -> None:
        sql = head + "VALUES " + ", ".join([row] * len(batch))
        cursor.execute(sql, [p for r in batch for p in r])

    if len(batches) == 1:
        with connection.cursor() as cursor:
            insert(cursor, batches[0])
        return
    # One transaction (joined if one is open): a failure in a later batch undoes the earlier.
    with transaction.atomic(using=connection.alias, savepoint=False), connection.cursor() as cursor:
        for batch in batches:
            insert(cursor, batch)
