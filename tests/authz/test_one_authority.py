"""One read-and-log authority (care.policies): no app keeps its own access helper, and the
policy's answers follow one status rule (404 to outsiders, 403 to members)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from care import policies
from care.sections import Section
from records.models import AccessLogEntry
from tests.factories import GPFactory, PatientFactory, TherapistFactory, add_member, workspace_for

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("platform", "content", "messaging", "patient_app", "clinician_app")
# A local access check: ``_require_owner``, ``_require_owner_or_member``, ``_require_goals_member``,
# ``_require_reader``, ``_owned``, ``_member_or_404`` and their kind.
LOCAL_ACCESS_HELPER = re.compile(
    r"^\s*def _(require_(owner|reader|member)\w*|require_\w+_member|owned\w*|member_or_404)\(",
    re.MULTILINE,
)


def _sources():
    for folder in SCANNED:
        for path in (ROOT / folder).rglob("*.py"):
            parts = set(path.relative_to(ROOT).parts)
            if "tests" in parts or "migrations" in parts:
                continue
            yield path


def test_no_app_keeps_its_own_access_helper():
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0).strip()}"
        for path in _sources()
        for match in LOCAL_ACCESS_HELPER.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == [], "use care.policies (require_owner, workspace_read, ...) instead"


def test_the_pattern_catches_the_helpers_it_replaced():
    for name in ("_require_owner", "_require_owner_or_member", "_require_goals_member",
                 "_require_reader", "_owned", "_member_or_404"):  # fmt: skip
        assert LOCAL_ACCESS_HELPER.search(f"def {name}(workspace, by):"), name
    assert not LOCAL_ACCESS_HELPER.search("def _require_open(proposal):")


# --- only the authority writes the access log -----------------------------------------------
#
# A read is said yes to and logged in one call of care.policies (``workspace_read``,
# ``workspace_read_sections``, ``list_read``, ``sections_read``). Nothing else writes the log,
# and nothing outside care.policies checks a section on its own (``_require_section`` is
# private; a check before a change is ``require_reader`` / ``workspace_for_change``).

LOG_WRITERS = {"access_record", "access_record_many", "access_record_sections"}
AUTHORITY = {"platform/care/policies.py"}


def _called(node) -> set[str]:
    """The names a piece of code calls: ``f(...)`` and ``anything.f(...)``."""
    names = set()
    for call in ast.walk(node):
        if isinstance(call, ast.Call):
            func = call.func
            if isinstance(func, ast.Name):
                names.add(func.id)
            elif isinstance(func, ast.Attribute):
                names.add(func.attr)
    return names


def reads_by_hand(source: str) -> set[str]:
    """What a module calls that only the read authority may call."""
    tree = ast.parse(source)
    found = _called(tree) & (LOG_WRITERS | {"_require_section"})
    for call in ast.walk(tree):
        # AccessLogEntry.objects.create(...) / .bulk_create(...)
        if (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr in {"create", "bulk_create"}
            and "AccessLogEntry" in ast.unparse(call.func.value)
        ):
            found.add("AccessLogEntry.objects." + call.func.attr)
    return found


def test_only_the_read_authority_writes_the_access_log():
    scanned, found = set(), []
    for path in _sources():
        name = str(path.relative_to(ROOT))
        if name in AUTHORITY or name.startswith("platform/records/"):
            continue
        scanned.add(name)
        calls = reads_by_hand(path.read_text(encoding="utf-8"))
        found += [f"{name}: {call}" for call in sorted(calls)]
    # The scan reaches the modules that used to log by hand (it is not empty by mistake).
    assert {
        "content/api.py",
        "messaging/pages.py",
        "clinician_app/alerts/views.py",
        "clinician_app/goals/views.py",
        "platform/toolbox/selectors.py",
    } <= scanned
    assert found == [], "read with care.policies (workspace_read, list_read ...): it logs"


HAND_MADE = """
def _read(request, workspace_id, section):
    workspace = policies.workspace_for_user(request.user, workspace_id)
    policies._require_section(request.user, workspace, section)
    care.access_record(actor=request.user, workspace=workspace, section=section.value, via="api")

def thread_page(request, thread_id):
    thread = selectors.thread_for_user(request.user, thread_id)
    access_record_many(actor=request.user, workspaces=[thread.workspace], section="messages")

def overview(request):
    AccessLogEntry.objects.bulk_create(rows)
"""
ONE_CALL = """
def _read(request, workspace_id, section):
    return policies.workspace_read(
        user=request.user, workspace_id=workspace_id, section=section, via="api"
    )

def inbox(request):
    policies.list_read(user=request.user, workspaces=shown, section="messages", via="web")

def schedule(request, workspace_id):
    workspace = policies.workspace_for_change(
        user=request.user, workspace_id=workspace_id, section=Section.MEASURES
    )
    services.schedule_set(workspace=workspace, by=request.user)
"""


def test_the_read_pattern_catches_every_way_of_logging_by_hand():
    assert reads_by_hand(HAND_MADE) == {
        "_require_section",
        "access_record",
        "access_record_many",
        "AccessLogEntry.objects.bulk_create",
    }
    assert reads_by_hand(ONE_CALL) == set()


@pytest.fixture
def people(db):
    workspace = workspace_for(PatientFactory())
    gp, therapist = GPFactory(), TherapistFactory()
    add_member(workspace, gp, [Section.GOALS])
    add_member(workspace, therapist, [])
    return workspace, {
        "owner": workspace.patient,
        "gp": gp,
        "therapist": therapist,
        "outsider": GPFactory(),
        "other_patient": PatientFactory(),
    }


# persona -> the exception each check raises (None: allowed)
OWNER_ONLY = {"owner": None, "gp": PermissionDenied, "therapist": PermissionDenied,
              "outsider": Http404, "other_patient": Http404}  # fmt: skip
GOALS_READ = {"owner": None, "gp": None, "therapist": policies.SectionNotShared,
              "outsider": Http404, "other_patient": Http404}  # fmt: skip


@pytest.mark.parametrize("persona", list(OWNER_ONLY))
def test_owner_only_answers_404_to_outsiders_and_403_to_members(people, persona):
    workspace, users = people
    expected = OWNER_ONLY[persona]
    if expected is None:
        policies.require_owner(users[persona], workspace)
    else:
        with pytest.raises(expected):
            policies.require_owner(users[persona], workspace)


@pytest.mark.parametrize("persona", list(GOALS_READ))
def test_workspace_read_fetches_requires_the_section_and_logs_the_yes(people, persona):
    workspace, users = people
    user, expected = users[persona], GOALS_READ[persona]
    if expected is None:
        got = policies.workspace_read(
            user=user, workspace_id=workspace.pk, section=Section.GOALS, via="api"
        )
        assert got == workspace
    else:
        with pytest.raises(expected):
            policies.workspace_read(
                user=user, workspace_id=workspace.pk, section=Section.GOALS, via="api"
            )
    logged = AccessLogEntry.objects.filter(actor=user, workspace=workspace, section="goals")
    # Logged exactly when a member is told yes; the owner's own reads are not logged.
    assert logged.count() == (1 if persona == "gp" else 0)


@pytest.mark.parametrize("persona", list(GOALS_READ))
def test_workspace_read_sections_logs_the_labels_and_only_the_shared_sections(people, persona):
    workspace, users = people
    user = users[persona]
    if persona in ("outsider", "other_patient"):
        with pytest.raises(Http404):
            policies.workspace_read_sections(
                user=user, workspace_id=workspace.pk, labels=["overview"], via="web"
            )
        assert not AccessLogEntry.objects.filter(actor=user).exists()
        return
    got, shared = policies.workspace_read_sections(
        user=user,
        workspace_id=workspace.pk,
        labels=["summary"],
        sections=[Section.GOALS, Section.MEASURES],
        via="web",
    )
    assert got == workspace
    assert shared == policies.shared_sections(user, workspace)
    logged = sorted(
        AccessLogEntry.objects.filter(actor=user, workspace=workspace).values_list("section", "via")
    )
    expected = {
        "owner": [],  # the owner's own reads are not logged
        "gp": [("goals", "web"), ("summary", "web")],  # measures is not shared with them
        "therapist": [("summary", "web")],  # nothing shared: refused nothing, logged no section
    }
    assert logged == expected[persona]
