"""Context every page may use."""

from __future__ import annotations

from care.emergency import emergency_numbers


def emergency(request):
    """The emergency and urgent-advice numbers every page may show (care/emergency.py)."""
    return {"emergency": emergency_numbers()}
