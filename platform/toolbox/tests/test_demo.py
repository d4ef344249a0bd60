import pytest

from tests.factories import GPFactory, PatientFactory
from toolbox import demo
from toolbox.models import CheckIn, CrisisPlanItem, JournalEntry, NetworkContact

pytestmark = pytest.mark.django_db

MODELS = (CheckIn, CrisisPlanItem, NetworkContact, JournalEntry)


def test_demo_seed_fills_the_toolbox_once():
    users = {"patient@example.org": PatientFactory(), "gp@example.org": GPFactory()}
    demo.seed(users=users)
    counts = [m.objects.count() for m in MODELS]
    demo.seed(users=users)
    assert counts == [m.objects.count() for m in MODELS]
    assert all(counts)
    assert CheckIn.objects.filter(private=True).count() == 1
    assert users["gp@example.org"].organisation.emergency_numbers.count() == 2
