"""The service report as the organisation's manager reads it (docs/service-report.md).

Composed here, in the face, from each domain's aggregates (``care.reports``,
``content.reports``, ``measures.reports``, ``alerts.reports``, ``messaging.reports``,
``guidance.reports``). Every count passes through :mod:`reports.suppression` before it is
shown, charted or downloaded: nothing below 5 is published and no hidden count can be worked
out from a table's totals. Rows are teams or clinicians, never patients.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Organisation, Team, User
from alerts import reports as alert_reports
from care import reports as care_reports
from care.reports import BY_TEAM, Period
from content import reports as content_reports
from guidance import reports as guidance_reports
from measures import reports as measure_reports
from messaging import reports as message_reports
from reports.suppression import THRESHOLD, Cell, rate, suppress_column

OTHER = "other"


@dataclass
class Column:
    key: str
    label: str
    kind: str = "count"  # "count", "rate" (a share) or "minutes"
    cells: list = field(default_factory=list)  # one per row: a Cell, or a float/None
    total: object = None

    def display(self, value) -> str:
        if isinstance(value, Cell):
            return value.display
        if value is None:
            return str(_("fewer than 5"))
        if self.kind == "rate":
            return f"{round(value * 100)}%"
        return _("%(n)s min") % {"n": round(value)}


@dataclass
class Section:
    key: str
    title: str
    note: str
    columns: list[Column]
    chart: str = ""  # the key of the rate or count column charted


@dataclass
class Report:
    period: Period
    by: str
    rows: list[str]  # row labels: team or clinician names, and "Other"
    sections: list[Section]
    total_label: str = gettext_lazy("All")

    def table(self, section: Section) -> list[list[str]]:
        """The section as text: a header, one line per row, and the total line."""
        lines = [[str(_("Team") if self.by == BY_TEAM else _("Clinician"))]]
        lines[0] += [c.label for c in section.columns]
        for index, label in enumerate(self.rows):
            lines.append([label, *[c.display(c.cells[index]) for c in section.columns]])
        lines.append([str(self.total_label), *[c.display(c.total) for c in section.columns]])
        return lines


def _row_keys(organisation: Organisation, by: str) -> list[tuple[object, str]]:
    if by == BY_TEAM:
        return [(t.pk, t.name) for t in Team.objects.filter(organisation=organisation)]
    clinicians = User.objects.filter(
        organisation=organisation, role__in=User.CLINICAL_ROLES
    ).order_by("full_name")
    return [(u.pk, u.full_name) for u in clinicians]


def _counts(keys: list, counter: Counter) -> list[int]:
    """One value per row; the "other" row (when listed) gathers every key without a row."""
    known = set(keys)
    return [
        sum(n for k, n in counter.items() if k not in known)
        if key == OTHER
        else counter.get(key, 0)
        for key in keys
    ]


def _count(key: str, label: str, keys: list, counter: Counter) -> Column:
    cells, total = suppress_column(_counts(keys, counter))
    return Column(key, label, cells=cells, total=total)


def _rate(key: str, label: str, numerator: Column, denominator: Column) -> Column:
    return Column(
        key,
        label,
        kind="rate",
        cells=[rate(n, d) for n, d in zip(numerator.cells, denominator.cells, strict=True)],
        total=rate(numerator.total, denominator.total),
    )


def _spread(key: str, label: str, keys: list, minutes: dict, pick) -> Column:
    """A figure over each row's list of minutes, shown only from 5 values up."""
    known = set(keys)
    lists = [
        [m for k, values in minutes.items() if k not in known for m in values]
        if key == OTHER
        else minutes.get(key, [])
        for key in keys
    ]
    everything = [m for values in minutes.values() for m in values]

    def figure(values):
        return pick(values) if len(values) >= THRESHOLD else None

    return Column(
        key,
        label,
        kind="minutes",
        cells=[figure(values) for values in lists],
        total=figure(everything),
    )


def _p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10, method="inclusive")[-1]


def _per(key: str, label: str, amount: list[int], per: Column) -> Column:
    """Minutes per course, where the number of courses is shown."""
    cells = [
        (value / cell.value) if cell.is_shown and cell.value else None
        for value, cell in zip(amount, per.cells, strict=True)
    ]
    total = sum(amount)
    return Column(
        key,
        label,
        kind="minutes",
        cells=cells,
        total=(total / per.total.value) if per.total.is_shown and per.total.value else None,
    )


def build(organisation: Organisation, period: Period, by: str) -> Report:
    """The whole report: a fixed number of queries whatever the number of courses."""
    courses = care_reports.scope(organisation, period, by)
    counts: dict[str, Counter] = {}
    counts.update(care_reports.invitation_counts(organisation, period, by))
    counts.update(care_reports.course_counts(courses, period))
    counts.update(content_reports.programme_counts(courses, period))
    counts.update(measure_reports.outcome_counts(courses, period))
    safety = alert_reports.safety_counts(courses, period)
    relationship = message_reports.relationship_counts(courses, period)
    minutes = guidance_reports.guidance_minutes(courses, period)
    in_care = Counter(course.row for course in courses)
    # A row is listed when anything at all happened in it in the period: a team or clinician
    # with no activity (and "no team" when every course has one) is left out, as a row of
    # zeros would be, rather than listed with every figure hidden.
    active = set(in_care)
    for counter in [*counts.values(), safety["risk_alerts"], relationship["messages"], minutes]:
        active.update(key for key, n in counter.items() if n)
    named = [(key, label) for key, label in _row_keys(organisation, by) if key in active]
    known = {key for key, _label in named}
    keys = [key for key, _label in named]
    labels = [label for _key, label in named]
    if active - known:
        keys.append(OTHER)
        labels.append(str(_("No team") if by == BY_TEAM else _("No lead clinician")))

    def count(key, label, source=None):
        return _count(key, label, keys, (source or counts)[key])

    funnel = Section(
        "funnel",
        _("From invitation to the end of a course"),
        _(
            "Invited and activated: invitations sent and accepted in the period. The other "
            "steps follow the courses that started in the period; finished: discharged in it."
        ),
        [
            count("invited", _("Invited")),
            count("activated", _("Activated")),
            count("courses_started", _("Started a course")),
            count("started_programme", _("Started the programme")),
            count(
                "completed_modules",
                _("Completed %(n)s modules") % {"n": content_reports.MODULES_FOR_ENGAGED},
            ),
            count("discharged", _("Finished")),
        ],
        chart="courses_started",
    )
    ended = count("courses_ended", _("Courses ending"))
    paired = count("paired", _("With paired measures"))
    caseness = count("caseness", _("At caseness at the start"))
    recovered = count("recovered", _("Recovered"))
    improved = count("reliable_improvement", _("Reliable improvement"))
    worse = count("reliable_deterioration", _("Reliable deterioration"))
    reliable_recovery = count("reliable_recovery", _("Reliable recovery"))
    outcomes = Section(
        "outcomes",
        _("Outcomes of the courses ending in the period"),
        _(
            "PHQ-9 and GAD-7 pairs from the start of each course to its end (answers up to 14 "
            "days after discharge count). Recovery rates are of those at caseness at the start; "
            "reliable change rates of those with paired measures (NHS Talking Therapies)."
        ),
        [
            ended,
            paired,
            caseness,
            recovered,
            _rate("recovery_rate", _("Recovery rate"), recovered, caseness),
            improved,
            _rate("improvement_rate", _("Reliable improvement rate"), improved, paired),
            worse,
            _rate("deterioration_rate", _("Reliable deterioration rate"), worse, paired),
            reliable_recovery,
            _rate(
                "reliable_recovery_rate",
                _("Reliable recovery rate"),
                reliable_recovery,
                caseness,
            ),
        ],
        chart="recovery_rate",
    )
    acks = safety["ack_minutes"]
    safety_section = Section(
        "safety",
        _("Safety"),
        _(
            "Risk alerts raised in the period (risk answers, very high first scores, forum posts "
            "that may show risk), minutes to the first acknowledgement, and escalations."
        ),
        [
            count("risk_alerts", _("Risk alerts"), safety),
            _spread(
                "ack_median", _("Minutes to acknowledge (median)"), keys, acks, statistics.median
            ),
            _spread("ack_p90", _("Minutes to acknowledge (90th percentile)"), keys, acks, _p90),
            count("escalations", _("Escalations"), safety),
        ],
        chart="risk_alerts",
    )
    courses_in_care = _count("in_care", _("Courses in care"), keys, in_care)
    agreements = count("agreements", _("Reply-time agreements"), relationship)
    kept = count("agreements_kept", _("Agreements kept"), relationship)
    relationship_section = Section(
        "relationship",
        _("Relationship"),
        _(
            "Messages in the period; reply-time agreements kept (no reply became overdue in the "
            "period); guidance minutes per course in care."
        ),
        [
            courses_in_care,
            count("messages", _("Messages"), relationship),
            agreements,
            kept,
            _rate("kept_rate", _("Agreements kept (share)"), kept, agreements),
            _per(
                "minutes_per_course",
                _("Guidance minutes per course"),
                _counts(keys, minutes),
                courses_in_care,
            ),
        ],
        chart="minutes_per_course",
    )
    return Report(
        period=period,
        by=by,
        rows=labels,
        sections=[funnel, outcomes, safety_section, relationship_section],
    )
