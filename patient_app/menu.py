"""The patient's menu: five places, each with its pages and sub-items.

This module is the one place that decides where a patient page sits. A page not claimed here
has no current place, and ``tests/ui/test_navigation.py`` fails for it.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from config.menus import Link, Menu, Place, menu_context

# The crisis plan is also one tap away in the page header on every patient page (base.html).
PATIENT_MENU = Menu(
    places=(
        Place(
            key="today",
            label=_("Today"),
            url_name="patient:dashboard",
            items=(
                Link(_("Today"), "patient:dashboard"),
                Link(_("Help"), "patient:help"),
            ),
            pages=("patient:offline",),
        ),
        Place(
            key="programme",
            label=_("My programme"),
            url_name="patient:programme_overview",
            items=(
                Link(_("Overview"), "patient:programme_overview", ("patient:programme_*",)),
                Link(_("Questionnaires"), "patient:measures", ("patient:measure*",)),
                Link(_("My takeaways"), "patient:programme_takeaways"),
            ),
        ),
        Place(
            key="tools",
            label=_("My tools"),
            url_name="patient:checkin_today",
            items=(
                Link(_("Check-in"), "patient:checkin_today", ("patient:checkin_*",)),
                Link(_("My crisis plan"), "patient:crisis_plan", ("patient:crisis_*",)),
                Link(_("My goals"), "patient:goal_list", ("patient:goal_*",)),
                Link(_("My habits"), "patient:habit_list", ("patient:habit_*",)),
                Link(_("My network"), "patient:network", ("patient:network_*",)),
                Link(_("My journal"), "patient:journal", ("patient:journal_*",)),
                Link(_("Exercise library"), "patient:exercise_library", ("patient:exercise_*",)),
            ),
        ),
        Place(
            key="messages",
            label=_("Messages"),
            url_name="patient:message_threads",
            items=(
                Link(_("Messages"), "patient:message_threads", ("patient:message_*",)),
                Link(_("Peer support forum"), "patient:forum_home", ("patient:forum_*",)),
            ),
        ),
        Place(
            key="me",
            label=_("Me"),
            url_name="accounts:profile",
            items=(
                Link(_("My account"), "accounts:profile", ("accounts:*",)),
                Link(_("My care team"), "patient:care_team", ("patient:care_team_*",)),
                Link(_("My courses of care"), "patient:courses", ("patient:course_*",)),
                Link(_("People I trust"), "patient:relatives", ("patient:relative_*",)),
                Link(_("Reminders"), "patient:reminders", ("patient:reminder_*", "patient:push_*")),
                Link(_("Sharing"), "patient:sharing", ("patient:sharing_*",)),
                Link(_("Who has seen my data"), "patient:access_log"),
                Link(_("My data"), "patient:my_data", ("patient:erase",)),
            ),
            pages=("patient:invitation",),
        ),
    )
)


def navigation(request):
    """Context processor: the patient's menu on every page a patient sees."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_patient:
        return {}
    return menu_context(request, PATIENT_MENU)
