import pytest
import yaml

from measures.definitions import (
    INSTRUMENT_DIR,
    DefinitionError,
    instruments,
    parse_definition,
)


def test_the_four_built_in_instruments_load_with_their_sources():
    loaded = instruments()
    assert set(loaded) >= {"phq9", "gad7", "phq15", "who5"}
    assert [len(loaded[c].items) for c in ("phq9", "gad7", "phq15", "who5")] == [9, 7, 15, 5]
    assert "Kroenke" in loaded["phq9"].source and "Pfizer" in loaded["phq9"].source
    assert "Spitzer" in loaded["gad7"].source
    assert "North Zealand" in loaded["who5"].source
    for instrument in loaded.values():
        assert instrument.reliable_change_source
        assert instrument.missing_source


def _phq9_data():
    return yaml.safe_load((INSTRUMENT_DIR / "phq9.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "breakage",
    [
        lambda d: d["bands"].pop(2),  # a gap in the bands
        lambda d: d["scoring"].update(max=30),  # max does not match the items
        lambda d: d["items"].append({"number": 1, "text": "again"}),  # duplicate number
        lambda d: d["safety"].append({"item": 12, "min_value": 1, "rule": "x"}),
        lambda d: d.pop("source"),
        lambda d: d["scoring"].update(method="mean"),
    ],
)
def test_a_malformed_definition_fails_loudly(breakage):
    data = _phq9_data()
    breakage(data)
    with pytest.raises(DefinitionError):
        parse_definition(data)


def test_adding_an_instrument_is_adding_a_definition():
    data = _phq9_data() | {"code": "phq2", "name": "PHQ-2", "safety": []}
    data["items"] = data["items"][:2]
    data["scoring"] = data["scoring"] | {"max": 6}
    data["bands"] = [
        {"code": "below", "min": 0, "max": 2, "label": "Below cut-off"},
        {"code": "above", "min": 3, "max": 6, "label": "At or above cut-off"},
    ]
    instrument = parse_definition(data)
    assert instrument.band_for(3).code == "above"
