"""What each kind of reminder needs from the app it belongs to.

A domain app declares its kinds in its own ``reminder_kinds.py`` (``KINDS = [KindSpec(...)]``),
so the reminders app knows no questionnaire, habit or message itself:

* ``target``: the page the reminder opens (a URL name, patient or clinician).
* ``pending(now)``: ``(user id, subject)`` pairs that call for a reminder now (a questionnaire
  that fell due, a suggestion made). Kinds without it are planned from the person's settings,
  one a day (the habit, the check-in).
* ``still_due(deliveries, now)``: of these planned reminders, the ids still worth sending at
  send time (the check-in not yet made); the rest are logged as "not needed".
* ``email(user)``: the kind's own content-free e-mail (subject, body), if not the general one.
* ``on_sent(deliveries)``: told after sending (the questionnaire's own log).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from config.discovery import app_modules


@dataclass(frozen=True)
class KindSpec:
    kind: str
    target: str
    pending: Callable[[datetime], Iterable[tuple[Any, str]]] | None = None
    still_due: Callable[[list, datetime], set] | None = None
    email: Callable[[Any], tuple[str, str]] | None = None
    on_sent: Callable[[list], None] | None = None


@cache
def specs() -> dict[str, KindSpec]:
    found: dict[str, KindSpec] = {}
    for app, module in app_modules("reminder_kinds"):
        for spec in getattr(module, "KINDS", []):
            if spec.kind in found:
                raise ValueError(f"{app}.reminder_kinds: kind {spec.kind!r} is declared twice")
            found[spec.kind] = spec
    return found


def spec_for(kind: str) -> KindSpec | None:
    return specs().get(kind)
