"""The sections of a workspace a patient can share, one consent switch each.

Each section is a django-guardian object permission on the workspace, ``care.share_<section>``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Section(models.TextChoices):
    PROGRESS = "progress", _("Programme progress")
    GOALS = "goals", _("Goal ladders")
    HABITS = "habits", _("Habits and streaks")
    CHECKINS = "checkins", _("Check-ins")
    MEASURES = "measures", _("Questionnaires and scores")
    CRISIS_PLAN = "crisis_plan", _("Crisis plan")
    NETWORK_MAP = "network_map", _("Network map")
    JOURNAL = "journal", _("Exercise answers and journal")

    @property
    def codename(self) -> str:
        return f"share_{self.value}"

    @property
    def perm(self) -> str:
        return f"care.{self.codename}"

    @classmethod
    def from_codename(cls, codename: str) -> Section:
        return cls(codename.removeprefix("share_"))


SECTION_DESCRIPTIONS = {
    Section.PROGRESS: _(
        "Which modules and pages you have worked through, and when you were last active."
    ),
    Section.GOALS: _("Your goal ladders, their steps and your reflections on them."),
    Section.HABITS: _("Your habits and your 'Don't break the chain' streaks."),
    Section.CHECKINS: _(
        "Your daily check-ins (mood, symptoms, energy, sleep). Entries you mark private stay private."
    ),
    Section.MEASURES: _("Your questionnaire answers, scores and how they change over time."),
    Section.CRISIS_PLAN: _("Your crisis plan."),
    Section.NETWORK_MAP: _("The people and services around you."),
    Section.JOURNAL: _("Your answers to exercises and the journal entries you choose to share."),
}

SHARE_PERMISSIONS = [(s.codename, f"Shared: {s.label}") for s in Section]
