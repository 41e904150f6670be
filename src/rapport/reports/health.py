"""Honest health: each dimension's colour computed from the data by documented rules, with its
reasons. Pure functions over ``HealthData``; no database, no request.

The rules (thresholds per organisation in ``Organisation.health_thresholds``, set on the
organisation settings page and checked by ``check_thresholds``; defaults below):

* Schedule — red when the forecast end is past the baseline end by more than
  ``schedule_red_percent`` of the project's planned duration; amber when any milestone is
  overdue (not done and its baseline or forecast date has passed) or the forecast end is past
  the baseline end at all.
* Budget — red when CPI is below ``cpi_red_below``; amber when CPI is below
  ``cpi_amber_below`` or the budget burn is ahead of the time elapsed by more than
  ``burn_ahead_points`` percentage points.
* Scope — amber while change requests are pending; approved changes adding more than
  ``scope_amber_percent`` to the budget or the planned duration are amber, more than
  ``scope_red_percent`` red.
* Risks and issues — red when an open issue is past its due date by more than
  ``issue_red_overdue_days`` days; amber when an open risk scoring ``risk_high_score`` or more
  (probability × impact) has no mitigation, when an open issue is past its due date, or when
  an open issue affects the schedule.
* Client satisfaction — from the client feedback (survey answers and entries the team
  recorded) of the last ``SATISFACTION_WINDOW_DAYS`` days: red when the average of any
  dimension (progress, quality, communication, other; 1–5) is ``SATISFACTION_RED_AT`` or
  less; amber when one is below ``SATISFACTION_AMBER_BELOW`` or the average recommendation
  (NPS question, 0–10) is ``DETRACTOR_AT`` or less; grey when there is no scored feedback.
* Overall — the worst colour of the measured dimensions.

Reasons are stored as ``{"code": ..., "params": ...}`` and put into words in the reader's
language by ``reason_text``, so a report written in English reads in Chinese too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

GREEN, AMBER, RED, GREY = "green", "amber", "red", "grey"
SEVERITY = {GREY: -1, GREEN: 0, AMBER: 1, RED: 2}
COLOUR_LABELS = {
    GREEN: gettext_lazy("Green"),
    AMBER: gettext_lazy("Amber"),
    RED: gettext_lazy("Red"),
    GREY: gettext_lazy("Unknown"),
}
SATISFACTION_LABELS = {
    "progress": gettext_lazy("progress"),
    "quality": gettext_lazy("quality"),
    "communication": gettext_lazy("communication"),
    "custom": gettext_lazy("other"),
}
STATED_CHOICES = [(c, COLOUR_LABELS[c]) for c in (GREEN, AMBER, RED)]

DEFAULT_THRESHOLDS: dict[str, Decimal] = {
    "schedule_red_percent": Decimal("10"),
    "cpi_red_below": Decimal("0.9"),
    "cpi_amber_below": Decimal("1.0"),
    "burn_ahead_points": Decimal("5"),
    "scope_amber_percent": Decimal("10"),
    "scope_red_percent": Decimal("20"),
    "risk_high_score": Decimal("15"),
    "issue_red_overdue_days": Decimal("14"),
}


# What each threshold may be, and the rule it drives in words, for the settings page.
PERCENT_BOUNDS, CPI_BOUNDS = (Decimal("0"), Decimal("100")), (Decimal("0"), Decimal("2"))
THRESHOLD_BOUNDS: dict[str, tuple[Decimal, Decimal]] = {
    "schedule_red_percent": PERCENT_BOUNDS,
    "cpi_red_below": CPI_BOUNDS,
    "cpi_amber_below": CPI_BOUNDS,
    "burn_ahead_points": PERCENT_BOUNDS,
    "scope_amber_percent": PERCENT_BOUNDS,
    "scope_red_percent": PERCENT_BOUNDS,
    "risk_high_score": (Decimal("1"), Decimal("25")),
    "issue_red_overdue_days": (Decimal("0"), Decimal("365")),
}
WHOLE_NUMBERS = frozenset({"risk_high_score", "issue_red_overdue_days"})
THRESHOLD_LABELS = {
    "schedule_red_percent": gettext_lazy("Schedule red above (percent of the planned duration)"),
    "cpi_red_below": gettext_lazy("Budget red below this CPI"),
    "cpi_amber_below": gettext_lazy("Budget amber below this CPI"),
    "burn_ahead_points": gettext_lazy("Budget amber when burn is ahead by (percentage points)"),
    "scope_amber_percent": gettext_lazy("Scope amber above (percent added by changes)"),
    "scope_red_percent": gettext_lazy("Scope red above (percent added by changes)"),
    "risk_high_score": gettext_lazy("High risk from this score (probability × impact)"),
    "issue_red_overdue_days": gettext_lazy(
        "Risks and issues red when an issue is overdue by (days)"
    ),
}
THRESHOLD_RULES = {
    "schedule_red_percent": gettext_lazy(
        "Schedule is red when the forecast end is past the baseline end by more than this "
        "percentage of the planned duration (amber for any slip or overdue milestone)."
    ),
    "cpi_red_below": gettext_lazy(
        "Budget is red when the cost performance index (CPI) is below this."
    ),
    "cpi_amber_below": gettext_lazy("Budget is amber when the CPI is below this."),
    "burn_ahead_points": gettext_lazy(
        "Budget is amber when the share of the budget spent is ahead of the share of the time "
        "elapsed by more than this many percentage points."
    ),
    "scope_amber_percent": gettext_lazy(
        "Scope is amber when approved changes add more than this percentage to the budget or "
        "the planned duration (and while change requests are pending)."
    ),
    "scope_red_percent": gettext_lazy(
        "Scope is red when approved changes add more than this percentage to the budget or the "
        "planned duration."
    ),
    "risk_high_score": gettext_lazy(
        "Risks and issues are amber when an open risk scoring this much or more (probability × "
        "impact, 1 to 25) has no mitigation."
    ),
    "issue_red_overdue_days": gettext_lazy(
        "Risks and issues are red when an open issue is past its due date by more than this many "
        "days (amber for any overdue issue, or an open issue that affects the schedule)."
    ),
}
MAX_PLACES = 2


def _plain_number(number: Decimal) -> str:
    """``Decimal("20.0")`` → ``"20"``, never ``"2E+1"`` (nor ``"-0"``)."""
    return format((number + 0).normalize(), "f")


def _places(number: Decimal) -> int:
    exponent = number.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def check_thresholds(values: Mapping[str, Any]) -> dict[str, str]:
    """An organisation's thresholds checked together (a missing or empty one is the
    default); returns what to store: only the values that differ from the default, so a later
    change of a default reaches every organisation that kept it."""
    unknown = set(values) - set(DEFAULT_THRESHOLDS)
    if unknown:
        raise TypeError(f"unknown thresholds: {sorted(unknown)}")
    limits, errors = dict(DEFAULT_THRESHOLDS), {}
    for name, (low, high) in THRESHOLD_BOUNDS.items():
        value = values.get(name)
        if value is None or value == "":
            continue
        try:
            number = Decimal(str(value).strip()) if not isinstance(value, bool) else None
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            errors[name] = _("Enter a number.")
        elif not low <= number <= high:
            errors[name] = _("Enter a number from %(low)s to %(high)s.") % {
                "low": low,
                "high": high,
            }
        elif name in WHOLE_NUMBERS and _places(number) > 0:
            errors[name] = _("Enter a whole number.")
        elif _places(number) > MAX_PLACES:
            errors[name] = _("Use at most %(places)s decimal places.") % {"places": MAX_PLACES}
        else:
            limits[name] = number
    if not errors.keys() & {"cpi_red_below", "cpi_amber_below"} and (
        limits["cpi_red_below"] > limits["cpi_amber_below"]
    ):
        errors["cpi_red_below"] = _(
            "Red must start at or below amber: enter at most %(amber)s, the amber CPI."
        ) % {"amber": _plain_number(limits["cpi_amber_below"])}
    if not errors.keys() & {"scope_amber_percent", "scope_red_percent"} and (
        limits["scope_amber_percent"] > limits["scope_red_percent"]
    ):
        errors["scope_amber_percent"] = _(
            "Amber must start at or below red: enter at most %(red)s, the red percentage."
        ) % {"red": _plain_number(limits["scope_red_percent"])}
    if errors:
        raise ValidationError(errors, code="invalid_threshold")
    return {
        name: _plain_number(number)
        for name, number in limits.items()
        if number != DEFAULT_THRESHOLDS[name]
    }


def thresholds(overrides: dict[str, Any] | None) -> dict[str, Decimal]:
    """The defaults with an organisation's valid overrides; anything unreadable is ignored."""
    result = dict(DEFAULT_THRESHOLDS)
    for name, value in (overrides or {}).items():
        if name not in result:
            continue
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            continue
        if number.is_finite() and number >= 0:
            result[name] = number
    return result


@dataclass(frozen=True)
class MilestoneFact:
    name: str
    baseline_date: date
    forecast_date: date | None = None
    done_date: date | None = None
    client_visible: bool = True

    def overdue_days(self, as_of: date) -> int:
        """Days since the earliest of its baseline and forecast dates, when not done."""
        if self.done_date is not None and self.done_date <= as_of:
            return 0
        due = min(self.baseline_date, self.forecast_date or self.baseline_date)
        return max((as_of - due).days, 0)


@dataclass(frozen=True)
class RiskFact:
    reference: str
    title: str
    score: int
    mitigated: bool
    client_visible: bool = False


@dataclass(frozen=True)
class IssueFact:
    reference: str
    title: str
    due_date: date | None = None
    affects_schedule: bool = False
    client_visible: bool = False

    def overdue_days(self, as_of: date) -> int:
        return max((as_of - self.due_date).days, 0) if self.due_date else 0


@dataclass(frozen=True)
class FeedbackFact:
    """One piece of client feedback: its date and its scores (dimension → 1–5, "nps" → 0–10)."""

    received_on: date
    scores: dict[str, int] = field(default_factory=dict)


SATISFACTION_WINDOW_DAYS = 90
SATISFACTION_RED_AT = Decimal("2")
SATISFACTION_AMBER_BELOW = Decimal("3.5")
DETRACTOR_AT = Decimal("6")


@dataclass(frozen=True)
class HealthData:
    as_of: date
    start_date: date
    baseline_end: date
    forecast_end: date
    milestones: list[MilestoneFact] = field(default_factory=list)
    bac: Decimal = Decimal("0")
    ac: Decimal = Decimal("0")
    cpi: Decimal | None = None
    pending_changes: list[str] = field(default_factory=list)  # references
    approved_change_days: int = 0
    approved_change_cost: Decimal = Decimal("0")
    open_risks: list[RiskFact] = field(default_factory=list)
    open_issues: list[IssueFact] = field(default_factory=list)
    feedback: list[FeedbackFact] = field(default_factory=list)

    @property
    def duration_days(self) -> int:
        return max((self.baseline_end - self.start_date).days, 1)

    @property
    def elapsed_percent(self) -> Decimal:
        elapsed = min(max((self.as_of - self.start_date).days, 0), self.duration_days)
        return Decimal(elapsed * 100) / Decimal(self.duration_days)


Reason = dict[str, Any]


@dataclass(frozen=True)
class Verdict:
    colour: str
    reasons: list[Reason]

    def as_json(self) -> dict[str, Any]:
        return {"colour": self.colour, "reasons": self.reasons}


def reason(code: str, **params: Any) -> Reason:
    return {"code": code, "params": params}


def _percent(part: Decimal, whole: Decimal) -> Decimal:
    return (part * 100 / whole).quantize(Decimal("0.1")) if whole else Decimal("0")


# --- the dimensions -----------------------------------------------------------------------

Rule = Callable[[HealthData, dict[str, Decimal]], Verdict]
DIMENSIONS: dict[str, Rule] = {}
DIMENSION_LABELS = {
    "schedule": gettext_lazy("Schedule"),
    "budget": gettext_lazy("Budget"),
    "scope": gettext_lazy("Scope"),
    "risks_issues": gettext_lazy("Risks and issues"),
    "satisfaction": gettext_lazy("Client satisfaction"),
}


def dimension(name: str) -> Callable[[Rule], Rule]:
    """Register the rule of one dimension; a later feature replaces a placeholder this way."""

    def register(rule: Rule) -> Rule:
        DIMENSIONS[name] = rule
        return rule

    return register


def _worst(colours: list[str]) -> str:
    return max(colours, key=SEVERITY.__getitem__, default=GREEN)


@dimension("schedule")
def schedule(data: HealthData, limits: dict[str, Decimal]) -> Verdict:
    colours, reasons = [GREEN], []
    overdue = sorted(
        (
            (m, m.overdue_days(data.as_of))
            for m in data.milestones
            if m.overdue_days(data.as_of) > 0
        ),
        key=lambda pair: -pair[1],
    )
    if overdue:
        colours.append(AMBER)
        reasons.append(
            reason(
                "milestones_overdue",
                milestones=[
                    {"name": m.name, "days": days, "internal": not m.client_visible}
                    for m, days in overdue
                ],
            )
        )
    slip = (data.forecast_end - data.baseline_end).days
    if slip > 0:
        percent = _percent(Decimal(slip), Decimal(data.duration_days))
        red = percent > limits["schedule_red_percent"]
        colours.append(RED if red else AMBER)
        reasons.append(
            reason(
                "end_slip",
                days=slip,
                percent=str(percent),
                limit=str(limits["schedule_red_percent"]),
                forecast_end=data.forecast_end.isoformat(),
                baseline_end=data.baseline_end.isoformat(),
            )
        )
    return Verdict(_worst(colours), reasons)


@dimension("budget")
def budget(data: HealthData, limits: dict[str, Decimal]) -> Verdict:
    colours, reasons = [GREEN], []
    if data.cpi is not None:
        if data.cpi < limits["cpi_red_below"]:
            colours.append(RED)
            reasons.append(reason("cpi_low", cpi=str(data.cpi), limit=str(limits["cpi_red_below"])))
        elif data.cpi < limits["cpi_amber_below"]:
            colours.append(AMBER)
            reasons.append(
                reason("cpi_low", cpi=str(data.cpi), limit=str(limits["cpi_amber_below"]))
            )
    if data.bac:
        burn = _percent(data.ac, data.bac)
        elapsed = data.elapsed_percent.quantize(Decimal("0.1"))
        if burn > elapsed + limits["burn_ahead_points"]:
            colours.append(AMBER)
            reasons.append(reason("burn_ahead", burn=str(burn), elapsed=str(elapsed)))
    elif data.ac:
        colours.append(AMBER)
        reasons.append(reason("no_budget"))
    return Verdict(_worst(colours), reasons)


@dimension("scope")
def scope(data: HealthData, limits: dict[str, Decimal]) -> Verdict:
    colours, reasons = [GREEN], []
    if data.pending_changes:
        colours.append(AMBER)
        reasons.append(reason("changes_pending", references=list(data.pending_changes)))
    grown = {
        "budget": _percent(data.approved_change_cost, data.bac - data.approved_change_cost)
        if data.bac > data.approved_change_cost
        else Decimal("0"),
        "schedule": _percent(Decimal(data.approved_change_days), Decimal(data.duration_days)),
    }
    for what, percent in grown.items():
        if percent > limits["scope_red_percent"]:
            colours.append(RED)
        elif percent > limits["scope_amber_percent"]:
            colours.append(AMBER)
        else:
            continue
        reasons.append(reason(f"changes_grew_{what}", percent=str(percent)))
    return Verdict(_worst(colours), reasons)


def _named(item: RiskFact | IssueFact) -> dict[str, Any]:
    return {"reference": item.reference, "title": item.title, "internal": not item.client_visible}


@dimension("risks_issues")
def risks_issues(data: HealthData, limits: dict[str, Decimal]) -> Verdict:
    colours, reasons = [GREEN], []
    unmitigated = [
        r for r in data.open_risks if r.score >= limits["risk_high_score"] and not r.mitigated
    ]
    if unmitigated:
        colours.append(AMBER)
        reasons.append(
            reason(
                "high_risks_unmitigated",
                risks=[{**_named(r), "score": r.score} for r in unmitigated],
                limit=str(limits["risk_high_score"]),
            )
        )
    overdue = sorted(
        ((i, i.overdue_days(data.as_of)) for i in data.open_issues if i.overdue_days(data.as_of)),
        key=lambda pair: -pair[1],
    )
    if overdue:
        red = any(days > limits["issue_red_overdue_days"] for _issue, days in overdue)
        colours.append(RED if red else AMBER)
        reasons.append(
            reason(
                "issues_overdue",
                issues=[{**_named(i), "days": days} for i, days in overdue],
                limit=str(limits["issue_red_overdue_days"]),
            )
        )
    on_schedule = [i for i in data.open_issues if i.affects_schedule]
    if on_schedule:
        colours.append(AMBER)
        reasons.append(reason("issues_affect_schedule", issues=[_named(i) for i in on_schedule]))
    return Verdict(_worst(colours), reasons)


@dimension("satisfaction")
def satisfaction(data: HealthData, limits: dict[str, Decimal]) -> Verdict:
    since = data.as_of.toordinal() - SATISFACTION_WINDOW_DAYS
    recent = [
        f for f in data.feedback if since < f.received_on.toordinal() <= data.as_of.toordinal()
    ]
    values: dict[str, list[int]] = {}
    for fact in recent:
        for name, score in fact.scores.items():
            values.setdefault(name, []).append(score)
    if not values:
        return Verdict(GREY, [reason("no_feedback", days=SATISFACTION_WINDOW_DAYS)])
    averages = {
        name: (Decimal(sum(scores)) / len(scores)).quantize(Decimal("0.1"))
        for name, scores in values.items()
    }
    colours, reasons = [GREEN], []
    for name, average in sorted(averages.items()):
        if name == "nps":
            if average <= DETRACTOR_AT:
                colours.append(AMBER)
                reasons.append(reason("nps_low", average=str(average)))
        elif average <= SATISFACTION_RED_AT:
            colours.append(RED)
            reasons.append(reason("satisfaction_low", dimension=name, average=str(average)))
        elif average < SATISFACTION_AMBER_BELOW:
            colours.append(AMBER)
            reasons.append(reason("satisfaction_low", dimension=name, average=str(average)))
    if not reasons:
        reasons.append(reason("satisfaction_good", count=len(recent)))
    return Verdict(_worst(colours), reasons)


def assess(data: HealthData, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """``{"dimensions": {name: {"colour", "reasons"}}, "overall": colour}``; the overall colour
    is the worst of the measured dimensions (unknown ones do not count)."""
    limits = thresholds(overrides)
    verdicts = {name: rule(data, limits).as_json() for name, rule in DIMENSIONS.items()}
    measured = [v["colour"] for v in verdicts.values() if v["colour"] != GREY]
    return {"dimensions": verdicts, "overall": _worst(measured)}


# --- words --------------------------------------------------------------------------------


def colour_label(colour: str | None) -> str:
    return str(COLOUR_LABELS.get(colour or GREY, COLOUR_LABELS[GREY]))


def _item_name(item: dict[str, Any], for_client: bool, *, risk: bool = False) -> str:
    """A risk or an issue by its reference and title; for the client, an internal one stays
    unnamed."""
    if for_client and item.get("internal"):
        return _("an internal risk") if risk else _("an internal issue")
    return f"{item.get('reference')} {item.get('title')}"


def reason_text(item: Reason, *, for_client: bool = False) -> str:
    """One reason in the active language; for the client, internal milestones stay unnamed."""
    code, params = item.get("code"), item.get("params") or {}
    if code == "milestones_overdue":
        milestones = params.get("milestones", [])
        names = ", ".join(
            _("%(name)s (%(days)s days)")
            % {
                "name": _("an internal milestone")
                if for_client and m.get("internal")
                else m.get("name"),
                "days": m.get("days"),
            }
            for m in milestones
        )
        return ngettext(
            "%(count)d milestone overdue: %(names)s",
            "%(count)d milestones overdue: %(names)s",
            len(milestones),
        ) % {"count": len(milestones), "names": names}
    if code == "end_slip":
        return (
            _(
                "Forecast end %(forecast_end)s is %(days)s days past the baseline end "
                "%(baseline_end)s (%(percent)s%% of the planned duration; red above %(limit)s%%)."
            )
            % params
        )
    if code == "cpi_low":
        return _("Cost performance index %(cpi)s is below %(limit)s.") % params
    if code == "burn_ahead":
        return (
            _("%(burn)s%% of the budget is spent with %(elapsed)s%% of the time elapsed.") % params
        )
    if code == "no_budget":
        return _("Costs are recorded but the project has no budget.")
    if code == "changes_pending":
        references = params.get("references", [])
        return ngettext(
            "%(count)d change request pending: %(references)s",
            "%(count)d change requests pending: %(references)s",
            len(references),
        ) % {"count": len(references), "references": ", ".join(references)}
    if code == "changes_grew_budget":
        return _("Approved changes added %(percent)s%% to the budget.") % params
    if code == "changes_grew_schedule":
        return _("Approved changes added %(percent)s%% to the planned duration.") % params
    if code == "high_risks_unmitigated":
        risks = params.get("risks", [])
        names = ", ".join(
            _("%(name)s (score %(score)s)")
            % {"name": _item_name(r, for_client, risk=True), "score": r.get("score")}
            for r in risks
        )
        return ngettext(
            "%(count)d high risk without mitigation: %(names)s",
            "%(count)d high risks without mitigation: %(names)s",
            len(risks),
        ) % {"count": len(risks), "names": names}
    if code == "issues_overdue":
        issues = params.get("issues", [])
        names = ", ".join(
            _("%(name)s (%(days)s days)")
            % {"name": _item_name(i, for_client), "days": i.get("days")}
            for i in issues
        )
        return ngettext(
            "%(count)d issue past its due date: %(names)s",
            "%(count)d issues past their due date: %(names)s",
            len(issues),
        ) % {"count": len(issues), "names": names}
    if code == "issues_affect_schedule":
        issues = params.get("issues", [])
        return ngettext(
            "%(count)d open issue affects the schedule: %(names)s",
            "%(count)d open issues affect the schedule: %(names)s",
            len(issues),
        ) % {
            "count": len(issues),
            "names": ", ".join(_item_name(i, for_client) for i in issues),
        }
    if code == "no_data":
        return _("No data yet.")
    if code == "no_feedback":
        return _("No scored client feedback in the last %(days)s days.") % params
    if code == "satisfaction_low":
        return _("The client rates %(dimension)s %(average)s out of 5 on average.") % {
            "dimension": str(SATISFACTION_LABELS.get(params.get("dimension", ""), "")),
            "average": params.get("average"),
        }
    if code == "nps_low":
        return _("The client's average recommendation is %(average)s out of 10.") % params
    if code == "satisfaction_good":
        return ngettext(
            "%(count)d piece of recent feedback, all scores satisfactory.",
            "%(count)d pieces of recent feedback, all scores satisfactory.",
            params.get("count", 0),
        ) % {"count": params.get("count", 0)}
    return str(code)
