"""Each health rule and its threshold, on plain data (no database)."""

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import translation

from rapport.reports import health
from rapport.reports.health import (
    AMBER,
    GREEN,
    GREY,
    RED,
    HealthData,
    IssueFact,
    MilestoneFact,
    RiskFact,
)

START = date(2026, 1, 1)
END = date(2026, 12, 31)  # 364 days
TODAY = date(2026, 7, 2)  # half the time elapsed


def facts(**overrides):
    values = {
        "as_of": TODAY,
        "start_date": START,
        "baseline_end": END,
        "forecast_end": END,
        "milestones": [],
        "bac": Decimal("100000"),
        "ac": Decimal("40000"),
        "cpi": Decimal("1.00"),
    }
    values.update(overrides)
    return HealthData(**values)


def verdict(name, data, **limits):
    return health.DIMENSIONS[name](data, health.thresholds(limits))


def codes(result):
    return [r["code"] for r in result.reasons]


# --- schedule -------------------------------------------------------------------------------


def test_schedule_is_green_when_nothing_is_late():
    done = MilestoneFact("Kick-off", date(2026, 2, 1), done_date=date(2026, 2, 1))
    future = MilestoneFact("Launch", date(2026, 10, 1))
    result = verdict("schedule", facts(milestones=[done, future]))
    assert result.colour == GREEN
    assert result.reasons == []


def test_an_overdue_milestone_is_amber_and_named_with_its_days():
    late = MilestoneFact("Design sign-off", TODAY - timedelta(days=12))
    later = MilestoneFact("Data migrated", TODAY - timedelta(days=3))
    result = verdict("schedule", facts(milestones=[later, late]))
    assert result.colour == AMBER
    with translation.override("en"):
        assert health.reason_text(result.reasons[0]) == (
            "2 milestones overdue: Design sign-off (12 days), Data migrated (3 days)"
        )


def test_a_passed_forecast_date_makes_a_milestone_overdue_too():
    milestone = MilestoneFact("Pilot", date(2026, 9, 1), forecast_date=TODAY - timedelta(days=1))
    assert verdict("schedule", facts(milestones=[milestone])).colour == AMBER


def test_a_milestone_done_late_is_not_overdue():
    milestone = MilestoneFact("Pilot", date(2026, 5, 1), done_date=date(2026, 5, 20))
    assert verdict("schedule", facts(milestones=[milestone])).colour == GREEN


def test_the_client_never_reads_an_internal_milestone_name():
    internal = MilestoneFact("Code freeze", TODAY - timedelta(days=5), client_visible=False)
    result = verdict("schedule", facts(milestones=[internal]))
    with translation.override("en"):
        assert "Code freeze" in health.reason_text(result.reasons[0])
        assert "Code freeze" not in health.reason_text(result.reasons[0], for_client=True)


def test_an_end_slip_within_ten_percent_is_amber():
    slip = facts(forecast_end=END + timedelta(days=36))  # 9.9% of 364 days
    result = verdict("schedule", slip)
    assert result.colour == AMBER
    assert codes(result) == ["end_slip"]


def test_an_end_slip_beyond_ten_percent_is_red():
    assert verdict("schedule", facts(forecast_end=END + timedelta(days=37))).colour == RED


def test_the_schedule_threshold_comes_from_the_organisation():
    slip = facts(forecast_end=END + timedelta(days=37))
    assert verdict("schedule", slip, schedule_red_percent="20").colour == AMBER


# --- budget ---------------------------------------------------------------------------------


def test_budget_on_plan_is_green():
    assert verdict("budget", facts()).colour == GREEN


def test_cpi_below_one_is_amber():
    result = verdict("budget", facts(cpi=Decimal("0.95")))
    assert (result.colour, codes(result)) == (AMBER, ["cpi_low"])


def test_cpi_below_point_nine_is_red():
    assert verdict("budget", facts(cpi=Decimal("0.89"))).colour == RED
    assert verdict("budget", facts(cpi=Decimal("0.90"))).colour == AMBER


def test_cpi_thresholds_come_from_the_organisation():
    assert verdict("budget", facts(cpi=Decimal("0.89")), cpi_red_below="0.8").colour == AMBER


def test_burn_ahead_of_time_is_amber():
    # 50% of the time elapsed; 56% spent is more than 5 points ahead, 55% is not
    result = verdict("budget", facts(ac=Decimal("56000")))
    assert (result.colour, codes(result)) == (AMBER, ["burn_ahead"])
    assert verdict("budget", facts(ac=Decimal("55000"))).colour == GREEN
    assert verdict("budget", facts(ac=Decimal("56000")), burn_ahead_points="10").colour == GREEN


def test_costs_without_a_budget_are_amber():
    assert verdict("budget", facts(bac=Decimal("0"), cpi=None)).colour == AMBER


# --- scope ----------------------------------------------------------------------------------


def test_scope_without_changes_is_green():
    assert verdict("scope", facts()).colour == GREEN


def test_pending_changes_are_amber_and_named():
    result = verdict("scope", facts(pending_changes=["CR-001", "CR-004"]))
    assert result.colour == AMBER
    with translation.override("en"):
        assert health.reason_text(result.reasons[0]) == "2 change requests pending: CR-001, CR-004"


def test_approved_changes_adding_over_ten_percent_to_the_budget_are_amber():
    # the budget now holds 111,000 of which 11,000 came from changes: 11% more
    grown = facts(bac=Decimal("111000"), approved_change_cost=Decimal("11000"))
    result = verdict("scope", grown)
    assert (result.colour, codes(result)) == (AMBER, ["changes_grew_budget"])
    small = facts(bac=Decimal("110000"), approved_change_cost=Decimal("10000"))
    assert verdict("scope", small).colour == GREEN


def test_approved_changes_adding_over_twenty_percent_are_red():
    grown = facts(bac=Decimal("130000"), approved_change_cost=Decimal("30000"))
    assert verdict("scope", grown).colour == RED
    assert verdict("scope", facts(approved_change_days=80)).colour == RED  # 22% of 364 days
    assert verdict("scope", facts(approved_change_days=40)).colour == AMBER  # 11%
    assert verdict("scope", facts(approved_change_days=36)).colour == GREEN


# --- risks and issues -----------------------------------------------------------------------


def test_risks_and_issues_are_green_without_open_trouble():
    low = RiskFact("R-001", "Printer jams", score=4, mitigated=False)
    mitigated = RiskFact("R-002", "Designer leaves", score=20, mitigated=True)
    later = IssueFact("I-001", "Typo", due_date=TODAY + timedelta(days=3))
    result = verdict("risks_issues", facts(open_risks=[low, mitigated], open_issues=[later]))
    assert (result.colour, result.reasons) == (GREEN, [])


def test_a_high_risk_without_mitigation_is_amber_from_the_threshold():
    risk = RiskFact("R-003", "Vendor bankrupt", score=15, mitigated=False)
    result = verdict("risks_issues", facts(open_risks=[risk]))
    assert (result.colour, codes(result)) == (AMBER, ["high_risks_unmitigated"])
    assert result.reasons[0]["params"]["risks"] == [
        {"reference": "R-003", "title": "Vendor bankrupt", "internal": True, "score": 15}
    ]
    assert verdict("risks_issues", facts(open_risks=[risk]), risk_high_score="16").colour == GREEN


def test_an_overdue_issue_is_amber_and_red_past_the_threshold():
    late = IssueFact("I-002", "API changed", due_date=TODAY - timedelta(days=14))
    result = verdict("risks_issues", facts(open_issues=[late]))
    assert (result.colour, codes(result)) == (AMBER, ["issues_overdue"])
    assert result.reasons[0]["params"]["issues"][0]["days"] == 14
    later = IssueFact("I-003", "Data lost", due_date=TODAY - timedelta(days=15))
    assert verdict("risks_issues", facts(open_issues=[late, later])).colour == RED
    assert (
        verdict("risks_issues", facts(open_issues=[later]), issue_red_overdue_days="30").colour
        == AMBER
    )


def test_an_open_issue_affecting_the_schedule_is_amber():
    issue = IssueFact("I-004", "Server delivery late", affects_schedule=True, client_visible=True)
    result = verdict("risks_issues", facts(open_issues=[issue]))
    assert (result.colour, codes(result)) == (AMBER, ["issues_affect_schedule"])
    assert "I-004 Server delivery late" in health.reason_text(result.reasons[0], for_client=True)


def test_the_client_reads_internal_risks_and_issues_unnamed():
    risk = RiskFact("R-005", "Our subcontractor is slow", score=20, mitigated=False)
    issue = IssueFact("I-006", "Our build server died", due_date=TODAY - timedelta(days=2))
    result = verdict("risks_issues", facts(open_risks=[risk], open_issues=[issue]))
    client = " ".join(health.reason_text(r, for_client=True) for r in result.reasons)
    assert "subcontractor" not in client and "build server" not in client
    assert "an internal risk" in client and "an internal issue" in client
    team = " ".join(health.reason_text(r) for r in result.reasons)
    assert "R-005 Our subcontractor is slow" in team and "I-006" in team


def test_risk_and_issue_thresholds_are_whole_numbers_in_range():
    assert health.check_thresholds({"risk_high_score": "12"}) == {"risk_high_score": "12"}
    for name, value in [
        ("risk_high_score", "0"),
        ("risk_high_score", "26"),
        ("risk_high_score", "12.5"),
        ("issue_red_overdue_days", "-1"),
        ("issue_red_overdue_days", "3.5"),
    ]:
        try:
            health.check_thresholds({name: value})
        except ValidationError as error:
            assert name in error.message_dict
        else:
            raise AssertionError(f"{name}={value} was accepted")


# --- placeholders and overall ---------------------------------------------------------------


def test_satisfaction_is_grey_without_feedback():
    result = verdict("satisfaction", facts())
    assert (result.colour, codes(result)) == (GREY, ["no_feedback"])


def test_overall_is_the_worst_measured_colour():
    assessment = health.assess(facts(cpi=Decimal("0.5"), pending_changes=["CR-001"]))
    assert assessment["overall"] == RED
    assert assessment["dimensions"]["scope"]["colour"] == AMBER
    assert health.assess(facts())["overall"] == GREEN


def test_a_later_feature_plugs_in_its_rule(monkeypatch):
    monkeypatch.setitem(
        health.DIMENSIONS, "risks_issues", lambda data, limits: health.Verdict(RED, [])
    )
    assert health.assess(facts())["overall"] == RED


def test_unreadable_threshold_overrides_are_ignored():
    limits = health.thresholds({"cpi_red_below": "lots", "unknown": 3, "scope_red_percent": -1})
    assert limits == health.DEFAULT_THRESHOLDS


def test_reasons_read_in_chinese():
    result = verdict("budget", facts(cpi=Decimal("0.5")))
    with translation.override("zh-hans"):
        text = health.reason_text(result.reasons[0])
    assert "0.5" in text
    assert "Cost performance index" not in text
