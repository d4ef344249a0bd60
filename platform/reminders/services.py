"""Plan, send and log reminders (docs/reminders.md).

* ``plan(now)`` (a periodic job): one row per reminder to come, at its arrival time
  (reminders.timing). The unique (person, kind, subject) makes planning idempotent: two planners
  or a replay plan each reminder once.
* ``send_due(now)`` (a periodic job, several lanes at once): claims due rows in batches
  (``SELECT ... FOR UPDATE SKIP LOCKED``, then marked "sending" in the same short transaction,
  so two workers never take the same row), checks each is still needed, and sends it by the
  person's channel: web push to each of their devices, falling back to e-mail when no push goes
  through. Each row ends sent, failed or not needed. A row is sent at most once: a worker that
  dies mid-send leaves "sending", which a later run marks as interrupted, never resends.
* ``deliver_now``: for a kind told by its own job (new messages), sent at once unless the
  person's quiet hours hold it.

Nothing identifying is logged: ids and counts only. The words are content-free.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.languages import language_of
from accounts.models import User
from reminders import push
from reminders.kinds import spec_for, specs
from reminders.models import TIMED_KINDS, Channel, Delivery, Kind, PushSubscription, QuietHours
from reminders.models import Setting as SettingRow
from reminders.preferences import choice_from, quiet_of, zone_of
from reminders.timing import arrival, spread_offset

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
OPEN_SALT = "reminders.open"
# A row left "sending" this long ago belongs to a worker that died.
STALE_SENDING = timedelta(minutes=15)


def _when(user, kind: str, now: datetime, choice, quiet_row) -> tuple[datetime, str]:
    """(arrival, the local day it is for). Each person's offset in the spread window is the
    same every day; it also spreads what the quiet hours held back over the morning."""
    zone = zone_of(user)
    offset = spread_offset(user.pk, kind, settings.REMINDER_SPREAD_SECONDS)
    clock = choice.time_of_day if kind in TIMED_KINDS else None
    base = arrival(now=now, zone=zone, clock=clock, offset=offset, quiet=None)
    day = (base - (offset if clock else timedelta(0))).astimezone(zone).date().isoformat()
    moment = arrival(now=now, zone=zone, clock=clock, offset=offset, quiet=quiet_of(quiet_row))
    return moment, day


# --- planning ----------------------------------------------------------------------------------


@dataclass
class PlanRun:
    planned: int = 0
    considered: int = 0


def plan(now: datetime | None = None) -> PlanRun:
    """Plan what is due: daily reminders from the settings, and what the apps report pending."""
    now = now or timezone.now()
    run = PlanRun()
    daily = [k for k in (Kind.HABIT, Kind.CHECKIN) if spec_for(k) and not spec_for(k).pending]
    # Only those with nothing planned yet: after the first run of the day a run costs a query.
    planned = Delivery.objects.filter(
        user=OuterRef("user"), kind=OuterRef("kind"), status=Delivery.Status.SCHEDULED
    )
    rows = (
        SettingRow.objects.filter(kind__in=daily, enabled=True, user__is_active=True)
        .exclude(Exists(planned))
        .select_related("user", "user__quiet_hours")
        .order_by("pk")
    )
    batch: list[Delivery] = []
    for row in rows.iterator(chunk_size=2000):
        run.considered += 1
        moment, day = _when(
            row.user, row.kind, now, choice_from(row.user, row.kind, row), _qh(row.user)
        )
        batch.append(Delivery(user=row.user, kind=row.kind, key=f"day:{day}", scheduled_for=moment))
        if len(batch) >= 2000:
            run.planned += _insert(batch)
            batch = []
    run.planned += _insert(batch)
    for spec in specs().values():
        if spec.pending is not None:
            run.planned += _plan_pending(spec, now, run)
    return run


def _qh(user) -> QuietHours | None:
    try:
        return user.quiet_hours
    except QuietHours.DoesNotExist:
        return None


def _plan_pending(spec, now: datetime, run: PlanRun) -> int:
    subjects: dict = {}
    for user_id, subject in spec.pending(now):
        subjects.setdefault(user_id, []).append(subject)
    if not subjects:
        return 0
    users = User.objects.filter(pk__in=list(subjects), is_active=True).select_related("quiet_hours")
    settings_rows = {
        row.user_id: row
        for row in SettingRow.objects.filter(user__in=list(subjects), kind=spec.kind)
    }
    batch = []
    for user in users:
        choice = choice_from(user, spec.kind, settings_rows.get(user.pk))
        if not choice.enabled:
            continue
        moment, _day = _when(user, spec.kind, now, choice, _qh(user))
        for subject in subjects[user.pk]:
            run.considered += 1
            batch.append(
                Delivery(user=user, kind=spec.kind, key=subject[:64], scheduled_for=moment)
            )
    return _insert(batch)


def _insert(rows: list[Delivery]) -> int:
    """Insert what is not planned yet (a planned row is left as it is). The rows offered."""
    if rows:
        Delivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return len(rows)


def _insert_one(row: Delivery) -> bool:
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        return False
    return True


# --- sending -----------------------------------------------------------------------------------


@dataclass
class SendRun:
    claimed: int = 0
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    pushed: int = 0
    emailed: int = 0
    by_kind: dict = field(default_factory=lambda: defaultdict(int))


def _claim(now: datetime, limit: int) -> list[Delivery]:
    with transaction.atomic():
        rows = list(
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=Delivery.Status.SCHEDULED, scheduled_for__lte=now)
            .select_related("user")
            .order_by("scheduled_for", "pk")[:limit]
        )
        if rows:
            Delivery.objects.filter(pk__in=[r.pk for r in rows]).update(
                status=Delivery.Status.SENDING, claimed_at=now
            )
    return rows


def send_due(now: datetime | None = None, *, batch: int = BATCH_SIZE, max_batches=None) -> SendRun:
    """Send every reminder that is due now. Safe from several workers at once."""
    now = now or timezone.now()
    Delivery.objects.filter(
        status=Delivery.Status.SENDING, claimed_at__lt=timezone.now() - STALE_SENDING
    ).update(status=Delivery.Status.FAILED, reason=Delivery.Reason.INTERRUPTED)
    run = SendRun()
    batches = 0
    while max_batches is None or batches < max_batches:
        rows = _claim(now, batch)
        batches += 1
        if not rows:
            break
        run.claimed += len(rows)
        _send_rows(rows, now, run)
        if len(rows) < batch:
            break
    return run


def deliver_now(user, kind: str, key: str, now: datetime | None = None) -> Delivery | None:
    """A reminder told by its own job (a new message): sent now, or planned for the end of the
    quiet hours. None when the person has turned it off or it was already told."""
    now = now or timezone.now()
    choice = choice_from(user, kind, SettingRow.objects.filter(user=user, kind=kind).first())
    if not choice.enabled:
        return None
    moment, _day = _when(user, kind, now, choice, QuietHours.objects.filter(user=user).first())
    if moment > now:
        later = Delivery(user=user, kind=kind, key=key, scheduled_for=moment)
        return later if _insert_one(later) else None
    delivery = Delivery(
        user=user,
        kind=kind,
        key=key,
        scheduled_for=now,
        status=Delivery.Status.SENDING,
        claimed_at=now,
    )
    if not _insert_one(delivery):
        # Asked again: only one that failed is tried again (never a second copy of a sent one).
        retried = Delivery.objects.filter(
            user=user, kind=kind, key=key, status=Delivery.Status.FAILED
        ).update(status=Delivery.Status.SENDING, claimed_at=now, reason="")
        if not retried:
            return None
        delivery = Delivery.objects.select_related("user").get(user=user, kind=kind, key=key)
    _send_rows([delivery], now, SendRun(), checked=True)
    return delivery


def _send_rows(rows: list[Delivery], now: datetime, run: SendRun, *, checked=False) -> None:
    """Send a claimed batch. The outcome of each row is written at the end, one statement per
    outcome: a process that dies mid-batch leaves its rows "sending" (interrupted, not resent)."""
    users = [row.user for row in rows]
    user_ids = {u.pk for u in users}
    choices_rows = defaultdict(dict)
    for row in SettingRow.objects.filter(user__in=user_ids):
        choices_rows[row.user_id][row.kind] = row
    subscriptions = defaultdict(list)
    for sub in PushSubscription.objects.filter(user__in=user_ids, revoked_at__isnull=True):
        subscriptions[sub.user_id].append(sub)
    _prime_organisations(users)
    by_kind = defaultdict(list)
    for row in rows:
        by_kind[row.kind].append(row)
    wanted: set = set()
    for kind, kind_rows in by_kind.items():
        spec = spec_for(kind)
        if checked or spec is None or spec.still_due is None:
            wanted |= {row.pk for row in kind_rows}
        else:
            wanted |= spec.still_due(kind_rows, now)
    connection = get_connection()
    rendered: dict = {}
    outcomes: dict[tuple, list] = defaultdict(list)
    done: dict[str, list] = defaultdict(list)
    told: dict[tuple, tuple] = {}  # (person, kind) -> the outcome of the one sent
    for row in rows:
        subject = (row.user_id, row.kind)
        if subject in told:
            # Two due at once (a PHQ-9 and a GAD-7): one reminder tells of both.
            outcome = told[subject]
        else:
            outcome = _send_one(
                row, choices_rows, subscriptions, wanted, (connection, rendered), run
            )
            if outcome[0] == Delivery.Status.SENT:
                told[subject] = outcome
        row.status, row.reason, row.channel, row.fallback = outcome
        outcomes[outcome].append(row.pk)
        if row.status == Delivery.Status.SENT:
            run.sent += 1
            run.by_kind[row.kind] += 1
            done[row.kind].append(row)
    sent_at = timezone.now()
    for (status, reason, channel, fallback), pks in outcomes.items():
        values = {"status": status, "reason": reason, "channel": channel, "fallback": fallback}
        if status == Delivery.Status.SENT:
            values["sent_at"] = sent_at
        Delivery.objects.filter(pk__in=pks).update(**values)
    for kind, sent_rows in done.items():
        for row in sent_rows:
            row.sent_at = sent_at
        spec = spec_for(kind)
        if spec is not None and spec.on_sent is not None:
            spec.on_sent(sent_rows)


def _send_one(row, choices_rows, subscriptions, wanted, mailer, run) -> tuple:
    """(status, reason, channel, fallback) of one reminder, sending it if it is still wanted."""
    user = row.user
    choice = choice_from(user, row.kind, choices_rows[user.pk].get(row.kind))
    if not user.is_active or not choice.enabled:
        run.skipped += 1
        return (Delivery.Status.SKIPPED, Delivery.Reason.OFF, "", False)
    if row.pk not in wanted:
        run.skipped += 1
        return (Delivery.Status.SKIPPED, Delivery.Reason.DONE, "", False)
    fallback = False
    if choice.channel == Channel.PUSH and subscriptions[user.pk]:
        if _push(row, subscriptions[user.pk]):
            run.pushed += 1
            return (Delivery.Status.SENT, "", Channel.PUSH, False)
        fallback = True
    if not user.email:
        run.failed += 1
        return (Delivery.Status.FAILED, Delivery.Reason.NO_ADDRESS, "", fallback)
    try:
        _email(row, *mailer)
    except Exception:  # noqa: BLE001 - a mail-server failure fails this reminder only
        logger.warning("reminder %s: e-mail failed", row.pk)
        run.failed += 1
        return (Delivery.Status.FAILED, Delivery.Reason.ERROR, "", fallback)
    run.emailed += 1
    return (Delivery.Status.SENT, "", Channel.EMAIL, fallback)


def _prime_organisations(users: list) -> None:
    """The language of a reminder follows the person's organisation when they chose none: look
    those organisations up for the whole batch at once (care.selectors)."""
    from care.selectors import care_team_organisations

    needing = [u for u in users if not u.organisation_id and not u.language]
    if needing:
        found = care_team_organisations([u.pk for u in needing])
        for user in needing:
            user._found_organisation = found.get(user.pk)


def open_token(delivery: Delivery) -> str:
    return signing.dumps(str(delivery.pk), salt=OPEN_SALT, compress=True)


def open_link(delivery: Delivery) -> str:
    return settings.SITE_URL + reverse("patient:reminder_open", args=[open_token(delivery)])


def payload(delivery: Delivery) -> dict:
    """What a push carries: nothing about health, the person or the kind."""
    with translation.override(language_of(delivery.user)):
        return {
            "title": "Guided Care",
            "body": _("You have something new in Guided Care"),
            "url": reverse("patient:reminder_open", args=[open_token(delivery)]),
        }


def _push(row: Delivery, subscriptions: list[PushSubscription]) -> bool:
    data = payload(row)
    delivered = False
    for sub in subscriptions:
        result = push.send(sub, data)
        if result.ok:
            delivered = True
            PushSubscription.objects.filter(pk=sub.pk).update(last_sent_at=timezone.now())
        elif result.gone:
            PushSubscription.objects.filter(pk=sub.pk, revoked_at__isnull=True).update(
                revoked_at=timezone.now(), revoked_reason="expired"
            )
    return delivered


LINK_MARK = "\x00link\x00"  # never in a rendered template: NUL is refused on every input


def _general_email(language: str, rendered: dict) -> tuple[str, str]:
    """The general reminder e-mail in ``language``, rendered once per batch with a mark where
    each person's own link goes."""
    if language not in rendered:
        with translation.override(language):
            rendered[language] = (
                _("You have something new in Guided Care"),
                render_to_string(
                    "reminders/email.txt",
                    {
                        "link": LINK_MARK,
                        "settings_link": settings.SITE_URL + reverse("patient:reminders"),
                    },
                ),
            )
    return rendered[language]


def _email(row: Delivery, connection, rendered: dict) -> None:
    user = row.user
    spec = spec_for(row.kind)
    if spec is not None and spec.email is not None:
        subject, body = spec.email(user)
    else:
        subject, template = _general_email(language_of(user), rendered)
        body = template.replace(LINK_MARK, open_link(row))
    EmailMessage(subject, body, None, [user.email], connection=connection).send()


def opened(token: str, user) -> Delivery | None:
    """The open link: marks the person's own sent reminder as opened. Anything else: None."""
    try:
        delivery_id = signing.loads(token, salt=OPEN_SALT, max_age=timedelta(days=60))
    except (signing.BadSignature, ValueError, TypeError):
        return None
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update().filter(pk=str(delivery_id), user=user).first()
            if _is_uuid(delivery_id)
            else None
        )
        if delivery is not None and delivery.status == Delivery.Status.SENT:
            delivery.status = Delivery.Status.OPENED
            delivery.opened_at = timezone.now()
            delivery.save(update_fields=["status", "opened_at"])
    return delivery


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def target_url(kind: str) -> str:
    spec = spec_for(kind)
    return reverse(spec.target) if spec is not None else reverse("patient:dashboard")


# --- the person's choices ----------------------------------------------------------------------


@transaction.atomic
def settings_save(*, user, choices: dict[str, dict], quiet: tuple | None) -> None:
    """Store every kind's choice and the quiet hours, and re-plan what was planned."""
    for kind, values in choices.items():
        SettingRow.objects.update_or_create(
            user=user,
            kind=kind,
            defaults={
                "enabled": values["enabled"],
                "time_of_day": values.get("time_of_day"),
                "channel": values["channel"],
            },
        )
        if kind == Kind.MESSAGE and user.message_notifications != values["enabled"]:
            user.message_notifications = values["enabled"]
            user.save(update_fields=["message_notifications", "updated_at"])
    if quiet is None:
        QuietHours.objects.filter(user=user).delete()
    else:
        QuietHours.objects.update_or_create(
            user=user, defaults={"start": quiet[0], "end": quiet[1]}
        )
    # What was planned on the old choices is planned again on the new ones by the next run.
    Delivery.objects.filter(user=user, status=Delivery.Status.SCHEDULED).filter(
        Q(kind__in=[Kind.HABIT, Kind.CHECKIN]) | Q(scheduled_for__gt=timezone.now())
    ).delete()


def recent_deliveries(user, *, days: int = 30, limit: int = 100) -> list[Delivery]:
    since = timezone.now() - timedelta(days=days)
    return list(
        Delivery.objects.filter(user=user)
        .filter(Q(scheduled_for__gte=since) | Q(status=Delivery.Status.SCHEDULED))
        .order_by("-scheduled_for")[:limit]
    )


# --- devices -----------------------------------------------------------------------------------


class SubscriptionRefused(ValidationError):
    pass


def subscribe(*, user, endpoint: str, p256dh: str, auth: str, device: str, session_digest: str):
    """Store (or renew) this browser's subscription for ``user``."""
    if not push.endpoint_allowed(endpoint):
        raise SubscriptionRefused(_("This browser's push service is not one we can use."))
    with transaction.atomic():
        existing = PushSubscription.objects.select_for_update().filter(endpoint=endpoint).first()
        if existing is not None and existing.user_id != user.pk:
            existing.delete()  # the device changed hands: the old account loses it
            existing = None
        if existing is None:
            existing = PushSubscription(user=user, endpoint=endpoint)
        existing.p256dh, existing.auth, existing.device = p256dh, auth, device[:80]
        existing.session_digest = session_digest
        existing.revoked_at, existing.revoked_reason = None, ""
        existing.save()
    return existing


def unsubscribe(*, user, endpoint: str = "", subscription_id=None, reason: str = "removed") -> int:
    rows = PushSubscription.objects.filter(user=user, revoked_at__isnull=True)
    if subscription_id is not None:
        rows = rows.filter(pk=subscription_id)
    elif endpoint:
        rows = rows.filter(endpoint=endpoint)
    else:
        return 0
    return rows.update(revoked_at=timezone.now(), revoked_reason=reason[:16])


def revoke_session(session_digest: str) -> int:
    if not session_digest:
        return 0
    return PushSubscription.objects.filter(
        session_digest=session_digest, revoked_at__isnull=True
    ).update(revoked_at=timezone.now(), revoked_reason="signed_out")


def session_digest(session_key: str | None) -> str:
    return hashlib.sha256((session_key or "").encode()).hexdigest() if session_key else ""
