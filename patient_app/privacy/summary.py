"""The patient's data in words: the export of ``care.privacy`` turned into labelled groups.

One source of truth: everything shown here is read from ``privacy.workspace_export`` (the same
rows as the JSON download). Only display names the export refers to by id are looked up (people,
programmes, exercises and consent permissions): four small queries, whatever the size of the
export. Internal field names, ids, password hashes, tokens and flags never reach the page:
each group says what it holds in plain sentences and lists the latest few items.

``EXPORT_GROUPS`` assigns every exported model to a group; a test fails if a model of the
export is in none (it would otherwise show only under "Other records").
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language_info, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from care.sections import Section

LATEST = 5  # items listed per group; the rest are counted


@dataclass
class Group:
    key: str
    title: str
    lines: list[str] = field(default_factory=list)  # what is stored, in sentences
    items: list[str] = field(default_factory=list)  # the latest few, in words
    items_title: str = ""


# Every exported model, by group key (order = order on the page and in the PDF).
GROUPS = [
    ("about", gettext_lazy("About you")),
    ("care_team", gettext_lazy("Care team and sharing")),
    ("progress", gettext_lazy("Programme progress")),
    ("goals", gettext_lazy("Goals and habits")),
    ("checkins", gettext_lazy("Check-ins")),
    ("measures", gettext_lazy("Questionnaires")),
    ("crisis_plan", gettext_lazy("Crisis plan")),
    ("network_map", gettext_lazy("Network map")),
    ("journal", gettext_lazy("Journal and exercise answers")),
    ("messages", gettext_lazy("Messages")),
    ("forum", gettext_lazy("Peer support forum")),
    ("access_log", gettext_lazy("Who has seen your data")),
]
EXPORT_GROUPS = {
    "accounts.User": "about",
    "care.Workspace": "about",
    "reminders.Setting": "about",
    "reminders.QuietHours": "about",
    "reminders.Delivery": "about",
    "care.CareTeamMembership": "care_team",
    "care.Course": "care_team",
    "care.RelativeAccess": "care_team",
    "care.WorkspaceUserObjectPermission": "care_team",
    "messaging.ReplyAgreement": "care_team",
    "alerts.Alert": "care_team",
    "alerts.AlertTrigger": "care_team",
    "alerts.CareCadence": "care_team",
    "alerts.Review": "care_team",
    "guidance.GuidanceEntry": "care_team",
    "content.Enrolment": "progress",
    "content.Prescription": "progress",
    "content.PageProgress": "progress",
    "goals.Ladder": "goals",
    "goals.Step": "goals",
    "goals.Proposal": "goals",
    "goals.Comment": "goals",
    "goals.LadderChange": "goals",
    "goals.Habit": "goals",
    "goals.HabitCheck": "goals",
    "toolbox.CheckIn": "checkins",
    "measures.Response": "measures",
    "measures.SafetyEvent": "measures",
    "measures.Schedule": "measures",
    "measures.Reminder": "measures",
    "measures.PersonalItem": "measures",
    "measures.PersonalCheck": "measures",
    "measures.PersonalRating": "measures",
    "toolbox.CrisisPlanItem": "crisis_plan",
    "toolbox.CrisisPlanSuggestion": "crisis_plan",
    "toolbox.NetworkContact": "network_map",
    "toolbox.JournalEntry": "journal",
    "content.ExerciseAnswer": "journal",
    "content.AnswerFeedback": "journal",
    "messaging.Thread": "messages",
    "messaging.Message": "messages",
    "messaging.MessageRevision": "messages",
    "messaging.Attachment": "messages",
    "messaging.ReadMark": "messages",
    "messaging.PendingNotice": "messages",
    "forum.Member": "forum",
    "forum.Topic": "forum",
    "forum.Post": "forum",
    "forum.Report": "forum",
    "forum.Reaction": "forum",
    "records.AccessLogEntry": "access_log",
}


# --- words for values ----------------------------------------------------------------------


def _when(value: Any) -> datetime | date | None:
    if not value:
        return None
    if isinstance(value, datetime | date):
        return value
    text = str(value)
    try:
        if "T" in text:
            return datetime.fromisoformat(text.replace("Z", "+00:00"))
        return date.fromisoformat(text)
    except ValueError:
        return None


def day(value: Any) -> str:
    """A date in the person's locale (their zone is active for the request)."""
    moment = _when(value)
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        moment = timezone.localtime(moment) if timezone.is_aware(moment) else moment
        moment = moment.date()
    return date_format(moment, "DATE_FORMAT")


def choice(label: str, field_name: str, value: Any) -> str:
    """The human label of a choice field's stored value (the value itself if unknown)."""
    try:
        found = apps.get_model(label)._meta.get_field(field_name)
    except (LookupError, FieldDoesNotExist):
        return str(value)
    return str(dict(found.flatchoices).get(value, value))


def _short(text: Any, limit: int = 80) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _latest(rows: list[dict], key: str) -> list[dict]:
    return sorted(rows, key=lambda row: str(row.get(key) or ""), reverse=True)


def _count(n: int, text: str) -> str:
    """``text`` is ``ngettext(singular, plural, n)`` written at the call, so that the catalogue
    extraction sees both forms."""
    return text % {"n": n}


# --- display names the export refers to by id ----------------------------------------------


@dataclass
class Names:
    people: dict[str, str]
    roles: dict[str, str]
    programmes: dict[str, str]
    exercises: dict[str, str]
    permissions: dict[str, str]

    def person(self, pk: Any) -> str:
        return self.people.get(str(pk), _("someone no longer on the platform"))


def names_for(export: dict[str, list[dict]]) -> Names:
    """Queries: 4 (people, programmes, exercises, permissions), each only if referenced."""
    from accounts.models import User
    from content.models import Exercise, Programme

    people_ids = {
        str(row[key])
        for label, keys in {
            "care.CareTeamMembership": ("clinician",),
            "messaging.Message": ("sender",),
            "goals.Comment": ("author",),
            "goals.Proposal": ("proposed_by",),
            "toolbox.CrisisPlanSuggestion": ("suggested_by",),
            "content.AnswerFeedback": ("author",),
            "care.WorkspaceUserObjectPermission": ("user",),
        }.items()
        for row in export.get(label, [])
        for key in keys
        if row.get(key)
    }
    people, roles = {}, {}
    if people_ids:
        for pk, name, role in User.objects.filter(pk__in=people_ids).values_list(
            "pk", "full_name", "role"
        ):
            people[str(pk)], roles[str(pk)] = name, choice("accounts.User", "role", role)
    programme_ids = {
        str(row["programme"]) for row in export.get("content.Enrolment", []) if row.get("programme")
    }
    exercise_ids = {
        str(row["exercise"])
        for row in export.get("content.ExerciseAnswer", [])
        if row.get("exercise")
    }
    permission_ids = {
        row["permission"] for row in export.get("care.WorkspaceUserObjectPermission", [])
    }
    return Names(
        people=people,
        roles=roles,
        programmes={
            str(pk): title
            for pk, title in Programme.objects.filter(pk__in=programme_ids).values_list(
                "pk", "title"
            )
        }
        if programme_ids
        else {},
        exercises={
            str(pk): title
            for pk, title in Exercise.objects.filter(pk__in=exercise_ids).values_list("pk", "title")
        }
        if exercise_ids
        else {},
        permissions={
            str(pk): codename
            for pk, codename in Permission.objects.filter(pk__in=permission_ids).values_list(
                "pk", "codename"
            )
        }
        if permission_ids
        else {},
    )


# --- one builder per group -----------------------------------------------------------------


def _about(group: Group, export: dict, names: Names) -> None:
    for user in export.get("accounts.User", []):
        languages = dict(settings.LANGUAGES)
        group.lines += [
            _("Name: %(name)s") % {"name": user.get("full_name") or _("(not given)")},
            _("E-mail address: %(email)s") % {"email": user.get("email", "")},
            _("Language: %(language)s")
            % {"language": languages.get(user.get("language"), user.get("language", ""))},
            _("Time zone: %(zone)s") % {"zone": user.get("timezone", "")},
            _("E-mail when a new message arrives: %(answer)s")
            % {"answer": _("yes") if user.get("message_notifications") else _("no")},
            _("Account made on %(day)s") % {"day": day(user.get("date_joined"))},
        ]
        if user.get("last_login"):
            group.lines.append(_("Last signed in on %(day)s") % {"day": day(user["last_login"])})
    for workspace in export.get("care.Workspace", []):
        group.lines.append(
            _("Your workspace was made on %(day)s") % {"day": day(workspace.get("created_at"))}
        )


def _care_team(group: Group, export: dict, names: Names) -> None:
    memberships = export.get("care.CareTeamMembership", [])
    shared: dict[str, list[str]] = {}
    for row in export.get("care.WorkspaceUserObjectPermission", []):
        codename = names.permissions.get(str(row.get("permission")), "")
        if codename.startswith("share_"):
            try:
                section = Section.from_codename(codename)
            except ValueError:
                continue
            shared.setdefault(str(row.get("user")), []).append(section)
    active = [m for m in memberships if m.get("status") == "active"]
    group.lines.append(
        _count(
            len(active),
            ngettext(
                "%(n)d person in your care team now.",
                "%(n)d people in your care team now.",
                len(active),
            ),
        )
    )
    others = len(memberships) - len(active)
    if others:
        group.lines.append(
            _count(
                others,
                ngettext(
                    "%(n)d earlier or pending invitation or membership.",
                    "%(n)d earlier or pending invitations or memberships.",
                    others,
                ),
            )
        )
    group.items_title = _("Your care team")
    for m in _latest(memberships, "created_at"):
        who = names.person(m.get("clinician"))
        role = choice("care.CareTeamMembership", "role", m.get("role"))
        status = choice("care.CareTeamMembership", "status", m.get("status"))
        line = _("%(who)s (%(role)s): %(status)s") % {"who": who, "role": role, "status": status}
        if m.get("status") == "active":
            order = list(Section)
            sections = [
                str(s.label)
                for s in sorted(shared.get(str(m.get("clinician")), []), key=order.index)
            ]
            line += " · " + _("since %(day)s") % {
                "day": day(m.get("started_at") or m.get("created_at"))
            }
            line += " · " + (
                _("sees: %(sections)s") % {"sections": ", ".join(sections)}
                if sections
                else _("sees nothing yet")
            )
        elif m.get("ended_at"):
            line += " · " + _("ended on %(day)s") % {"day": day(m["ended_at"])}
        group.items.append(line)
    alerts = export.get("alerts.Alert", [])
    if alerts:
        group.lines.append(
            _count(
                len(alerts),
                ngettext(
                    "%(n)d alert your care team kept about you.",
                    "%(n)d alerts your care team kept about you.",
                    len(alerts),
                ),
            )
        )
    reviews = export.get("alerts.Review", [])
    if reviews:
        group.lines.append(
            _count(len(reviews), ngettext("%(n)d review.", "%(n)d reviews.", len(reviews)))
        )
    minutes = sum(int(row.get("minutes") or 0) for row in export.get("guidance.GuidanceEntry", []))
    if minutes:
        group.lines.append(
            _count(
                minutes,
                ngettext(
                    "Your care team recorded %(n)d minute of support.",
                    "Your care team recorded %(n)d minutes of support.",
                    minutes,
                ),
            )
        )
    agreements = export.get("messaging.ReplyAgreement", [])
    if agreements:
        group.lines.append(
            _count(
                len(agreements),
                ngettext(
                    "%(n)d agreement about how soon messages are answered.",
                    "%(n)d agreements about how soon messages are answered.",
                    len(agreements),
                ),
            )
        )


def _progress(group: Group, export: dict, names: Names) -> None:
    enrolments = export.get("content.Enrolment", [])
    pages = export.get("content.PageProgress", [])
    if not enrolments:
        group.lines.append(_("You have not started a programme."))
    for row in enrolments:
        title = names.programmes.get(str(row.get("programme")), _("a programme"))
        line = _("%(programme)s: %(status)s") % {
            "programme": title,
            "status": choice("content.Enrolment", "status", row.get("status")),
        }
        if row.get("last_visited_at"):
            line += " · " + _("last visited on %(day)s") % {"day": day(row["last_visited_at"])}
        group.lines.append(line)
    if pages:
        done = sum(1 for row in pages if row.get("completed_at"))
        group.lines.append(
            _("%(visited)s visited, %(done)d finished.")
            % {
                "visited": _count(len(pages), ngettext("%(n)d page", "%(n)d pages", len(pages))),
                "done": done,
            }
        )
    prescriptions = export.get("content.Prescription", [])
    if prescriptions:
        group.lines.append(
            _count(
                len(prescriptions),
                ngettext(
                    "%(n)d programme suggested by your care team.",
                    "%(n)d programmes suggested by your care team.",
                    len(prescriptions),
                ),
            )
        )


def _goals(group: Group, export: dict, names: Names) -> None:
    ladders = export.get("goals.Ladder", [])
    steps = export.get("goals.Step", [])
    habits = export.get("goals.Habit", [])
    checks = export.get("goals.HabitCheck", [])
    done = sum(1 for s in steps if s.get("state") == "done")
    group.lines += [
        _count(len(ladders), ngettext("%(n)d goal ladder.", "%(n)d goal ladders.", len(ladders))),
        _("%(steps)s, %(done)d done.")
        % {
            "steps": _count(len(steps), ngettext("%(n)d step", "%(n)d steps", len(steps))),
            "done": done,
        },
        _count(len(habits), ngettext("%(n)d habit.", "%(n)d habits.", len(habits)))
        + " "
        + _count(
            len(checks), ngettext("%(n)d day ticked off.", "%(n)d days ticked off.", len(checks))
        ),
    ]
    comments = export.get("goals.Comment", [])
    proposals = export.get("goals.Proposal", [])
    if comments or proposals:
        group.lines.append(
            _("%(comments)s and %(proposals)s from your care team or you.")
            % {
                "comments": _count(
                    len(comments), ngettext("%(n)d comment", "%(n)d comments", len(comments))
                ),
                "proposals": _count(
                    len(proposals),
                    ngettext("%(n)d suggestion", "%(n)d suggestions", len(proposals)),
                ),
            }
        )
    group.items_title = _("Latest goals and habits")
    for row in _latest(ladders, "created_at")[:LATEST]:
        line = _("Goal: %(title)s (made on %(day)s)") % {
            "title": _short(row.get("title")),
            "day": day(row.get("created_at")),
        }
        if row.get("archived_at"):
            line += " · " + _("put away")
        group.items.append(line)
    for row in _latest(habits, "created_at")[:LATEST]:
        group.items.append(
            _("Habit: %(name)s (from %(day)s)")
            % {"name": _short(row.get("name")), "day": day(row.get("start_date"))}
        )


def _checkins(group: Group, export: dict, names: Names) -> None:
    rows = _latest(export.get("toolbox.CheckIn", []), "day")
    if not rows:
        group.lines.append(_("No check-ins."))
        return
    private = sum(1 for row in rows if row.get("private"))
    group.lines.append(
        _("%(count)s, from %(first)s to %(last)s.")
        % {
            "count": _count(len(rows), ngettext("%(n)d check-in", "%(n)d check-ins", len(rows))),
            "first": day(rows[-1].get("day")),
            "last": day(rows[0].get("day")),
        }
    )
    if private:
        group.lines.append(
            _count(
                private,
                ngettext("%(n)d of them is private.", "%(n)d of them are private.", private),
            )
        )
    group.items_title = _("Latest check-ins (scores from 1 to 5)")
    for row in rows[:LATEST]:
        group.items.append(
            _("%(day)s: mood %(mood)s, symptoms %(symptoms)s, energy %(energy)s, sleep %(sleep)s")
            % {
                "day": day(row.get("day")),
                "mood": row.get("mood"),
                "symptoms": row.get("symptoms"),
                "energy": row.get("energy"),
                "sleep": row.get("sleep"),
            }
        )


def _measures(group: Group, export: dict, names: Names) -> None:
    from measures.definitions import instruments

    known = instruments()
    responses = export.get("measures.Response", [])
    finished = _latest([r for r in responses if r.get("completed_at")], "completed_at")
    group.lines.append(
        _("%(finished)s, %(open)d not finished.")
        % {
            "finished": _count(
                len(finished),
                ngettext(
                    "%(n)d questionnaire answered", "%(n)d questionnaires answered", len(finished)
                ),
            ),
            "open": len(responses) - len(finished),
        }
    )
    schedules = [s for s in export.get("measures.Schedule", []) if s.get("active")]
    for row in schedules:
        instrument = known.get(row.get("instrument"))
        group.lines.append(
            _("%(name)s is planned every %(weeks)s weeks from %(day)s.")
            % {
                "name": instrument.name if instrument else row.get("instrument"),
                "weeks": row.get("every_weeks"),
                "day": day(row.get("starts_on")),
            }
        )
    personal = export.get("measures.PersonalItem", [])
    if personal:
        group.lines.append(
            _count(
                len(personal),
                ngettext(
                    "%(n)d question of your own.", "%(n)d questions of your own.", len(personal)
                ),
            )
        )
    group.items_title = _("Latest answers")
    for row in finished[:LATEST]:
        instrument = known.get(row.get("instrument"))
        name = instrument.name if instrument else row.get("instrument")
        line = _("%(day)s: %(name)s, score %(total)s") % {
            "day": day(row.get("completed_at")),
            "name": name,
            "total": row.get("total") if row.get("total") is not None else "—",
        }
        if instrument and row.get("band"):
            bands = {band.code: band.label for band in instrument.bands}
            line += f" ({bands.get(row['band'], row['band'])})"
        language = row.get("language") or "en"
        if language != "en":
            line += ", " + _("answered in %(language)s") % {
                "language": get_language_info(language)["name_translated"]
            }
        group.items.append(line)


def _crisis_plan(group: Group, export: dict, names: Names) -> None:
    items = export.get("toolbox.CrisisPlanItem", [])
    suggestions = export.get("toolbox.CrisisPlanSuggestion", [])
    group.lines.append(
        _count(
            len(items),
            ngettext("%(n)d line in your plan.", "%(n)d lines in your plan.", len(items)),
        )
    )
    if suggestions:
        group.lines.append(
            _count(
                len(suggestions),
                ngettext(
                    "%(n)d suggestion from your care team.",
                    "%(n)d suggestions from your care team.",
                    len(suggestions),
                ),
            )
        )
    group.items_title = _("Your plan")
    for row in items:
        kind = choice("toolbox.CrisisPlanItem", "kind", row.get("kind"))
        line = f"{kind}: {_short(row.get('text'))}"
        if row.get("contact"):
            line += f" ({_short(row['contact'], 40)})"
        group.items.append(line)


def _network_map(group: Group, export: dict, names: Names) -> None:
    rows = export.get("toolbox.NetworkContact", [])
    group.lines.append(
        _count(
            len(rows), ngettext("%(n)d person or service.", "%(n)d people or services.", len(rows))
        )
    )
    group.items_title = _("On your map")
    for row in sorted(rows, key=lambda r: str(r.get("name", "")).lower()):
        group.items.append(
            f"{_short(row.get('name'), 60)} ({choice('toolbox.NetworkContact', 'kind', row.get('kind'))})"
        )


def _journal(group: Group, export: dict, names: Names) -> None:
    entries = _latest(export.get("toolbox.JournalEntry", []), "created_at")
    answers = _latest(export.get("content.ExerciseAnswer", []), "created_at")
    shared = sum(1 for e in entries if e.get("shared"))
    group.lines += [
        _("%(entries)s, %(shared)d shared with your care team.")
        % {
            "entries": _count(
                len(entries), ngettext("%(n)d journal entry", "%(n)d journal entries", len(entries))
            ),
            "shared": shared,
        },
        _count(
            len(answers),
            ngettext("%(n)d answer to an exercise.", "%(n)d answers to exercises.", len(answers)),
        ),
    ]
    feedback = export.get("content.AnswerFeedback", [])
    if feedback:
        group.lines.append(
            _count(
                len(feedback),
                ngettext(
                    "%(n)d reply from your care team to your answers.",
                    "%(n)d replies from your care team to your answers.",
                    len(feedback),
                ),
            )
        )
    group.items_title = _("Latest")
    for row in entries[:LATEST]:
        group.items.append(
            _("Journal, %(day)s: %(title)s")
            % {
                "day": day(row.get("created_at")),
                "title": _short(row.get("title") or row.get("body")),
            }
        )
    for row in answers[:LATEST]:
        group.items.append(
            _("Exercise, %(day)s: %(title)s")
            % {
                "day": day(row.get("created_at")),
                "title": names.exercises.get(str(row.get("exercise")), _("an exercise")),
            }
        )


def _messages(group: Group, export: dict, names: Names) -> None:
    threads = export.get("messaging.Thread", [])
    messages = _latest(export.get("messaging.Message", []), "created_at")
    files = export.get("messaging.Attachment", [])
    senders = Counter(str(m.get("sender")) for m in messages)
    group.lines.append(
        _("%(messages)s in %(threads)s.")
        % {
            "messages": _count(
                len(messages), ngettext("%(n)d message", "%(n)d messages", len(messages))
            ),
            "threads": _count(
                len(threads), ngettext("%(n)d conversation", "%(n)d conversations", len(threads))
            ),
        }
    )
    if files:
        group.lines.append(
            _count(
                len(files), ngettext("%(n)d attached file.", "%(n)d attached files.", len(files))
            )
        )
    if messages:
        group.lines.append(
            _("The latest on %(day)s.") % {"day": day(messages[0].get("created_at"))}
        )
    group.items_title = _("Who wrote")
    for sender, n in senders.most_common(LATEST):
        group.items.append(
            ngettext("%(who)s: %(n)d message", "%(who)s: %(n)d messages", n)
            % {"who": names.person(sender), "n": n}
        )


def _forum(group: Group, export: dict, names: Names) -> None:
    members = export.get("forum.Member", [])
    if not members:
        group.lines.append(_("You have not joined the peer support forum."))
        return
    member = members[0]
    posts = _latest(export.get("forum.Post", []), "created_at")
    group.lines.append(
        _("Your forum name: %(handle)s, since %(day)s.")
        % {"handle": member.get("handle"), "day": day(member.get("joined_at"))}
    )
    group.lines.append(
        _("%(posts)s; %(topics)s started; %(reports)s made; %(helped)s.")
        % {
            "posts": _count(len(posts), ngettext("%(n)d post", "%(n)d posts", len(posts))),
            "topics": _count(
                len(export.get("forum.Topic", [])),
                ngettext("%(n)d topic", "%(n)d topics", len(export.get("forum.Topic", []))),
            ),
            "reports": _count(
                len(export.get("forum.Report", [])),
                ngettext("%(n)d report", "%(n)d reports", len(export.get("forum.Report", []))),
            ),
            "helped": _count(
                len(export.get("forum.Reaction", [])),
                ngettext(
                    "%(n)d post marked as helpful",
                    "%(n)d posts marked as helpful",
                    len(export.get("forum.Reaction", [])),
                ),
            ),
        }
    )
    for row in posts[:LATEST]:
        group.items.append(
            _("Post, %(day)s: %(text)s")
            % {"day": day(row.get("created_at")), "text": _short(row.get("body"))}
        )


def _access_log(group: Group, export: dict, names: Names) -> None:
    rows = _latest(export.get("records.AccessLogEntry", []), "created_at")
    people = {(row.get("actor_name"), row.get("actor_role")) for row in rows}
    if not rows:
        group.lines.append(_("Nobody but you has looked at your data."))
        return
    group.lines.append(
        _("%(reads)s by %(people)s.")
        % {
            "reads": _count(
                len(rows),
                ngettext("%(n)d look at your data", "%(n)d looks at your data", len(rows)),
            ),
            "people": _count(len(people), ngettext("%(n)d person", "%(n)d people", len(people))),
        }
    )
    if rows:
        group.lines.append(_("The latest on %(day)s.") % {"day": day(rows[0].get("created_at"))})


BUILDERS = {
    "about": _about,
    "care_team": _care_team,
    "progress": _progress,
    "goals": _goals,
    "checkins": _checkins,
    "measures": _measures,
    "crisis_plan": _crisis_plan,
    "network_map": _network_map,
    "journal": _journal,
    "messages": _messages,
    "forum": _forum,
    "access_log": _access_log,
}


def data_groups(export: dict[str, list[dict]]) -> list[Group]:
    """The export as labelled groups in words. Queries: at most 4 (``names_for``)."""
    names = names_for(export)
    groups = []
    for key, title in GROUPS:
        group = Group(key=key, title=str(title))
        BUILDERS[key](group, export, names)
        groups.append(group)
    other = sorted(label for label in export if label not in EXPORT_GROUPS and export[label])
    if other:
        group = Group(key="other", title=_("Other records"))
        for label in other:
            model = apps.get_model(label)
            group.lines.append(
                f"{str(model._meta.verbose_name_plural).capitalize()}: {len(export[label])}"
            )
        groups.append(group)
    return groups
