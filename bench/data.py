"""Realistic data for the benchmarks, built with bulk INSERTs (seconds, whatever the size).

Runs inside a bench process after ``django.setup()``. Every builder takes a ``tag`` so that
several data sets live side by side in one database (the caseloads of 10, 100 and 1,000 patients
are three clinicians in the same tables, as in a real deployment).
"""

from __future__ import annotations

import random
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Permission
from django.utils import timezone
from django.utils.crypto import get_random_string

from accounts.models import Organisation, User, UserSession
from accounts.session_store import SessionStore
from alerts.models import Alert, AlertKind, CareCadence
from care.models import CareTeamMembership, Workspace, WorkspaceUserObjectPermission
from care.sections import Section
from measures.definitions import instruments
from measures.models import Response
from messaging.models import Message, ReadMark, Thread

BACKEND = "accounts.backends.EmailBackend"
LINES = [
    "Thank you for the exercise sheet, I tried it twice this week.",
    "How did the walk in the morning go?",
    "Better than last week. Sleep is still patchy.",
    "That is good to hear. Shall we look at the sleep diary on Thursday?",
    "Yes, Thursday works for me.",
    "I have added two short notes to the diary.",
]


def _organisation() -> Organisation:
    organisation, _created = Organisation.objects.get_or_create(name="Bench Practice")
    return organisation


def users(n: int, *, tag: str, role: str) -> list[User]:
    organisation = None if role == User.Role.PATIENT else _organisation()
    return User.objects.bulk_create(
        [
            User(
                email=f"bench-{tag}-{role}-{i}@example.test",
                full_name=f"Bench {role.title()} {tag} {i:05d}",
                role=role,
                organisation=organisation,
                password="!",  # noqa: S106 - unusable: nobody signs in with a password
            )
            for i in range(n)
        ],
        batch_size=500,
    )


def sessions(people: list[User]) -> dict:
    """A signed-in session per user, written directly to the session table: user id -> key."""
    store = SessionStore()
    expire = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    keys = {}
    rows = []
    for user in people:
        key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: BACKEND,
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        rows.append(
            UserSession(
                session_key=key, session_data=store.encode(data), expire_date=expire, user=user
            )
        )
        keys[user.pk] = key
    UserSession.objects.bulk_create(rows, batch_size=500)
    return keys


def workspaces_for(patients: list[User], *, now=None) -> list[Workspace]:
    now = now or timezone.now()
    return Workspace.objects.bulk_create(
        [
            Workspace(patient=p, last_activity_at=now - timedelta(days=i % 12))
            for i, p in enumerate(patients)
        ],
        batch_size=500,
    )


def messaging_pairs(n: int, *, tag: str) -> list[dict]:
    """``n`` patients, each with one GP in an active care team and their team thread."""
    patients = users(n, tag=tag, role=User.Role.PATIENT)
    clinicians = users(n, tag=tag, role=User.Role.GP)
    workspaces = workspaces_for(patients)
    now = timezone.now()
    CareTeamMembership.objects.bulk_create(
        [
            CareTeamMembership(
                workspace=w,
                clinician=c,
                role=CareTeamMembership.Role.GP,
                status=CareTeamMembership.Status.ACTIVE,
                started_at=now,
            )
            for w, c in zip(workspaces, clinicians, strict=True)
        ]
    )
    threads = Thread.objects.bulk_create(
        [Thread(workspace=w, kind=Thread.Kind.TEAM) for w in workspaces]
    )
    keys = sessions(patients + clinicians)
    return [
        {
            "patient": str(p.pk),
            "clinician": str(c.pk),
            "thread": str(t.pk),
            "patient_session": keys[p.pk],
            "clinician_session": keys[c.pk],
        }
        for p, c, t in zip(patients, clinicians, threads, strict=True)
    ]


def _responses(workspaces: list[Workspace], per_instrument: int, rng: random.Random) -> list:
    known = instruments()
    now = timezone.now()
    rows = []
    for w in workspaces:
        for code in ("phq9", "gad7"):
            definition = known[code]
            top = max(band.max for band in definition.bands)
            for k in range(per_instrument):
                total = rng.randint(0, top)
                rows.append(
                    Response(
                        workspace=w,
                        instrument=code,
                        instrument_version=definition.version,
                        status=Response.Status.COMPLETED,
                        answers={},
                        total=total,
                        band=definition.band_for(total).code,
                        completed_at=now - timedelta(days=14 * (per_instrument - k)),
                    )
                )
    return rows


def _conversation(threads_and_senders, per_thread: int) -> list[Message]:
    now = timezone.now()
    rows = []
    for thread, patient, clinician in threads_and_senders:
        for s in range(1, per_thread + 1):
            rows.append(
                Message(
                    thread=thread,
                    sequence=s,
                    client_id=uuid.uuid4(),
                    sender=patient if s % 2 else clinician,
                    body=LINES[s % len(LINES)],
                    created_at=now - timedelta(hours=per_thread - s),
                )
            )
        thread.last_sequence = per_thread
        thread.last_message_at = now
    return rows


def caseload(clinician: User, size: int, *, tag: str, seed: int = 7) -> list[Workspace]:
    """``size`` active patients of ``clinician``, as a busy list looks: everyone shares progress
    and measures, every other patient habits; activity spread over 12 days; open alerts on every
    third (urgent on every fifth); review dates around today; a team thread of 6 messages each
    (the last two unread by the clinician); PHQ-9 and GAD-7 scored three times each."""
    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate()
    patients = users(size, tag=tag, role=User.Role.PATIENT)
    workspaces = workspaces_for(patients, now=now)
    memberships = CareTeamMembership.objects.bulk_create(
        [
            CareTeamMembership(
                workspace=w,
                clinician=clinician,
                role=CareTeamMembership.Role.GP,
                status=CareTeamMembership.Status.ACTIVE,
                started_at=now - timedelta(days=60),
            )
            for w in workspaces
        ],
        batch_size=500,
    )
    perms = {
        s: Permission.objects.get(content_type__app_label="care", codename=s.codename)
        for s in (Section.PROGRESS, Section.MEASURES, Section.HABITS)
    }
    shared = [
        WorkspaceUserObjectPermission(user=clinician, content_object=w, permission=perms[s])
        for w in workspaces
        for s in (Section.PROGRESS, Section.MEASURES)
    ] + [
        WorkspaceUserObjectPermission(
            user=clinician, content_object=w, permission=perms[Section.HABITS]
        )
        for w in workspaces[::2]
    ]
    WorkspaceUserObjectPermission.objects.bulk_create(shared, batch_size=500)
    Alert.objects.bulk_create(
        [
            Alert(workspace=w, kind=AlertKind.INACTIVITY, severity="routine", section="progress")
            for w in workspaces[::3]
        ]
        + [
            Alert(workspace=w, kind=AlertKind.RISK, severity="urgent", section="measures")
            for w in workspaces[::5]
        ],
        batch_size=500,
    )
    CareCadence.objects.bulk_create(
        [
            CareCadence(membership=m, next_review_on=today + timedelta(days=(i % 3) - 1))
            for i, m in enumerate(memberships[::2])
        ],
        batch_size=500,
    )
    threads = Thread.objects.bulk_create(
        [Thread(workspace=w, kind=Thread.Kind.TEAM) for w in workspaces], batch_size=500
    )
    Message.objects.bulk_create(
        _conversation(zip(threads, patients, [clinician] * size, strict=True), 6),
        batch_size=1000,
    )
    Thread.objects.bulk_update(threads, ["last_sequence", "last_message_at"], batch_size=500)
    ReadMark.objects.bulk_create(
        [ReadMark(thread=t, user=clinician, last_read_sequence=4) for t in threads],
        batch_size=500,
    )
    Response.objects.bulk_create(_responses(workspaces, 3, rng), batch_size=1000)
    return workspaces


def dashboard_patient(size: int, *, tag: str, seed: int = 11) -> User:
    """A patient with a GP and a therapist, ``size`` messages in the team thread and ``size``
    scored questionnaires (half PHQ-9, half GAD-7)."""
    rng = random.Random(seed)
    (patient,) = users(1, tag=tag, role=User.Role.PATIENT)
    gp, therapist = users(2, tag=tag, role=User.Role.GP)
    (workspace,) = workspaces_for([patient])
    now = timezone.now()
    CareTeamMembership.objects.bulk_create(
        [
            CareTeamMembership(
                workspace=workspace,
                clinician=c,
                role=role,
                status=CareTeamMembership.Status.ACTIVE,
                started_at=now,
            )
            for c, role in ((gp, "gp"), (therapist, "therapist"))
        ]
    )
    thread = Thread.objects.create(workspace=workspace, kind=Thread.Kind.TEAM)
    Message.objects.bulk_create(_conversation([(thread, patient, gp)], size), batch_size=1000)
    thread.save(update_fields=["last_sequence", "last_message_at"])
    Response.objects.bulk_create(_responses([workspace], max(1, size // 2), rng), batch_size=1000)
    return patient


def long_thread(n: int, *, tag: str, batch: int = 5000) -> tuple[Thread, User, User]:
    """One team thread holding ``n`` messages (bulk insert in batches)."""
    (patient,) = users(1, tag=tag, role=User.Role.PATIENT)
    (gp,) = users(1, tag=tag, role=User.Role.GP)
    (workspace,) = workspaces_for([patient])
    CareTeamMembership.objects.create(
        workspace=workspace,
        clinician=gp,
        role=CareTeamMembership.Role.GP,
        status=CareTeamMembership.Status.ACTIVE,
        started_at=timezone.now(),
    )
    thread = Thread.objects.create(workspace=workspace, kind=Thread.Kind.TEAM)
    start = timezone.now() - timedelta(minutes=n)
    for first in range(1, n + 1, batch):
        Message.objects.bulk_create(
            [
                Message(
                    thread=thread,
                    sequence=s,
                    client_id=uuid.uuid4(),
                    sender=patient if s % 2 else gp,
                    body=LINES[s % len(LINES)],
                    created_at=start + timedelta(minutes=s),
                )
                for s in range(first, min(first + batch, n + 1))
            ],
            batch_size=batch,
        )
    thread.last_sequence = n
    thread.last_message_at = timezone.now()
    thread.save(update_fields=["last_sequence", "last_message_at"])
    return thread, patient, gp


def service_courses(n: int, *, tag: str, seed: int = 13) -> User:
    """``n`` ended courses of the bench organisation over the last year, in two teams, each
    with a PHQ-9/GAD-7 pair at the start and at the end, and a manager to read the report.
    Returns the manager."""
    from accounts.models import Team
    from care.models import Course

    rng = random.Random(seed)  # noqa: S311 - made-up bench data
    organisation = _organisation()
    teams = [
        Team.objects.get_or_create(organisation=organisation, name=f"Bench team {tag} {k}")[0]
        for k in range(2)
    ]
    leads = users(2, tag=f"{tag}-lead", role=User.Role.GP)
    for lead, team in zip(leads, teams, strict=True):
        lead.team = team
    User.objects.bulk_update(leads, ["team"])
    (manager,) = users(1, tag=f"{tag}-manager", role=User.Role.ORG_ADMIN)
    patients = users(n, tag=f"{tag}-course", role=User.Role.PATIENT)
    now = timezone.now()
    spaces = Workspace.objects.bulk_create(
        [Workspace(patient=p, last_activity_at=now) for p in patients], batch_size=1000
    )
    courses, responses = [], []
    for i, workspace in enumerate(spaces):
        lead = leads[i % 2]
        started = now - timedelta(days=rng.randint(60, 360))
        ended = started + timedelta(days=rng.randint(30, 55))
        courses.append(
            Course(
                workspace=workspace,
                started_how="prescribed",
                started_at=started,
                organisation=organisation,
                team=lead.team,
                lead=lead,
                status="ended",
                ended_at=ended,
                ended_how="discharged",
            )
        )
        start_phq, start_gad = rng.randint(8, 24), rng.randint(6, 19)
        end_phq, end_gad = rng.randint(0, start_phq), rng.randint(0, start_gad)
        for code, total, when in (
            ("phq9", start_phq, started + timedelta(days=1)),
            ("gad7", start_gad, started + timedelta(days=1, hours=1)),
            ("phq9", end_phq, ended - timedelta(days=1)),
            ("gad7", end_gad, ended - timedelta(hours=20)),
        ):
            responses.append(
                Response(
                    workspace=workspace,
                    instrument=code,
                    instrument_version="1",
                    status=Response.Status.COMPLETED,
                    total=total,
                    completed_at=when,
                )
            )
    Course.objects.bulk_create(courses, batch_size=1000)
    Response.objects.bulk_create(responses, batch_size=2000)
    return manager
