from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


def patient_required(view):
    """Signed in, and a patient. A clinician following a patient link gets a clear 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_patient:
            raise PermissionDenied(_("This page is part of the patient's own workspace."))
        return view(request, *args, **kwargs)

    return wrapper
