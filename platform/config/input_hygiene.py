"""Input hygiene in one place: what the platform refuses in every request, whatever the route.

Three gates share the rules below, so that no form, serializer or socket message needs to
remember them:

* ``InputHygieneMiddleware``: the query string, the form fields (urlencoded and multipart) and
  uploaded file names of every HTTP request;
* ``HygienicJSONParser``: every JSON request body of the API (the default DRF parser);
* ``loads_frame``: every frame of the live socket (``messaging.consumers``).

They refuse text holding NUL (``\\x00``) or an unpaired surrogate (``\\ud800``-``\\udfff``, which
JSON can carry as an escape): such text cannot be encoded as UTF-8, PostgreSQL refuses NUL, and
once stored it would break every page that shows it. They also refuse JSON nested deeper than
``MAX_JSON_DEPTH``. A refused request gets a 400 with a readable message and reaches no view.

Dates are bounded by field classes, used for every date a form or serializer accepts:
``DateField``/``ApiDateField`` (1900 to 2100) and, for schedules and plans, which are computed
forward from their dates, ``PlanDateField``/``ApiPlanDateField`` (also within
``PLAN_HORIZON_DAYS`` of today). ``tests/core/test_input_hygiene_walk.py`` fails when a form or
an API body accepts an unbounded date.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_JSON_DEPTH = 32
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)
# Schedules, programme starts, covers and reviews: about five years either side of today.
PLAN_HORIZON_DAYS = 5 * 366

_UNSAFE_TEXT = re.compile("[\x00\ud800-\udfff]")

TEXT_MESSAGE = _(
    "This text contains a character that cannot be stored (a NUL character or a broken "
    "Unicode character). Please remove it and try again."
)
DEPTH_MESSAGE = _("The data is nested too deeply (at most %(depth)d levels).")
DATE_MESSAGE = _("Please give a date between %(earliest)s and %(latest)s.")


class InputRefused(ValueError):
    """Raised by the checks below; ``message`` is ready to show to the sender."""

    def __init__(self, message, code: str):
        super().__init__(str(message))
        self.message = message
        self.code = code


def text_is_clean(value: str) -> bool:
    return _UNSAFE_TEXT.search(value) is None


def validate_clean_text(value) -> None:
    """A Django validator: no NUL, no unpaired surrogate."""
    if isinstance(value, str) and not text_is_clean(value):
        raise ValidationError(TEXT_MESSAGE, code="unsafe_text")


def check_data(data, *, max_depth: int = MAX_JSON_DEPTH) -> None:
    """Raise ``InputRefused`` when decoded JSON nests deeper than ``max_depth`` or holds unsafe
    text in any key or string. Iterative, so that depth itself cannot exhaust the stack."""
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str):
            if not text_is_clean(value):
                raise InputRefused(TEXT_MESSAGE, "invalid_text")
        elif isinstance(value, dict | list):
            if depth > max_depth:
                raise InputRefused(DEPTH_MESSAGE % {"depth": max_depth}, "too_deep")
            if isinstance(value, dict):
                pending.extend((key, depth) for key in value)
                pending.extend((item, depth + 1) for item in value.values())
            else:
                pending.extend((item, depth + 1) for item in value)


def loads_checked(text: str | bytes, *, max_depth: int = MAX_JSON_DEPTH):
    """``json.loads`` that raises ``InputRefused`` for unsafe text or too deep nesting, and
    ``ValueError`` for anything that is not JSON."""
    try:
        data = json.loads(text)
    except RecursionError:
        raise InputRefused(DEPTH_MESSAGE % {"depth": max_depth}, "too_deep") from None
    check_data(data, max_depth=max_depth)
    return data


# --- HTTP: query strings and form fields ---------------------------------------------------

_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _request_is_clean(request) -> bool:
    if not text_is_clean(request.path):
        return False
    sources = [request.GET]
    if request.content_type in _FORM_TYPES:
        sources += [request.POST, request.FILES]
    for source in sources:
        for key, values in source.lists():
            if not text_is_clean(key):
                return False
            for value in values:
                text = value if isinstance(value, str) else getattr(value, "name", "") or ""
                if not text_is_clean(text):
                    return False
    return True


class InputHygieneMiddleware:
    """Refuses, with a 400 and before any view runs, a request whose path, query string, form
    fields or uploaded file names hold NUL or an unpaired surrogate. API answers are JSON like
    every other API error (``{"detail": ...}``); pages show the message on the 400 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _request_is_clean(request):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": str(TEXT_MESSAGE)}, status=400)
            return render(request, "400.html", {"detail": TEXT_MESSAGE}, status=400)
        return self.get_response(request)


# --- API: JSON bodies ----------------------------------------------------------------------


class HygienicJSONParser(JSONParser):
    """DRF's JSON parser, refusing (400) unsafe text anywhere in the body and nesting deeper
    than ``MAX_JSON_DEPTH``."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(DEPTH_MESSAGE % {"depth": MAX_JSON_DEPTH}) from None
        try:
            check_data(data)
        except InputRefused as refused:
            raise ParseError(refused.message) from None
        return data


# --- dates -----------------------------------------------------------------------------------


def _date_range_error(earliest: date, latest: date) -> ValidationError:
    return ValidationError(
        DATE_MESSAGE,
        code="date_range",
        params={"earliest": earliest.isoformat(), "latest": latest.isoformat()},
    )


def validate_sensible_date(value) -> None:
    if isinstance(value, date) and not EARLIEST_DATE <= value <= LATEST_DATE:
        raise _date_range_error(EARLIEST_DATE, LATEST_DATE)


def validate_plan_date(value) -> None:
    """For dates that start or end something computed forward (a schedule, a programme, a
    cover, a review): within ``PLAN_HORIZON_DAYS`` of today."""
    if not isinstance(value, date):
        return
    today = timezone.localdate()
    earliest = today - timedelta(days=PLAN_HORIZON_DAYS)
    latest = today + timedelta(days=PLAN_HORIZON_DAYS)
    if not earliest <= value <= latest:
        raise _date_range_error(earliest, latest)


class DateField(forms.DateField):
    """A form date between 1900 and 2100."""

    default_validators = [validate_sensible_date]


class PlanDateField(forms.DateField):
    """A form date that plans something: within about five years of today."""

    default_validators = [validate_plan_date]


class ApiDateField(serializers.DateField):
    """An API date between 1900 and 2100."""

    default_validators = [validate_sensible_date]


class ApiPlanDateField(serializers.DateField):
    """An API date that plans something: within about five years of today."""

    default_validators = [validate_plan_date]
