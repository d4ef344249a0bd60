from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


def clinician_required(view):
    """Signed in, and a GP or therapist. Others get a clear 403 (the page itself is no secret)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_clinician:
            raise PermissionDenied(_("This page is for GPs and therapists."))
        return view(request, *args, **kwargs)

    return wrapper


def care_staff_required(view):
    """Signed in, and a GP, a therapist or a duty contact (the alert pages: a duty contact
    opens the alerts that reached them). Others get a clear 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (request.user.is_clinician or request.user.is_duty):
            raise PermissionDenied(_("This page is for GPs, therapists and duty contacts."))
        return view(request, *args, **kwargs)

    return wrapper


def moderator_required(view):
    """Signed in, and a forum moderator (docs/forum.md). Others get a clear 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_moderator:
            raise PermissionDenied(_("This page is for the forum's moderators."))
        return view(request, *args, **kwargs)

    return wrapper


def forum_admin_required(view):
    """Signed in, and the forum's admin (its spaces and peer supporters). Others get a 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_forum_admin:
            raise PermissionDenied(_("This page is for the forum's admins."))
        return view(request, *args, **kwargs)

    return wrapper


def manager_required(view):
    """Signed in, and the manager of an organisation (the organisation admin role with an
    organisation): the service report's aggregates, never a patient. Others get a 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_manager:
            raise PermissionDenied(_("This page is for the organisation's managers."))
        return view(request, *args, **kwargs)

    return wrapper
