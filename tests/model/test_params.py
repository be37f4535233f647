"""The parameter schema: completeness and validation messages."""

import math

import pytest

from model.params import (
    DEFAULTS,
    GROUPS,
    LEVERS,
    SCHEMA,
    ParamError,
    parse_assignment,
    resolve,
    validate,
)


def test_levers_exist_with_exact_names():
    assert LEVERS == ("supervision", "one_veto_targets", "retroactive_risk", "tolerance")
    assert all(SCHEMA[n].group == "levers" for n in LEVERS)


@pytest.mark.parametrize("p", list(SCHEMA.values()), ids=list(SCHEMA))
def test_every_parameter_is_documented_and_default_in_range(p):
    assert p.low <= p.default <= p.high
    assert p.group in GROUPS
    for text in (p.unit, p.label_en, p.label_zh, p.en, p.zh, p.source):
        assert text.strip()
    # the Chinese text really is Chinese
    assert any("\u4e00" <= ch <= "\u9fff" for ch in p.label_zh + p.zh)
    assert p.validate(p.default) == p.default


@pytest.mark.parametrize(
    "name,value",
    [
        ("supervision", 1.5),
        ("supervision", -0.1),
        ("supervision", math.nan),
        ("supervision", "abc"),
        ("supervision", True),
        ("one_veto_targets", 2.5),
        ("one_veto_targets", 31),
        ("tolerance", math.inf),
        ("lookback", 0),
        ("tolerance", None),
    ],
)
def test_bad_values_name_parameter_value_and_range(name, value):
    with pytest.raises(ParamError) as e:
        validate({name: value})
    msg = str(e.value)
    assert name in msg and repr(value) in msg
    assert f"[{SCHEMA[name].low}, {SCHEMA[name].high}]" in msg
    assert "\n" not in msg


def test_unknown_parameter_suggests_close_name():
    with pytest.raises(ParamError, match="unknown parameter 'supervison'.*supervision"):
        validate({"supervison": 0.2})


def test_resolve_types_and_defaults():
    full = resolve({"one_veto_targets": "7", "supervision": "0.0025"})
    assert full["one_veto_targets"] == 7 and isinstance(full["one_veto_targets"], int)
    assert full["supervision"] == 0.0025
    assert set(full) == set(DEFAULTS)


def test_parse_assignment():
    assert parse_assignment("tolerance=0.9") == ("tolerance", 0.9)
    with pytest.raises(ParamError, match="NAME=VALUE"):
        parse_assignment("tolerance")


def test_negative_zero_is_stored_as_zero() -> None:
    # -0.0 == 0.0, so a write of -0.0 must not leave a value whose sign differs from the
    # one the model's caches were computed with (the regime is keyed on equal values).
    x = validate({"supervision": -0.0})["supervision"]
    assert x == 0.0 and math.copysign(1.0, x) == 1.0
