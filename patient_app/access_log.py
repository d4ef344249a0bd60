"""The patient's access log in words: one line per person and day, in the patient's zone.

Reads come from ``care.selectors`` (grouped in the database, so a page costs the same whatever
the log's size); this module only says them in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import User
from care.sections import Section

# What a logged section means, said as the object of "looked at ...".
_EXTRA_PHRASES = {
    "overview": gettext_lazy("your overview page"),
    "summary": gettext_lazy("the summary of your workspace"),
    "caseload": gettext_lazy("your line in their patient list"),
    "care_team": gettext_lazy("your care team"),
    "messages": gettext_lazy("your messages"),
    "message_attachment": gettext_lazy("a file attached to your messages"),
    "alerts": gettext_lazy("alerts your care team keeps about you"),
    "safety": gettext_lazy("your answer to a question about harming yourself"),
    "contact": gettext_lazy("who you are and how to reach you (as the duty contact)"),
    "timeline": gettext_lazy("the timeline of your programme"),
    "guidance": gettext_lazy("the time your care team spent supporting you"),
    "course": gettext_lazy("your course of care, to discharge you"),
}
# How it was read, where that tells the patient something (the website says nothing new).
_CHANNELS = {
    "api": gettext_lazy("through an app"),
    "socket": gettext_lazy("in an open page, as it changed"),
}

PERIODS = {"7": 7, "30": 30, "all": None}
PERIOD_LABELS = {
    "7": gettext_lazy("Last 7 days"),
    "30": gettext_lazy("Last 30 days"),
    "all": gettext_lazy("All"),
}
DEFAULT_PERIOD = "all"


def section_phrase(section: str) -> str:
    if section in Section.values:
        label = str(Section(section).label)
        return _("your %(section)s") % {"section": label[:1].lower() + label[1:]}
    if section in _EXTRA_PHRASES:
        return str(_EXTRA_PHRASES[section])
    return _("another part of your workspace")


def role_label(role: str) -> str:
    return str(dict(User.Role.choices).get(role, role))


@dataclass
class Line:
    text: str
    day: object
    first: datetime
    last: datetime


def describe(group: dict, sections: list[str], vias: list[str]) -> Line:
    """One sentence for one person's reads on one day, e.g. "Dr Kim Jensen (GP) looked at your
    goal ladders and your check-ins on Tuesday 1 December, 3 times between 09:12 and 09:40"."""
    first, last = timezone.localtime(group["first"]), timezone.localtime(group["last"])
    fmt = "l j F" if group["day"].year == timezone.localdate().year else "l j F Y"
    values = {
        "who": group["actor_name"] or _("Someone no longer on the platform"),
        "role": role_label(group["actor_role"]),
        "what": get_text_list([section_phrase(s) for s in sections], _("and")),
        "day": date_format(group["day"], fmt),
        "n": group["count"],
        "first": date_format(first, "H:i"),
        "last": date_format(last, "H:i"),
    }
    if group["count"] == 1:
        text = _("%(who)s (%(role)s) looked at %(what)s on %(day)s at %(first)s") % values
    else:
        text = (
            ngettext(
                "%(who)s (%(role)s) looked at %(what)s on %(day)s, %(n)d time between %(first)s and %(last)s",
                "%(who)s (%(role)s) looked at %(what)s on %(day)s, %(n)d times between %(first)s and %(last)s",
                group["count"],
            )
            % values
        )
    channels = [str(_CHANNELS[v]) for v in vias if v in _CHANNELS]
    if channels:
        text += ", " + get_text_list(channels, _("and"))
    return Line(text=text + ".", day=group["day"], first=first, last=last)


def period_start(period: str) -> datetime | None:
    days = PERIODS[period]
    if days is None:
        return None
    return timezone.now() - timedelta(days=days)
