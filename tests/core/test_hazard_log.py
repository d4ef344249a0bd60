"""Every hazard names tests, and every named test exists (so a renamed test cannot silently
leave a hazard uncovered)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOG = ROOT / "docs" / "hazard-log.md"
REFERENCE = re.compile(r"`([\w/.]+\.py)?((?:::\w+)+)?`")


def references():
    for line in LOG.read_text().splitlines():
        if not line.startswith("| H"):
            continue
        hazard = line.split("|")[1].strip()
        current = None
        found = []
        for path, names in REFERENCE.findall(line.split("|")[-2]):
            current = path or current
            found.append((current, names))
        yield hazard, found


def test_every_hazard_names_at_least_one_test_that_exists():
    hazards = list(references())
    assert len(hazards) >= 10
    for hazard, found in hazards:
        assert found, f"{hazard} names no test"
        for path, names in found:
            assert path, f"{hazard}: a test name without a file"
            source = (ROOT / path).read_text()
            for name in filter(None, (names or "").split("::")):
                assert re.search(rf"(def|class) {name}\b", source), (
                    f"{hazard}: {path}::{name} does not exist"
                )
