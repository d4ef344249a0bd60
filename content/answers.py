"""Checking an exercise answer against the exercise's small form schema.

An answer is a mapping of field name to value: text for ``text``, a whole number for ``scale``,
one option value for ``choice``, a list of option values for ``checklist``. A draft may leave
fields empty; a submitted answer must fill the required ones. Anything else (unknown fields,
too long, out of range, unknown options) is refused with a message per field.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_FIELDS = 40


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def clean_answer(fields: list[dict], data: Any, *, submit: bool) -> dict:
    """The cleaned answer, or ValidationError({field: [message]})."""
    if not isinstance(data, dict):
        raise ValidationError({"data": [_("An answer is a set of named fields.")]})
    by_name = {f["name"]: f for f in fields}
    errors: dict[str, list[str]] = {}
    unknown = [key for key in data if key not in by_name]
    if unknown or len(data) > MAX_FIELDS:
        errors["data"] = [
            _("This exercise has no field called “%(name)s”.") % {"name": str(unknown[0])[:40]}
        ]
    cleaned: dict[str, Any] = {}
    for name, spec in by_name.items():
        value = data.get(name)
        if _empty(value):
            if submit and spec.get("required"):
                errors[name] = [_("Please fill this in before saving.")]
            continue
        kind = spec["type"]
        if kind == "text":
            if not isinstance(value, str):
                errors[name] = [_("Please write text here.")]
            elif len(value) > spec.get("max_length", 2000):
                errors[name] = [
                    _("Please keep this under %(max)s characters (it is %(length)s now).")
                    % {"max": spec.get("max_length", 2000), "length": len(value)}
                ]
            else:
                cleaned[name] = value.strip()
        elif kind == "scale":
            try:
                number = int(value)
            except (TypeError, ValueError):
                errors[name] = [_("Please choose a number on the scale.")]
                continue
            if isinstance(value, bool) or not spec["min"] <= number <= spec["max"]:
                errors[name] = [
                    _("Please choose a number from %(min)s to %(max)s.")
                    % {"min": spec["min"], "max": spec["max"]}
                ]
            else:
                cleaned[name] = number
        else:
            values = {o["value"] for o in spec["options"]}
            if kind == "choice":
                if not isinstance(value, str) or value not in values:
                    errors[name] = [_("Please choose one of the options.")]
                else:
                    cleaned[name] = value
            else:
                if isinstance(value, str):
                    value = [value]
                if not isinstance(value, list) or not all(
                    isinstance(v, str) and v in values for v in value
                ):
                    errors[name] = [_("Please tick options from the list.")]
                else:
                    cleaned[name] = [o["value"] for o in spec["options"] if o["value"] in value]
    if errors:
        raise ValidationError(errors)
    return cleaned


def answer_from_form(fields: list[dict], post) -> dict:
    """Read a submitted HTML form (a QueryDict) into an answer mapping."""
    data = {}
    for spec in fields:
        name = spec["name"]
        if spec["type"] == "checklist":
            data[name] = post.getlist(name)
        else:
            data[name] = post.get(name, "")
    return data
