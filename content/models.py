"""Programme content (not patient data) and each patient's place in it (patient data).

Content: Programme -> Module (ordered) -> Page (ordered) -> blocks. Blocks are stored on the
page as a JSON list, already validated and with their Markdown rendered to sanitised HTML by the
loader (``content.loader``), so reading a page costs one row. Exercises live in a library
(``Exercise``) and are referenced from page blocks by slug, so one exercise can appear in several
modules and be browsed on its own. Media (SVG illustrations, audio) are stored as
``MediaAsset`` rows so that a loaded pack is complete without the files it came from.

Content rows are matched by slug on re-load and updated in place; content that leaves a pack
is *retired*, never deleted, so that patients' progress and answers that point at it survive.

Patient data: ``Enrolment`` (the programme in a workspace: prescribed or self-started, paused or
running, where to resume), ``PageProgress`` (section ``progress``) and ``ExerciseAnswer``
(section ``journal``; records the exercise version it answered).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Timestamped(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


# --- content -----------------------------------------------------------------------------------


class Translatable(models.Model):
    """A content row that may show another language's text (content/translations.py). Saving
    puts the pack's own text back first: a translation is never written over the original."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        for name, value in getattr(self, "_pack_text", {}).items():
            setattr(self, name, value)
        self._pack_text, self.shown_language = {}, None
        return super().save(*args, **kwargs)


class Programme(Translatable, Timestamped):
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    language = models.CharField(max_length=10, default="en")
    # Bumped by the loader whenever anything in the pack changed; ``content_hash`` detects that.
    version = models.PositiveIntegerField(default=1)
    content_hash = models.CharField(max_length=64, blank=True)
    published = models.BooleanField(default=True)
    # What other languages say of it, and each language version's review status
    # ({"da": {"status": "draft", "reviewed_by": ""}}): content/translations.py.
    translations = models.JSONField(default=dict, blank=True)
    translation_status = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(version__gte=1), name="programme_version_positive"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Module(Translatable, Timestamped):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="modules")
    slug = models.SlugField(max_length=80)
    position = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    key_points = models.JSONField(default=list, blank=True)
    try_this_week = models.TextField(blank=True)
    retired = models.BooleanField(default=False)
    translations = models.JSONField(default=dict, blank=True)  # content/translations.py

    class Meta:
        ordering = ["programme", "position"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "slug"], name="module_slug_unique"),
        ]

    def __str__(self) -> str:
        return self.title


class Page(Translatable, Timestamped):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="pages")
    slug = models.SlugField(max_length=80)
    position = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    blocks = models.JSONField(default=list, blank=True)
    version = models.PositiveIntegerField(default=1)
    content_hash = models.CharField(max_length=64, blank=True)
    retired = models.BooleanField(default=False)
    translations = models.JSONField(default=dict, blank=True)  # content/translations.py

    class Meta:
        ordering = ["module", "position"]
        constraints = [
            models.UniqueConstraint(fields=["module", "slug"], name="page_slug_unique"),
        ]

    def __str__(self) -> str:
        return self.title

    def exercise_slugs(self) -> list[str]:
        return [b["exercise"] for b in self.blocks if b.get("type") in ("exercise", "reflection")]


class Exercise(Translatable, Timestamped):
    """A small form: free text, scales, checklists and choices (``fields``, validated by the
    loader). Reflection prompts are one-field exercises kept out of the browsable library."""

    class Kind(models.TextChoices):
        EXERCISE = "exercise", _("Exercise")
        REFLECTION = "reflection", _("Reflection")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="exercises")
    slug = models.SlugField(max_length=120)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.EXERCISE)
    title = models.CharField(max_length=200)
    intro_html = models.TextField(blank=True)
    fields = models.JSONField(default=list)
    version = models.PositiveIntegerField(default=1)
    content_hash = models.CharField(max_length=64, blank=True)
    retired = models.BooleanField(default=False)
    translations = models.JSONField(default=dict, blank=True)  # content/translations.py

    class Meta:
        ordering = ["programme", "title"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "slug"], name="exercise_slug_unique"),
        ]

    def __str__(self) -> str:
        return self.title


class MediaAsset(Timestamped):
    """An illustration or recording from a pack, served to signed-in users by the API."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="media")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    data = models.BinaryField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["programme", "name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="media_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


# --- the patient's place in a programme --------------------------------------------------------


class Enrolment(Timestamped):
    """A programme in a workspace: prescribed by a care-team member or started by the patient."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")

    workspace = models.ForeignKey(
        "care.Workspace", on_delete=models.CASCADE, related_name="enrolments"
    )
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="enrolments")
    prescribed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True, max_length=1000)
    start_on = models.DateField(null=True, blank=True)
    recommended_modules = models.ManyToManyField(Module, blank=True, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    paused_at = models.DateTimeField(null=True, blank=True)
    last_page = models.ForeignKey(
        Page, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_visited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "programme"], name="enrolment_once_per_workspace"
            ),
            models.CheckConstraint(
                condition=models.Q(status="active", paused_at__isnull=True)
                | models.Q(status="paused", paused_at__isnull=False),
                name="enrolment_paused_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Enrolment {self.pk}"


class Prescription(Timestamped):
    """One prescription of a programme by one care-team member, kept as written: a second
    prescriber adds theirs beside it instead of overwriting it. ``Enrolment.note`` and
    ``prescribed_by`` hold the latest; the patient sees every prescriber's latest note."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="prescriptions")
    prescribed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.TextField(blank=True, max_length=1000)
    start_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Prescription {self.pk}"


class PageProgress(Timestamped):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="pages")
    page = models.ForeignKey(Page, on_delete=models.PROTECT, related_name="+")
    visited_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["enrolment", "visited_at"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "page"], name="page_progress_once"),
        ]

    def __str__(self) -> str:
        return f"PageProgress {self.pk}"


class ExerciseAnswer(Timestamped):
    """The patient's answer to one exercise: saved as a draft while they type, then submitted.
    ``exercise_version`` is the version of the exercise the answer was written against."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Saved")

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="answers")
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="+")
    page = models.ForeignKey(
        Page, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    exercise_version = models.PositiveIntegerField()
    data = models.JSONField(default=dict)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["enrolment", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "exercise"], name="answer_once_per_exercise"
            ),
        ]

    def __str__(self) -> str:
        return f"ExerciseAnswer {self.pk}"


class AnswerFeedback(Timestamped):
    """A care-team member's short reply to a submitted answer. The patient sees it under the
    answer and is told on their dashboard until they have read it."""

    answer = models.ForeignKey(ExerciseAnswer, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    author_name = models.CharField(max_length=200)
    text = models.TextField(max_length=2000)
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["answer", "created_at"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(text=""), name="feedback_text_not_empty")
        ]

    def __str__(self) -> str:
        return f"AnswerFeedback {self.pk}"
