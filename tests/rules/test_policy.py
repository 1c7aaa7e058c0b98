"""The policy data itself: every figure dated and sourced, the regimes in force on their dates."""
import datetime as dt

import pytest

from verwijzing.policy import PolicyError, load_policy, regime_at


def test_every_parameter_has_description_unit_source_and_dated_values():
    policy = load_policy()
    for parameter in [*policy.parameters.values(), *(p for s in policy.scenarios.values() for p in s.values())]:
        assert parameter.description and parameter.unit and parameter.reference, parameter.name
        assert parameter.values, parameter.name


def test_scenarios_only_override_known_parameters():
    policy = load_policy()
    for scenario in policy.scenarios.values():
        assert set(scenario) <= set(policy.parameters)


@pytest.mark.parametrize("day, regime, name, value", [
    (dt.date(2026, 12, 31), "loopbaancheque-overgang", "bijdrage_per_uur_kortgeschoold", None),
    (dt.date(2027, 1, 1), "loopbaankrediet", "bijdrage_per_uur_kortgeschoold", 15),
    (dt.date(2027, 1, 1), "loopbaankrediet", "bijdrage_per_uur_standaard", 25),
    (dt.date(2027, 1, 1), "loopbaankrediet", "krediet_uren", 6),
    (dt.date(2027, 1, 1), "loopbaankrediet", "blok_uren", 2),
    (dt.date(2027, 1, 1), "loopbaankrediet", "minimum_werkervaring_jaren", 7),
    (dt.date(2027, 1, 1), "loopbaankrediet", "vergoeding_begeleider_per_uur", 90),
    (dt.date(2026, 1, 1), "loopbaancheque-overgang", "vergoeding_begeleider_per_uur", 150.07),
    (dt.date(2027, 1, 1), "loopbaankrediet", "bewaartermijn_jaren", 5),
    (dt.date(2027, 1, 1), "loopbaankrediet", "jongeren_leeftijdsgrens", 30),
    (dt.date(2027, 1, 1), "loopbaankrediet", "begeleider_min_ervaring_jaren", 3),
])
def test_figures_by_date(day, regime, name, value):
    view = regime_at(day)
    assert view.name == regime
    assert view.value(name) == value


def test_serv_scenario_is_used_only_when_named():
    assert regime_at(dt.date(2030, 1, 1)).name == "loopbaankrediet"
    view = regime_at(dt.date(2030, 1, 1), "serv-advies")
    assert (view.value("minimum_werkervaring_jaren"), view.value("maximum_trajecten")) == (1, 3)
    assert view.value("bijdrage_per_uur_standaard") is None  # SERV gives no amount


def test_no_regime_before_the_transition():
    with pytest.raises(PolicyError):
        regime_at(dt.date(2025, 9, 30))
