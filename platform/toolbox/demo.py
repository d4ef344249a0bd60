"""Demo toolbox for the demo patient: a week of check-ins, a crisis plan, a network map,
a couple of journal notes, and the demo organisation's emergency numbers. Idempotent."""

from __future__ import annotations

from datetime import timedelta

from care import services as care
from toolbox import services
from toolbox.models import (
    CheckIn,
    CrisisKind,
    CrisisPlanItem,
    JournalEntry,
    NetworkContact,
    OrganisationEmergencyNumber,
)

NUMBERS = [("Emergency (ambulance, police, fire)", "112"), ("Medical helpline", "1813")]
PLAN = [
    (CrisisKind.WARNING_SIGN, "I stop answering messages", ""),
    (CrisisKind.WARNING_SIGN, "I sleep less than five hours several nights in a row", ""),
    (CrisisKind.SELF_HELP, "Go for a slow walk round the lake", ""),
    (CrisisKind.SELF_HELP, "Breathing exercise from module 2", ""),
    (CrisisKind.HELPER, "My sister Ida", "+45 20 00 00 01"),
    (CrisisKind.HELPER, "The library reading room", ""),
    (CrisisKind.PROFESSIONAL, "Dr Kim Jensen, Demo Health Centre", "+45 30 00 00 02"),
    (CrisisKind.SAFER, "Ask Ida to keep the spare medicine", ""),
]
NETWORK = [
    ("Ida (sister)", "family", 1, {"emotional": True, "company": True}),
    ("Jonas", "friend", 2, {"company": True, "wants_more_contact": True}),
    ("Team at work", "colleague", 3, {"practical": True}),
    ("Dr Kim Jensen", "gp", 2, {"practical": True}),
    ("Walking group", "group", 3, {"company": True, "wants_more_contact": True}),
]


def seed(*, users) -> None:
    patient = users["patient@example.org"]
    gp = users["gp@example.org"]
    if gp.organisation_id:
        for position, (label, number) in enumerate(NUMBERS):
            OrganisationEmergencyNumber.objects.get_or_create(
                organisation_id=gp.organisation_id,
                label=label,
                defaults={"number": number, "position": position},
            )
    workspace = care.workspace_get_or_create(patient=patient)
    today = services.local_today(patient)
    if not CheckIn.objects.filter(workspace=workspace).exists():
        # The last week (as far back as a check-in may be filled in), with one missed day.
        for back in range(services.BACKFILL_DAYS, 0, -1):
            if back == 4:
                continue
            wave = (back % 5) - 2
            services.checkin_save(
                workspace=workspace,
                by=patient,
                day=today - timedelta(days=back),
                mood=max(1, min(5, 3 + wave // 2)),
                symptoms=max(1, min(5, 3 - wave // 2)),
                energy=max(1, min(5, 3 + (back % 3) - 1)),
                sleep=max(1, min(5, 4 - (back % 4) // 2)),
                activities="Walk" if back % 2 else "",
                private=back == 6,
            )
    if not CrisisPlanItem.objects.filter(workspace=workspace).exists():
        for kind, text, contact in PLAN:
            services.crisis_item_add(
                workspace=workspace, by=patient, kind=kind, text=text, contact=contact
            )
    if not NetworkContact.objects.filter(workspace=workspace).exists():
        for name, kind, closeness, flags in NETWORK:
            services.network_contact_save(
                workspace=workspace, by=patient, name=name, kind=kind, closeness=closeness, **flags
            )
    if not JournalEntry.objects.filter(workspace=workspace).exists():
        services.journal_entry_save(
            workspace=workspace,
            by=patient,
            title="A better morning",
            body="Slept longer and managed the walk. Small steps count.",
            shared=True,
        )
        services.journal_entry_save(
            workspace=workspace,
            by=patient,
            title="Just for me",
            body="Things I am not ready to share yet.",
        )
