"""Caseload columns contributed by capabilities.

A capability adds a column from its app's ``caseload_columns.py`` (discovered on first use):

    from clinician_app.caseload_columns import Column, register
    register(Column(key="habit_streak", label=_("Habit streak"), section=Section.HABITS,
                    loader=lambda workspace_ids, clinician: {...}))

``loader(workspace_ids, clinician)`` is called ONCE per page with the ids of the workspaces
that share the column's ``section`` with this clinician (never the others: those cells read
"not shared"), and returns ``{workspace id: value}``. It must cost a constant number of queries
whatever the number of ids (the caseload test proves 10, 100 and 1,000 patients cost the same).
A value is shown as text, or through ``template`` (which gets ``value``); a missing value reads
"nothing yet". ``sort_key`` (optional) maps a value to something sortable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from care.sections import Section


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    section: Section | None
    loader: Callable  # (workspace_ids: list, clinician) -> dict[workspace id, value]
    template: str | None = None
    order: int = 100


_registry: dict[str, Column] = {}


def register(column: Column) -> None:
    _registry[column.key] = column


def unregister(key: str) -> None:
    _registry.pop(key, None)


@cache
def _discover() -> None:
    from config.discovery import app_modules

    app_modules("caseload_columns")


def columns() -> list[Column]:
    _discover()
    return sorted(_registry.values(), key=lambda c: (c.order, c.key))
