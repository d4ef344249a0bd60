"""Reads of programme content and of a patient's place in it.

Content reads need no policy (published content is not patient data). Reads of a patient's
enrolment, progress and answers take a workspace that the caller has already fetched and
authorized through ``care.policies`` (and logged, for a clinician).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from care.models import Workspace
from content.models import (
    AnswerFeedback,
    Enrolment,
    Exercise,
    ExerciseAnswer,
    Module,
    Page,
    PageProgress,
    Prescription,
    Programme,
)


def programmes_published() -> QuerySet[Programme]:
    return Programme.objects.filter(published=True)


def programme_get(programme_id) -> Programme:
    """A published programme, or Programme.DoesNotExist."""
    return programmes_published().get(pk=programme_id)


def modules_with_pages(programme: Programme) -> list[Module]:
    """The programme's current modules, in order, each with its current pages (2 queries)."""
    return list(
        Module.objects.filter(programme=programme, retired=False).prefetch_related(
            Prefetch(
                "pages",
                queryset=Page.objects.filter(retired=False).only(
                    "id", "module_id", "slug", "position", "title", "translations"
                ),
            )
        )
    )


def page_get(page_id) -> Page:
    """A current page of a published programme, with its module and programme (1 query)."""
    return Page.objects.select_related("module__programme").get(
        pk=page_id, retired=False, module__retired=False, module__programme__published=True
    )


def exercises_library(programme: Programme | None = None) -> QuerySet[Exercise]:
    """Browsable exercises (reflection prompts stay on their pages)."""
    queryset = Exercise.objects.filter(
        retired=False, kind=Exercise.Kind.EXERCISE, programme__published=True
    ).select_related("programme")
    if programme is not None:
        queryset = queryset.filter(programme=programme)
    return queryset


def exercise_get(exercise_id) -> Exercise:
    return Exercise.objects.select_related("programme").get(
        pk=exercise_id, retired=False, programme__published=True
    )


def exercises_for_page(page: Page) -> dict[str, Exercise]:
    slugs = page.exercise_slugs()
    if not slugs:
        return {}
    rows = Exercise.objects.filter(programme_id=page.module.programme_id, slug__in=slugs)
    return {e.slug: e for e in rows}


def enrolments_for_workspace(workspace: Workspace) -> list[Enrolment]:
    return list(
        Enrolment.objects.filter(workspace=workspace).select_related(
            "programme", "prescribed_by", "last_page__module"
        )
    )


def enrolments_latest_first(workspace: Workspace) -> list[Enrolment]:
    """The workspace's enrolments with their programmes, the one visited last first (one never
    visited counts from when it started; the earlier started first among equals). 1 query."""
    rows = Enrolment.objects.filter(workspace=workspace).select_related("programme").order_by()
    by_start = sorted(rows, key=lambda e: e.created_at)  # sorted here: cheaper than ORDER BY
    return sorted(by_start, key=lambda e: e.last_visited_at or e.created_at, reverse=True)


def prescriber_notes(enrolment: Enrolment) -> list[Prescription]:
    """Each prescriber's latest non-empty note, oldest prescriber first. 1 query."""
    latest: dict = {}
    rows = enrolment.prescriptions.exclude(note="").select_related("prescribed_by")
    for prescription in rows.order_by("created_at"):
        latest[prescription.prescribed_by_id] = prescription
    return sorted(latest.values(), key=lambda p: p.created_at)


def enrolment_for(workspace: Workspace, programme: Programme) -> Enrolment | None:
    return (
        Enrolment.objects.filter(workspace=workspace, programme=programme)
        .select_related("prescribed_by", "last_page")
        .first()
    )


def answers_by_exercise(enrolment: Enrolment | None, exercises) -> dict:
    if enrolment is None:
        return {}
    ids = [e.pk for e in exercises]
    return {
        a.exercise_id: a
        for a in ExerciseAnswer.objects.filter(
            enrolment=enrolment, exercise_id__in=ids
        ).prefetch_related("feedback")
    }


@dataclass
class ModuleState:
    module: Module
    total: int
    visited: int
    completed: int
    recommended: bool = False
    pages: list = field(default_factory=list)  # (page, PageProgress | None)

    @classmethod
    def of(cls, module: Module, pages: list, *, recommended: bool) -> ModuleState:
        """The state of ``module`` from its current pages, each as (page, PageProgress | None)."""
        return cls(
            module=module,
            total=len(pages),
            visited=sum(1 for _p, pr in pages if pr),
            completed=sum(1 for _p, pr in pages if pr and pr.completed_at),
            recommended=recommended,
            pages=pages,
        )

    @property
    def percent(self) -> int:
        return round(100 * self.completed / self.total) if self.total else 0

    @property
    def state(self) -> str:
        if self.total and self.completed == self.total:
            return "done"
        return "in_progress" if self.visited else "not_started"


@dataclass
class ProgrammeProgress:
    programme: Programme
    enrolment: Enrolment | None
    modules: list[ModuleState]

    @property
    def total(self) -> int:
        return sum(m.total for m in self.modules)

    @property
    def completed(self) -> int:
        return sum(m.completed for m in self.modules)

    @property
    def percent(self) -> int:
        return round(100 * self.completed / self.total) if self.total else 0

    def resume_page(self) -> Page | None:
        """Where to continue: the last page opened if it is still current, otherwise the first
        page not yet done, otherwise the first page."""
        current = {p.pk: p for m in self.modules for p, _ in m.pages}
        if self.enrolment and self.enrolment.last_page_id in current:
            last = current[self.enrolment.last_page_id]
            done = {p.pk for m in self.modules for p, pr in m.pages if pr and pr.completed_at}
            if last.pk not in done:
                return last
        for module in self.modules:
            for page, progress in module.pages:
                if progress is None or progress.completed_at is None:
                    return page
        return next((p for m in self.modules for p, _ in m.pages), None)


def programme_progress(programme: Programme, enrolment: Enrolment | None) -> ProgrammeProgress:
    """Each module's state and percentage (3-4 queries whatever the size)."""
    modules = modules_with_pages(programme)
    progress: dict = {}
    recommended: set = set()
    if enrolment is not None:
        progress = {p.page_id: p for p in PageProgress.objects.filter(enrolment=enrolment)}
        recommended = set(enrolment.recommended_modules.values_list("pk", flat=True))
    states = [
        ModuleState.of(
            module,
            [(page, progress.get(page.pk)) for page in module.pages.all()],
            recommended=module.pk in recommended,
        )
        for module in modules
    ]
    return ProgrammeProgress(programme=programme, enrolment=enrolment, modules=states)


# What ``enrolment_progress`` reads of each page's progress, page and module (a summary: the
# rest stays deferred, and a row shows its own language's text all the same).
_PROGRESS_FIELDS = ("id", "visited_at", "completed_at")
_SUMMARY_PAGE_FIELDS = ("id", "module_id", "slug", "position", "title", "translations")
_SUMMARY_MODULE_FIELDS = ("id", "programme_id", "slug", "position", "title", "translations")


def enrolment_progress(enrolment: Enrolment) -> ProgrammeProgress:
    """``programme_progress`` of an enrolment (its programme already read with it) in one
    query: the programme's current pages with their modules, each page with the enrolment's
    progress on it and whether its module is recommended.

    A module without a current page is not listed, where ``programme_progress`` lists it with
    nothing to do: the loader cannot make one (every module of a pack lists a page, and a page
    is retired only when its module keeps others or is retired too)."""
    progress = PageProgress.objects.filter(enrolment=enrolment, page=OuterRef("pk")).order_by()
    recommended = Enrolment.recommended_modules.through.objects.filter(
        enrolment_id=enrolment.pk, module_id=OuterRef("module_id")
    )
    pages = (
        Page.objects.filter(
            module__programme_id=enrolment.programme_id, retired=False, module__retired=False
        )
        .select_related("module")
        .only(*_SUMMARY_PAGE_FIELDS, *(f"module__{name}" for name in _SUMMARY_MODULE_FIELDS))
        .annotate(
            module_recommended=Exists(recommended),
            **{f"progress_{name}": Subquery(progress.values(name)) for name in _PROGRESS_FIELDS},
        )
        .order_by()  # sorted here: cheaper than compiling an ORDER BY over every column
    )
    by_module: dict = {}
    for page in sorted(pages, key=lambda p: (p.module.position, p.position)):
        found = None
        if page.progress_id is not None:
            # The row as a query for those fields would make it (the rest deferred).
            values = {"enrolment_id": enrolment.pk, "page_id": page.pk}
            values |= {name: getattr(page, f"progress_{name}") for name in _PROGRESS_FIELDS}
            names = [f.attname for f in PageProgress._meta.concrete_fields if f.attname in values]
            found = PageProgress.from_db(pages.db, names, [values[name] for name in names])
        by_module.setdefault(page.module, []).append((page, found))
    states = [
        ModuleState.of(module, rows, recommended=rows[0][0].module_recommended)
        for module, rows in by_module.items()
    ]
    return ProgrammeProgress(programme=enrolment.programme, enrolment=enrolment, modules=states)


def answers_for_workspace(workspace: Workspace, *, submitted_only: bool = False) -> QuerySet:
    queryset = (
        ExerciseAnswer.objects.filter(enrolment__workspace=workspace)
        .select_related("exercise", "page__module", "enrolment__programme")
        .prefetch_related("feedback")
    )
    if submitted_only:
        queryset = queryset.filter(status=ExerciseAnswer.Status.SUBMITTED)
    return queryset.order_by("-updated_at")


def takeaways_for_workspace(workspace: Workspace) -> list[dict]:
    """The patient's own action points: answers to fields marked ``takeaway`` (reflections and
    exercise fields), grouped by module, with each module's 'try this week' step."""
    rows = []
    for answer in answers_for_workspace(workspace):
        for spec in answer.exercise.fields:
            value = answer.data.get(spec["name"])
            if spec.get("takeaway") and value not in (None, "", []):
                rows.append(
                    {
                        "module": answer.page.module if answer.page else None,
                        "exercise": answer.exercise,
                        "label": spec["label"],
                        "value": display_value(spec, value),
                        "page": answer.page,
                    }
                )
    return rows


def display_value(spec: dict, value) -> str:
    """An answer value as text a person reads: option labels, not their codes."""
    labels = {o["value"]: o["label"] for o in spec.get("options", [])}
    if isinstance(value, list):
        return ", ".join(labels.get(v, v) for v in value)
    return str(labels.get(value, value))


def feedback_unseen_exists() -> Exists:
    """For the owner's workspace query (``.annotate(has_feedback=feedback_unseen_exists())``):
    whether ``feedback_unseen`` would find any, in the workspace's own query."""
    return Exists(
        AnswerFeedback.objects.filter(
            answer__enrolment__workspace=OuterRef("pk"), seen_at__isnull=True
        )
    )


def feedback_unseen(workspace: Workspace) -> list[AnswerFeedback]:
    """Replies from the care team the patient has not read yet (for the dashboard)."""
    return list(
        AnswerFeedback.objects.filter(
            answer__enrolment__workspace=workspace, seen_at__isnull=True
        ).select_related("answer__exercise", "answer__page")
    )


def programme_progress_by_workspace(workspace_ids) -> dict:
    """Two queries whatever the number of workspaces: enrolments with their done-page counts,
    and the number of current pages per programme."""
    current = Q(pages__page__retired=False, pages__page__module__retired=False)
    enrolments = list(
        Enrolment.objects.filter(workspace_id__in=list(workspace_ids))
        .annotate(done=Count("pages", filter=current & Q(pages__completed_at__isnull=False)))
        .values("workspace_id", "programme_id", "done", "status")
        .order_by("created_at")
    )
    totals = dict(
        Page.objects.filter(
            module__programme_id__in={e["programme_id"] for e in enrolments},
            retired=False,
            module__retired=False,
        )
        .values("module__programme_id")
        .annotate(n=Count("pk"))
        .values_list("module__programme_id", "n")
    )
    result = {}
    for enrolment in enrolments:  # the newest enrolment of a workspace wins
        total = totals.get(enrolment["programme_id"], 0)
        result[enrolment["workspace_id"]] = {
            "done": enrolment["done"],
            "total": total,
            "percent": round(100 * enrolment["done"] / total) if total else 0,
            "status": enrolment["status"],
        }
    return result
