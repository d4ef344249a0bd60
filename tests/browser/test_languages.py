"""A Danish and a Norwegian patient, and a Danish GP, walk their main tasks in a real browser:
the dashboard, a programme page, the PHQ-9, the crisis plan, messages, the caseload and a patient
overview. Each page is read twice, in English and in the person's language, and no English word
of the interface may be left on the translated page; axe finds no WCAG 2.2 A/AA violation there.

What may stay the same on both readings is what people wrote themselves (names, messages, goals,
the crisis plan's entries: collected from the database, not listed here), and the few words that
are the same in every language (brand and questionnaire names). The PHQ-9 is shown in English to
Danish and Norwegian readers until their published translation is verified (docs/measures.md):
its texts are marked ``lang="en"``, as is an untranslated programme page, and text marked as
another language is left out of the comparison (it is honest about its language).
"""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.db import models

from accounts.models import User
from accounts.services import user_language_set
from care.models import Workspace
from content.models import Page
from tests.browser.test_design_system import (
    DESKTOP,
    demo,  # noqa: F401 - fixture
    pages,  # noqa: F401 - fixture
    sign_in,
    wcag_violations,
)

pytestmark = pytest.mark.django_db(transaction=True)

WORD = re.compile(r"[^\W\d_]{3,}")
# The same in English, Danish and Norwegian, or names: never a sign of a missing translation.
SAME_IN_EVERY_LANGUAGE = {
    "Guided", "Care", "PHQ", "GAD", "WHO", "API", "PDF", "FHIR",
    # English words that are Danish or Norwegian words too
    "Patient", "patient", "data", "over", "person", "Stress", "stress", "Region", "status",
    "Status", "program", "plan", "modul", "start", "Start", "ide", "sms", "e-mail", "normal",
    "pause", "situation", "system", "score", "Score", "Minimal",
    "time",  # Danish for "hour"
    "like",  # Norwegian for "alike"
    "Check", "check", "ins",  # Danish writes the loanword "check-in"
}  # fmt: skip
# Apps whose rows hold what people wrote (never translated) rather than the product's words;
# of the content app, the programme itself is translated, what people wrote about it is not.
USER_CONTENT_APPS = {
    "accounts", "care", "goals", "messaging", "toolbox", "measures", "alerts", "content",
    "guidance",
}  # fmt: skip
PRODUCT_TEXT = {"Programme", "Module", "Page", "Exercise", "MediaAsset"}


def words(text: str) -> set[str]:
    return set(WORD.findall(text))


def written_by_people() -> set[str]:
    """Every word of every text column of the apps that hold what people wrote."""
    found: set[str] = set()
    for model in apps.get_models():
        if model._meta.app_label not in USER_CONTENT_APPS or model.__name__ in PRODUCT_TEXT:
            continue
        columns = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
            and not f.choices
        ]
        if not columns:
            continue
        for row in model.objects.values_list(*columns):
            found |= words(" ".join(_strings(row)))
    return found


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list | tuple):
        return [text for item in value for text in _strings(item)]
    return []


def _patient_urls(email: str) -> dict[str, str]:
    workspace = Workspace.objects.get(patient__email=email)
    first = Page.objects.filter(module__position=1, position=1).first()
    return {
        "dashboard": "/me/",
        "programme page": f"/me/programme/pages/{first.pk}/",
        "questionnaires": "/me/measures/",
        "crisis plan": "/me/crisis-plan/",
        "messages": "/me/messages/",
        "_workspace": str(workspace.pk),
    }


# The page's text without what it marks as written in another language (an English
# questionnaire not yet verified in the reader's language, an untranslated programme page,
# each language's own name in the switcher): that text is honest about its language.
READ = """() => {
  const lang = document.documentElement.lang;
  const body = document.body.cloneNode(true);
  body.querySelectorAll('[lang]').forEach(el => { if (el.lang !== lang) el.remove(); });
  body.querySelectorAll('script, style, template').forEach(el => el.remove());
  document.documentElement.appendChild(body);
  const text = body.innerText;
  body.remove();
  return text;
}"""


def _read(page, base_url: str, url: str) -> str:
    page.goto(base_url + url)
    page.wait_for_load_state()
    return page.evaluate(READ)


def _phq9(page, base_url: str) -> str:
    """Open the PHQ-9 from the questionnaires page, as a patient would."""
    page.goto(base_url + "/me/measures/")
    page.check("#start-phq9")
    page.locator("form:has(#start-phq9) button[type=submit]").click()
    page.wait_for_load_state()
    return page.url.removeprefix(base_url)


def leftovers(english: str, translated: str, allowed: set[str]) -> list[str]:
    return sorted((words(english) & words(translated)) - allowed - SAME_IN_EVERY_LANGUAGE)


@pytest.mark.parametrize(
    ("email", "language"),
    [("patient@example.org", "da"), ("patient2@example.org", "nb"), ("gp@example.org", "da")],
)
def test_the_main_tasks_have_no_english_left_and_meet_wcag(
    pages,  # noqa: F811
    live_server,
    demo,  # noqa: F811
    email,
    language,
):
    user = User.objects.get(email=email)
    allowed = written_by_people()
    if user.is_patient:
        urls = _patient_urls(email)
        urls.pop("_workspace")
    else:
        workspace = Workspace.objects.get(patient__email="patient@example.org")
        urls = {"caseload": "/clinic/", "patient overview": f"/clinic/patients/{workspace.pk}/"}
    page = pages(DESKTOP)
    user_language_set(user=user, language="en")
    sign_in(page, live_server.url, email)
    if user.is_patient:
        urls["PHQ-9"] = _phq9(page, live_server.url)
    english = {name: _read(page, live_server.url, url) for name, url in urls.items()}
    user_language_set(user=user, language=language)
    problems = []
    for name, url in urls.items():
        text = _read(page, live_server.url, url)
        assert page.evaluate("document.documentElement.lang") == language
        left = leftovers(english[name], text, allowed)
        if left:
            problems.append(f"{name} ({url}): English left: {left}")
        problems += [f"{name} ({url}): {v}" for v in wcag_violations(page)]
    assert not problems, "\n".join(problems)
