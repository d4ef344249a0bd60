"""The relative's menu: what has been shared with them, and their account."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from config.menus import Link, Menu, Place, menu_context

RELATIVE_MENU = Menu(
    places=(
        Place(
            key="shared",
            label=_("Shared with me"),
            url_name="relative:home",
            pages=("relative:*",),
        ),
        Place(
            key="account",
            label=_("Account"),
            url_name="accounts:profile",
            items=(
                Link(_("My account"), "accounts:profile"),
                Link(_("Password"), "accounts:password_change", ("accounts:password_*",)),
                Link(_("Two-step sign-in"), "accounts:mfa_setup", ("accounts:mfa_*",)),
            ),
            pages=("accounts:*",),
        ),
    )
)


def navigation(request):
    """Context processor: the relative's menu on every page a relative sees."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_relative:
        return {}
    return menu_context(request, RELATIVE_MENU)
