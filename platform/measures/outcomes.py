"""Outcome metrics as NHS Talking Therapies services count them, from paired PHQ-9 and GAD-7.

Everything about "recovery", "reliable improvement" and the like lives in this one module, so
that a later course-of-care boundary can re-base the metrics by passing its start to
:func:`outcome_for_workspace`. Two layers:

- :func:`outcome` is a pure function over two pairs of totals (baseline and latest). No database,
  no clock, no language: the words for patients and clinicians are properties of the result,
  translated when they are read.
- :func:`outcome_for_workspace` picks the baseline and latest pair from a workspace's completed
  responses (one query), optionally only from a given start, and calls :func:`outcome`; with
  fewer than two pairs it returns :class:`NotEnoughData` instead of computing anything.

Definitions (NHS Talking Therapies for anxiety and depression Manual; NHS Digital's published
measures use the same ones; see docs/measures.md, "Outcome metrics"):

- Caseness ("meets the clinical threshold"): PHQ-9 >= 10 or GAD-7 >= 8.
- Reliable change per measure: the instrument's threshold in its definition file (PHQ-9 6,
  GAD-7 4), lower is better; see :func:`measures.scoring.reliable_change`.
- Reliable improvement: at least one measure reliably improves and the other does not reliably
  deteriorate. Reliable deterioration: at least one reliably deteriorates and the other does not
  reliably improve. One improving and the other deteriorating reliably: no reliable change.
- Recovery: at caseness at baseline and below caseness (both measures) at the latest pair; not
  applicable (None) when not at caseness at baseline.
- Reliable recovery: recovered and reliably improved (None when recovery is not applicable).

Pairing rule (ours; services pair the scores of one appointment): a pair is a PHQ-9 and a GAD-7
completed within :data:`PAIR_WINDOW` (7 days) of each other. The baseline pair is the earliest
pair: the first PHQ-9 and the first GAD-7 when they are within 7 days of each other, otherwise
the first response that has a response of the other questionnaire within the 7 days after it,
with the earliest such one. The latest pair is found the same way from the newest end, among
responses completed after both baseline responses (so the two pairs never share a response or
overlap in time): the latest PHQ-9 and GAD-7 when they are within 7 days of each other.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.translation import gettext as _

from measures.definitions import Instrument, get_instrument
from measures.models import Response
from measures.scoring import reliable_change

PHQ9 = "phq9"
GAD7 = "gad7"

# NHS Talking Therapies Manual: the clinical ("caseness") cut-offs are 10 or more on the PHQ-9
# and 8 or more on the GAD-7. The GAD-7's severity bands (5/10/15) do not mark 8, so these are
# kept here rather than derived from the bands.
CASENESS = {PHQ9: 10, GAD7: 8}

PAIR_WINDOW = timedelta(days=7)

IMPROVED = "improved"  # the per-measure vocabulary of measures.scoring.reliable_change
WORSE = "worse"
NO_CHANGE = "no_reliable_change"

RELIABLE_IMPROVEMENT = "reliable_improvement"  # the paired result
RELIABLE_DETERIORATION = "reliable_deterioration"
NO_RELIABLE_CHANGE = "no_reliable_change"


@dataclass(frozen=True)
class Pair:
    """A PHQ-9 and a GAD-7 total taken at (about) the same time. The times are for display;
    :func:`outcome` reads only the totals."""

    phq9: int
    gad7: int
    phq9_completed_at: datetime | None = None
    gad7_completed_at: datetime | None = None

    @property
    def at_caseness(self) -> bool:
        return at_caseness(self.phq9, self.gad7)

    @property
    def started_at(self) -> datetime | None:
        times = [t for t in (self.phq9_completed_at, self.gad7_completed_at) if t is not None]
        return min(times) if times else None

    @property
    def completed_at(self) -> datetime | None:
        times = [t for t in (self.phq9_completed_at, self.gad7_completed_at) if t is not None]
        return max(times) if times else None


def rules() -> dict[str, int]:
    """The numbers the metrics use, for pages that state them."""
    return {
        "phq9_reliable_change": get_instrument(PHQ9).reliable_change,
        "gad7_reliable_change": get_instrument(GAD7).reliable_change,
        "phq9_caseness": CASENESS[PHQ9],
        "gad7_caseness": CASENESS[GAD7],
        "pair_window_days": PAIR_WINDOW.days,
    }


def at_caseness(phq9: int, gad7: int) -> bool:
    """Meets the clinical threshold: PHQ-9 10 or more, or GAD-7 8 or more."""
    return phq9 >= CASENESS[PHQ9] or gad7 >= CASENESS[GAD7]


def paired_change(phq9_change: str, gad7_change: str) -> str:
    """The paired rule over two per-measure results ('improved', 'worse', 'no_reliable_change')."""
    changes = (phq9_change, gad7_change)
    if IMPROVED in changes and WORSE not in changes:
        return RELIABLE_IMPROVEMENT
    if WORSE in changes and IMPROVED not in changes:
        return RELIABLE_DETERIORATION
    return NO_RELIABLE_CHANGE


def _change_label(change: str) -> str:
    return {
        IMPROVED: _("Reliable improvement"),
        WORSE: _("Reliable deterioration"),
        RELIABLE_IMPROVEMENT: _("Reliable improvement"),
        RELIABLE_DETERIORATION: _("Reliable deterioration"),
    }.get(change, _("No reliable change"))


@dataclass(frozen=True)
class Outcome:
    """The outcome from a baseline pair to a latest pair. Build it with :func:`outcome`."""

    baseline: Pair
    latest: Pair
    caseness_baseline: bool
    caseness_latest: bool
    phq9_change: str  # 'improved', 'worse' or 'no_reliable_change'
    gad7_change: str
    paired_change: str  # RELIABLE_IMPROVEMENT, RELIABLE_DETERIORATION or NO_RELIABLE_CHANGE
    recovered: bool | None  # None: not at caseness at baseline, so recovery does not apply
    reliable_recovery: bool | None  # recovered and reliably improved; None as for recovered

    enough_data = True

    @property
    def reliable_improvement(self) -> bool:
        return self.paired_change == RELIABLE_IMPROVEMENT

    @property
    def reliable_deterioration(self) -> bool:
        return self.paired_change == RELIABLE_DETERIORATION

    @property
    def no_reliable_change(self) -> bool:
        return self.paired_change == NO_RELIABLE_CHANGE

    @property
    def mixed(self) -> bool:
        """One measure reliably improved and the other reliably deteriorated."""
        return {self.phq9_change, self.gad7_change} == {IMPROVED, WORSE}

    @property
    def phq9_difference(self) -> int:
        return self.latest.phq9 - self.baseline.phq9

    @property
    def gad7_difference(self) -> int:
        return self.latest.gad7 - self.baseline.gad7

    @property
    def phq9_change_label(self) -> str:
        return _change_label(self.phq9_change)

    @property
    def gad7_change_label(self) -> str:
        return _change_label(self.gad7_change)

    @property
    def summary(self) -> str:
        """In plain words for the patient: warm, and never suggesting anyone is to blame."""
        if self.reliable_recovery:
            return _(
                "Your scores have improved by more than the amount that could be chance, and "
                "are now below the level where services usually offer treatment."
            )
        if self.reliable_improvement:
            change = _("Your scores have improved by more than the amount that could be chance.")
        elif self.reliable_deterioration:
            change = _(
                "Your scores have gone up by more than the amount that could be chance. Ups and "
                "downs are common and are nobody's fault; it may help to talk about how things "
                "are going with your care team."
            )
        elif self.mixed:
            change = _(
                "One of your scores has improved and the other has gone up, each by more than "
                "the amount that could be chance, so taken together they show no clear change. "
                "Your care team can help you make sense of this."
            )
        else:
            change = _("Your scores have not changed by more than the amount that could be chance.")
        if self.recovered:
            level = _("They are now below the level where services usually offer treatment.")
        elif not self.caseness_latest:
            level = _("They are below the level where services usually offer treatment.")
        else:
            level = _("They are at a level where services usually offer treatment.")
        return f"{change} {level}"

    @property
    def code(self) -> str:
        """A stable code for the headline: 'reliable_recovery' or the paired result."""
        return "reliable_recovery" if self.reliable_recovery else self.paired_change

    @property
    def clinician_label(self) -> str:
        """The one headline for a clinician."""
        if self.reliable_recovery:
            return _("Reliable recovery")
        return _change_label(self.paired_change)

    @property
    def clinician_labels(self) -> tuple[str, ...]:
        """Short labels, every metric named."""
        labels = [_change_label(self.paired_change)]
        if self.mixed:
            labels.append(_("Mixed: one measure improved, the other deteriorated"))
        if self.recovered is None:
            labels.append(_("Recovery not applicable (below caseness at baseline)"))
        else:
            labels.append(_("Recovered") if self.recovered else _("Not recovered"))
            labels.append(
                _("Reliable recovery") if self.reliable_recovery else _("No reliable recovery")
            )
        labels.append(
            _("Caseness at baseline") if self.caseness_baseline else _("Below caseness at baseline")
        )
        labels.append(
            _("Caseness at latest") if self.caseness_latest else _("Below caseness at latest")
        )
        return tuple(labels)


@dataclass(frozen=True)
class NotEnoughData:
    """Fewer than two pairs: nothing is computed. ``pairs`` is 0 or 1; ``responses`` counts the
    scored PHQ-9 and GAD-7 responses looked at (0: the patient has filled in neither)."""

    pairs: int
    responses: int
    baseline: Pair | None = None

    enough_data = False
    code = "not_enough_data"

    @property
    def summary(self) -> str:
        return _(
            "Once you have filled in both the PHQ-9 and the GAD-7 twice, each time within a week "
            "of each other, you will see here how your scores have changed overall."
        )

    @property
    def clinician_label(self) -> str:
        return _("Not enough data")

    @property
    def clinician_labels(self) -> tuple[str, ...]:
        return (
            _("Not enough data"),
            _(
                "Needs two PHQ-9 and GAD-7 pairs, each completed within 7 days; pairs found: "
                "%(pairs)s."
            )
            % {"pairs": self.pairs},
        )


def _check_range(instrument: Instrument, *totals: int) -> None:
    for total in totals:
        if not instrument.min_score <= total <= instrument.max_score:
            raise ValueError(f"{total} is outside the {instrument.name} score range")


def outcome(baseline: Pair, latest: Pair) -> Outcome:
    """The outcome metrics from two pairs of totals. Pure: raises ValueError for a total outside
    an instrument's range, and reads nothing else."""
    phq9, gad7 = get_instrument(PHQ9), get_instrument(GAD7)
    _check_range(phq9, baseline.phq9, latest.phq9)
    _check_range(gad7, baseline.gad7, latest.gad7)
    phq9_change = reliable_change(phq9, baseline.phq9, latest.phq9)
    gad7_change = reliable_change(gad7, baseline.gad7, latest.gad7)
    together = paired_change(phq9_change, gad7_change)
    caseness_baseline = at_caseness(baseline.phq9, baseline.gad7)
    caseness_latest = at_caseness(latest.phq9, latest.gad7)
    recovered = (not caseness_latest) if caseness_baseline else None
    reliable_recovery = (
        None if recovered is None else recovered and together == RELIABLE_IMPROVEMENT
    )
    return Outcome(
        baseline=baseline,
        latest=latest,
        caseness_baseline=caseness_baseline,
        caseness_latest=caseness_latest,
        phq9_change=phq9_change,
        gad7_change=gad7_change,
        paired_change=together,
        recovered=recovered,
        reliable_recovery=reliable_recovery,
    )


# --- picking the pairs ----------------------------------------------------------------------


@dataclass(frozen=True)
class Scored:
    """One completed, scored PHQ-9 or GAD-7."""

    instrument: str
    total: int
    completed_at: datetime


def _pair(a: Scored, b: Scored) -> Pair:
    phq9, gad7 = (a, b) if a.instrument == PHQ9 else (b, a)
    return Pair(phq9.total, gad7.total, phq9.completed_at, gad7.completed_at)


def _earliest_pair(ordered: Sequence[Scored]) -> Pair | None:
    for i, first in enumerate(ordered):
        for other in ordered[i + 1 :]:
            if other.completed_at - first.completed_at > PAIR_WINDOW:
                break
            if other.instrument != first.instrument:
                return _pair(first, other)
    return None


def _latest_pair(ordered: Sequence[Scored]) -> Pair | None:
    newest_first = list(reversed(ordered))
    for i, last in enumerate(newest_first):
        for other in newest_first[i + 1 :]:
            if last.completed_at - other.completed_at > PAIR_WINDOW:
                break
            if other.instrument != last.instrument:
                return _pair(other, last)
    return None


def pick_pairs(responses: Iterable[Scored]) -> tuple[Pair | None, Pair | None]:
    """The baseline and latest pair by the pairing rule (module docstring); either may be None.
    Responses of other instruments are ignored."""
    ordered = sorted(
        (r for r in responses if r.instrument in (PHQ9, GAD7)),
        key=lambda r: (r.completed_at, r.instrument),
    )
    baseline = _earliest_pair(ordered)
    if baseline is None:
        return None, None
    later = [r for r in ordered if r.completed_at > baseline.completed_at]
    return baseline, _latest_pair(later)


def outcome_from_responses(responses: Iterable[Scored]) -> Outcome | NotEnoughData:
    responses = list(responses)
    baseline, latest = pick_pairs(responses)
    if baseline is None or latest is None:
        return NotEnoughData(
            pairs=0 if baseline is None else 1, responses=len(responses), baseline=baseline
        )
    return outcome(baseline, latest)


def outcome_for_workspace(
    workspace, *, since: datetime | None = None, until: datetime | None = None
) -> Outcome | NotEnoughData:
    """The outcome from the first to the latest paired PHQ-9 and GAD-7 completed in the
    workspace, counting only responses completed at or after ``since`` and before ``until`` when
    given (a course of care passes its window). One query. Callers authorize first
    (``care.policies``)."""
    rows = Response.objects.filter(
        workspace=workspace,
        instrument__in=[PHQ9, GAD7],
        status=Response.Status.COMPLETED,
        total__isnull=False,
    )
    if since is not None:
        rows = rows.filter(completed_at__gte=since)
    if until is not None:
        rows = rows.filter(completed_at__lt=until)
    return outcome_from_responses(
        Scored(instrument, total, completed_at)
        for instrument, total, completed_at in rows.values_list(
            "instrument", "total", "completed_at"
        )
    )


# Questionnaires filled in within this many days after a discharge still count for the course:
# the discharge asks the patient for their final ones.
FINAL_MEASURES_DAYS = 14


def window_end(started_at: datetime, ended_at: datetime | None, later_starts) -> datetime | None:
    """Where a course's measures stop counting: 14 days after its end (None while it is open),
    or earlier when the next course of the workspace starts before then, so that two courses
    never share a response. ``later_starts``: the start times of the workspace's courses."""
    if ended_at is None:
        return None
    until = ended_at + timedelta(days=FINAL_MEASURES_DAYS)
    following = [s for s in later_starts if s > started_at]
    return min([until, *following])


def course_window(course) -> tuple[datetime, datetime | None]:
    """The times a course's measures are counted in (see :func:`window_end`). One query."""
    starts = (
        type(course)
        .objects.filter(workspace_id=course.workspace_id)
        .values_list("started_at", flat=True)
    )
    return course.started_at, window_end(course.started_at, course.ended_at, list(starts))


def outcome_for_course(course) -> Outcome | NotEnoughData:
    """The course's outcome: its first to its last paired measures within its window."""
    since, until = course_window(course)
    return outcome_for_workspace(course.workspace, since=since, until=until)
