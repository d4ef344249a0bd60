"""The clinician's menu (GP, therapist) and the duty contact's, each a list of places.

This module is the one place that decides where a clinician page sits. Every page about one
patient (``/clinic/patients/<id>/...``) sits in the caseload.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from config.menus import Link, Menu, Place, menu_context

ACCOUNT = Place(
    key="account",
    label=_("Account"),
    url_name="accounts:profile",
    items=(
        Link(_("My account"), "accounts:profile"),
        Link(_("Password"), "accounts:password_change", ("accounts:password_*",)),
        Link(_("Two-step sign-in"), "accounts:mfa_setup", ("accounts:mfa_*",)),
        Link(_("API keys"), "accounts:api_tokens", ("accounts:api_token*",)),
    ),
    pages=("accounts:*",),
)

# Pages about one patient, reached from the caseload.
PATIENT_PAGES = (
    "clinician:patient_*",
    "clinician:programme_*",
    "clinician:measures*",
    "clinician:goal_*",
    "clinician:habit_list",
    "clinician:crisis_plan",
    "clinician:checkins",
    "clinician:network",
    "clinician:journal",
    "clinician:cadence_edit",
    "clinician:review_new",
    "clinician:guidance_patient",
    "clinician:course_*",
)

CLINICIAN_MENU = Menu(
    places=(
        Place(
            key="caseload",
            label=_("Caseload"),
            url_name="clinician:caseload",
            items=(
                Link(_("Your patients"), "clinician:caseload", PATIENT_PAGES),
                Link(_("Invite a patient"), "clinician:invite"),
                Link(_("Cover"), "clinician:covers", ("clinician:cover_*",)),
            ),
        ),
        Place(
            key="alerts",
            label=_("Alerts"),
            url_name="clinician:alert_list",
            pages=("clinician:alert_*",),
        ),
        Place(
            key="messages",
            label=_("Messages"),
            url_name="clinician:inbox",
            pages=("clinician:message_*",),
        ),
        Place(
            key="guidance",
            label=_("Guidance time"),
            url_name="clinician:guidance_report",
            pages=("clinician:guidance_report*",),
        ),
        Place(
            key="forum",
            label=_("Peer forum"),
            url_name="clinician:forum_take_part",
            pages=(
                "clinician:forum_browse",
                "clinician:forum_thread",
                "clinician:forum_topic_new",
            ),
        ),
        ACCOUNT,
    )
)

# The organisation's duty contact sees only the alerts that reached them.
DUTY_MENU = Menu(
    places=(
        Place(
            key="duty",
            label=_("Duty alerts"),
            url_name="clinician:duty",
            pages=("clinician:alert_*",),
        ),
        ACCOUNT,
    )
)


# A forum moderator sees the forum's queue, posts and members, and nothing of anyone's records.
MODERATOR_MENU = Menu(
    places=(
        Place(
            key="forum",
            label=_("Forum moderation"),
            url_name="clinician:forum_queue",
            pages=("clinician:forum_*",),
        ),
        ACCOUNT,
    )
)


# The forum admin also runs the forum: its spaces and peer supporters.
FORUM_ADMIN_MENU = Menu(
    places=(
        Place(
            key="forum",
            label=_("Forum moderation"),
            url_name="clinician:forum_queue",
            pages=(
                "clinician:forum_queue",
                "clinician:forum_post*",
                "clinician:forum_member*",
                "clinician:forum_lookup",
                "clinician:forum_concern",
                "clinician:forum_topic_action",
                "clinician:forum_profile_report_handled",
            ),
        ),
        Place(
            key="forum_spaces",
            label=_("Forum spaces"),
            url_name="clinician:forum_spaces",
            pages=("clinician:forum_space*", "clinician:forum_programme_space"),
        ),
        ACCOUNT,
    )
)


# The organisation's manager sees the service report and their account: no patient page.
MANAGER_MENU = Menu(
    places=(
        Place(
            key="service",
            label=_("Service report"),
            url_name="clinician:service_report",
            pages=("clinician:service_report*",),
        ),
        ACCOUNT,
    )
)


def navigation(request):
    """Context processor: the clinician's, the duty contact's or the moderator's menu."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if user.is_clinician:
        return menu_context(request, CLINICIAN_MENU)
    if user.is_duty:
        return menu_context(request, DUTY_MENU)
    if user.is_manager:
        return menu_context(request, MANAGER_MENU)
    if user.is_forum_admin:
        return menu_context(request, FORUM_ADMIN_MENU)
    if user.is_moderator:
        return menu_context(request, MODERATOR_MENU)
    return {}
