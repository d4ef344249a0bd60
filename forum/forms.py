"""Forms for the forum's pages (plain HTML posts that work without JavaScript). The services
check everything again; these give each field its label and a clear error."""

from __future__ import annotations

from datetime import datetime, time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.input_hygiene import validate_plan_date
from forum.handles import MAX_LENGTH
from forum.models import ContentWarning, Member, Mode, Report, Space
from forum.services import MAX_BODY, MAX_TITLE


class JoinForm(forms.Form):
    handle = forms.CharField(
        label=_("Your forum name"),
        max_length=MAX_LENGTH,
        help_text=_(
            "Other members see only this name. Choose one that does not give away who you are: "
            "not your name, e-mail, phone number or a link."
        ),
    )
    accepted_rules = forms.BooleanField(
        label=_("I have read the house rules and when the moderators would break confidentiality.")
    )
    care_team_alerts = forms.BooleanField(
        required=False,
        label=_("If a post of mine is held because I may be at risk, tell my care team too."),
    )


class PostForm(forms.Form):
    body = forms.CharField(label=_("Your post"), max_length=MAX_BODY, widget=forms.Textarea)
    content_warnings = forms.MultipleChoiceField(
        label=_("Content warnings"),
        required=False,
        choices=ContentWarning.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A post with a warning is folded away until a reader chooses to open it."),
    )


class TopicForm(PostForm):
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE)
    field_order = ["title", "body", "content_warnings"]


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong?"), choices=Report.Reason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Anything the moderators should know (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SettingsForm(forms.Form):
    care_team_alerts = JoinForm.base_fields["care_team_alerts"]
    mute_words = forms.CharField(
        label=_("Muted words"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line. Posts with these words are folded away for you."),
    )


class DecisionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("approve", _("Publish")),
            ("keep", _("Keep as it is")),
            ("reject", _("Do not publish")),
            ("hide", _("Hide")),
            ("restore", _("Show again")),
        ]
    )
    reason = forms.CharField(
        label=_("Reason (sent to the author when a post is hidden or not published)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ConcernForm(forms.Form):
    text = forms.CharField(
        label=_("Message of concern"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class MemberStateForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), choices=Member.State.choices)
    until = forms.DateField(
        label=_("Until (for a mute)"),
        required=False,
        validators=[validate_plan_date],
        help_text=_("The mute ends when this day begins."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_until(self):
        day = self.cleaned_data.get("until")
        if day is None:
            return None
        return timezone.make_aware(datetime.combine(day, time.min))

    reason = forms.CharField(
        label=_("Reason (sent to the member)"), max_length=1000, widget=forms.Textarea
    )


class LookupForm(forms.Form):
    reason = forms.CharField(
        label=_("Why you need to know who this is (recorded)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TopicActionForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Topic"),
        choices=[
            ("lock", _("Close to new replies")),
            ("unlock", _("Open to replies again")),
            ("pin", _("Pin to the top of its space")),
            ("unpin", _("Unpin")),
            ("move", _("Move to another space")),
        ],
    )
    space = forms.ModelChoiceField(
        label=_("Space (for a move)"), queryset=Space.objects.all(), required=False
    )
    reason = forms.CharField(
        label=_("Reason (recorded)"), required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip


class AppealForm(forms.Form):
    text = forms.CharField(
        label=_("Ask the moderators to look again"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Say what you think they should know. A moderator answers you here."),
    )


class EditForm(forms.Form):
    body = forms.CharField(label=_("The post's text"), max_length=MAX_BODY, widget=forms.Textarea)
    reason = forms.CharField(
        label=_("Reason (sent to the author)"), max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip


class ProfessionalJoinForm(forms.Form):
    """A GP or therapist taking part: a forum name that is not their own, and the house rules."""

    handle = forms.CharField(
        label=_("Your forum name"),
        max_length=MAX_LENGTH,
        help_text=_(
            "Members see this name with a professional badge, never your own name. For example "
            'a role and a place: "Physio - north team".'
        ),
    )
    accepted_rules = JoinForm.base_fields["accepted_rules"]


class SpaceForm(forms.Form):
    """A forum admin's form for a space. The programme's choices come from the page."""

    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    programme_slug = forms.ChoiceField(label=_("Programme"), required=False, choices=())
    mode = forms.ChoiceField(label=_("Mode"), choices=Mode.choices)
    slow_mode_minutes = forms.IntegerField(
        label=_("Slow mode (minutes between a member's posts; 0 is off)"),
        min_value=0,
        max_value=24 * 60,
        initial=0,
    )
    position = forms.IntegerField(
        label=_("Position in the list"), min_value=0, max_value=10_000, initial=0
    )

    def __init__(self, *args, programmes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme_slug"].choices = [("", _("None: open to everyone")), *programmes]

    def service_values(self) -> dict:
        data = dict(self.cleaned_data)
        data["slow_mode_seconds"] = data.pop("slow_mode_minutes") * 60
        return data


class MemberKindForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Role"),
        choices=[
            (Member.Kind.MEMBER, Member.Kind.MEMBER.label),
            (Member.Kind.PEER_SUPPORTER, Member.Kind.PEER_SUPPORTER.label),
        ],
    )
    reason = forms.CharField(
        label=_("Reason (sent to the member)"), max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
