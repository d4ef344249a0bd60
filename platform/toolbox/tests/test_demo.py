import pytest
from django.core.management import call_command

from toolbox.models import CheckIn, CrisisPlanItem, JournalEntry, NetworkContact

pytestmark = pytest.mark.django_db


def test_demo_seed_fills_the_toolbox_once(settings):
    settings.LOCAL = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = [m.objects.count() for m in (CheckIn, CrisisPlanItem, NetworkContact, JournalEntry)]
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert counts == [
        m.objects.count() for m in (CheckIn, CrisisPlanItem, NetworkContact, JournalEntry)
    ]
    assert all(counts)
    assert CheckIn.objects.filter(private=True).count() == 1
