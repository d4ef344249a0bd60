"""Periodic jobs, declared next to the task they run.

A domain app declares its periodic work in its own ``tasks.py``::

    @every(seconds="ALERT_RULES_INTERVAL_SECONDS")
    @task()
    def safety_rules(): ...

``seconds`` is a number or the name of a setting. ``lanes`` enqueues that many copies per
firing, for jobs that share out their rows (``SKIP LOCKED``) between several workers.

Every job must be idempotent: the scheduler fires each slot once (jobs/scheduler.py), but a
worker that dies mid-job leaves it to be run again, and a slow run may overlap the next one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings

from config.discovery import app_modules


@dataclass(frozen=True)
class Schedule:
    name: str
    task: Any  # a django_tasks Task
    every: int | str
    lanes: int | str = 1

    @staticmethod
    def _value(value: int | str) -> int:
        return int(getattr(settings, value) if isinstance(value, str) else value)

    @property
    def seconds(self) -> int:
        return max(1, self._value(self.every))

    @property
    def lane_count(self) -> int:
        return max(1, self._value(self.lanes))


_REGISTRY: dict[str, Schedule] = {}


def every(*, seconds: int | str, lanes: int | str = 1, name: str | None = None):
    """Run the decorated task every ``seconds`` (a number or a setting's name)."""

    def register(task):
        key = name or task.module_path
        _REGISTRY[key] = Schedule(name=key, task=task, every=seconds, lanes=lanes)
        return task

    return register


def schedules() -> list[Schedule]:
    """Every declared schedule, after importing each project app's ``tasks`` module."""
    app_modules("tasks")
    return sorted(_REGISTRY.values(), key=lambda schedule: schedule.name)
