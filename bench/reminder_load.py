"""The reminders benchmark: 150,000 people who all chose the same morning time.

Measures, on the scenario's own database:

* planning: ``reminders.services.plan`` for everyone (the periodic job's worst run);
* the spread: reminders planned per minute and per second (the peak the senders must keep up
  with), and the window they cover;
* sending: ``send_due`` draining every reminder as if the whole morning were due at once, on one
  worker process and on two side by side (the lanes of ``REMINDER_SEND_LANES``), e-mail by
  Django's in-memory backend;
* the bare floor in the same run: the same rows claimed with one ``UPDATE ... RETURNING`` per
  batch and the same e-mail sent, with no choices, checks or log (what any sender must do).
"""

from __future__ import annotations

import multiprocessing
import time
from collections import Counter
from datetime import UTC, datetime
from datetime import time as clock

from django.core import mail
from django.core.mail import EmailMessage, get_connection
from django.db import connection

from accounts.models import User
from bench import data
from reminders import services
from reminders.models import Delivery, Kind, Setting

# A winter day; everyone in Copenhagen chose 08:00 (07:00 UTC).
PLAN_AT = datetime(2027, 1, 12, 4, 0, tzinfo=UTC)
DRAIN_AT = datetime(2027, 1, 12, 12, 0, tzinfo=UTC)


def _people(n: int) -> list:
    people = data.users(n, tag="rem", role=User.Role.PATIENT)
    Setting.objects.bulk_create(
        [
            Setting(user=p, kind=Kind.CHECKIN, enabled=True, time_of_day=clock(8), channel="email")
            for p in people
        ],
        batch_size=2000,
    )
    return people


def _reset() -> None:
    Delivery.objects.update(status=Delivery.Status.SCHEDULED, sent_at=None, channel="", reason="")


def _warm_up() -> None:
    """Load what the first reminder would (URLs, templates, translations) before the clock."""
    from django.template.loader import get_template
    from django.urls import reverse

    reverse("patient:reminders")
    get_template("reminders/email.txt")


def _drain_worker(queue) -> None:
    connection.close()  # a fresh connection in this process
    mail.outbox = []
    _warm_up()
    started = time.perf_counter()
    run = services.send_due(DRAIN_AT)
    queue.put({"sent": run.sent, "seconds": time.perf_counter() - started})
    connection.close()


def _bare_worker(queue) -> None:
    """The floor: claim a batch with one statement, send the same e-mail, mark it sent."""
    connection.close()
    mail.outbox = []
    _warm_up()
    table = Delivery._meta.db_table
    sent = 0
    started = time.perf_counter()
    mailer = get_connection()
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET status = 'sending' WHERE id IN ("  # noqa: S608 - our table
                f"SELECT id FROM {table} WHERE status = 'scheduled' AND scheduled_for <= %s "
                "ORDER BY scheduled_for LIMIT 500 FOR UPDATE SKIP LOCKED) "
                "RETURNING id, (SELECT email FROM accounts_user u WHERE u.id = user_id)",
                [DRAIN_AT],
            )
            rows = cursor.fetchall()
        if not rows:
            break
        for _id, email in rows:
            EmailMessage(
                "You have something new in Guided Care", "-", None, [email], connection=mailer
            ).send()
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET status = 'sent' WHERE id = ANY(%s)",  # noqa: S608
                [[r[0] for r in rows]],
            )
        sent += len(rows)
    queue.put({"sent": sent, "seconds": time.perf_counter() - started})
    connection.close()


def _parallel(target, processes: int) -> dict:
    connection.close()
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    started = time.perf_counter()
    workers = [context.Process(target=target, args=(queue,)) for _ in range(processes)]
    for worker in workers:
        worker.start()
    results = [queue.get(timeout=1800) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    wall = time.perf_counter() - started
    sent = sum(r["sent"] for r in results)
    return {
        "processes": processes,
        "sent": sent,
        "seconds": round(wall, 2),
        "per_second": round(sent / wall, 1) if wall else None,
        "per_worker": [r["sent"] for r in results],
    }


def run(cfg: dict) -> dict:
    n = cfg["people"]
    result: dict = {"database": connection.vendor, "people": n}
    t = time.perf_counter()
    _people(n)
    result["build_seconds"] = round(time.perf_counter() - t, 1)

    t = time.perf_counter()
    planned = services.plan(PLAN_AT)
    result["plan_seconds"] = round(time.perf_counter() - t, 2)
    result["planned"] = Delivery.objects.count()
    assert planned.considered == n
    times = list(Delivery.objects.values_list("scheduled_for", flat=True))
    per_minute = Counter(moment.replace(second=0, microsecond=0) for moment in times)
    per_second = Counter(moment.replace(microsecond=0) for moment in times)
    first, last = min(times), max(times)
    result["spread"] = {
        "first": first.isoformat(),
        "last": last.isoformat(),
        "window_minutes": round((last - first).total_seconds() / 60, 1),
        "peak_per_minute": max(per_minute.values()),
        "peak_per_second": max(per_second.values()),
        "mean_per_minute": round(n / max(1, len(per_minute)), 1),
    }
    if connection.vendor != "postgresql":
        result["note"] = "sending is measured on PostgreSQL only (SKIP LOCKED, two processes)"
        return result
    result["send"] = {}
    for processes in (1, 2):
        _reset()
        result["send"][f"workers_{processes}"] = _parallel(_drain_worker, processes)
    for processes in (1, 2):
        _reset()
        result["send"][f"bare_{processes}"] = _parallel(_bare_worker, processes)
    for processes in (1, 2):
        ours = result["send"][f"workers_{processes}"]["per_second"]
        bare = result["send"][f"bare_{processes}"]["per_second"]
        result["send"][f"ratio_{processes}"] = round(bare / ours, 2) if ours else None
    peak = result["spread"]["peak_per_minute"] / 60
    result["headroom_two_workers"] = round(result["send"]["workers_2"]["per_second"] / peak, 1)
    # In real time, the last reminder goes out at the end of the spread window plus at most
    # one sending interval (the job runs every minute).
    result["time_to_send_all_minutes"] = round(result["spread"]["window_minutes"] + 1, 1)
    return result
