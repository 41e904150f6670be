"""A client's health score (0–100) across all its projects, explained by its parts. Each part
is a value from 0 to 100 computed from the records behind it (kept with it, so the page can
show them); the score is the weighted mean of the parts that have data, the organisation's
weights renormalised over them. A fixed number of queries per client, whatever its size.

The rules, stated once (``today`` is the day the score is for):

* Satisfaction — the mean of every 1–5 score (progress, quality, communication, other) in the
  feedback of the last ``WINDOW_DAYS`` days, as 0–100 ((mean − 1) / 4), moved by
  ``TREND_POINTS`` per point the mean rose or fell against the ``WINDOW_DAYS`` before.
* NPS — promoters (9–10) minus detractors (0–6) in percent of the recommendation answers of
  the last ``WINDOW_DAYS`` days, from −100..100 to 0..100.
* Responsiveness — 100 when the team's median answer to the client's messages (last
  ``WINDOW_DAYS`` days) takes ``FAST_HOURS`` or less, 0 at ``SLOW_HOURS`` or more, linear in
  between; minus ``OVERDUE_POINTS`` per overdue planned touchpoint (twice that when red).
* Conflicts and issues — 100 minus ``CONFLICT_POINTS`` per open conflict, ``ISSUE_POINTS`` per
  unresolved issue and ``ISSUE_POINTS`` again per one past its due date.
* Changes — 100 minus ``CHANGE_POINTS`` per change request raised in the last
  ``CHANGE_WINDOW_DAYS`` days beyond ``FREE_CHANGES``, and ``REJECTED_POINTS`` per rejected one.
* Project health — the mean of the computed health of each running project's latest status
  report: green 100, amber 50, red 0.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rapport.clients.models import Client

WINDOW_DAYS = 90
TREND_POINTS = 10
FAST_HOURS, SLOW_HOURS = 4, 72
OVERDUE_POINTS = 10
CONFLICT_POINTS, ISSUE_POINTS = 25, 10
CHANGE_WINDOW_DAYS, FREE_CHANGES, CHANGE_POINTS, REJECTED_POINTS = 180, 3, 5, 15
PROJECT_COLOUR_VALUES = {"green": 100, "amber": 50, "red": 0}
MAX_RECORDS = 5  # records kept per part to explain it
MAX_ROWS = 200  # rows read per part: enough to reach 0 on every rule
MAX_ANSWERS = 5000

PARTS = ("satisfaction", "nps", "responsiveness", "conflicts_issues", "changes", "project_health")
DEFAULT_WEIGHTS: dict[str, int] = {
    "satisfaction": 25,
    "nps": 15,
    "responsiveness": 15,
    "conflicts_issues": 15,
    "changes": 10,
    "project_health": 20,
}
PART_LABELS = {
    "satisfaction": _("Satisfaction"),
    "nps": _("Net promoter score"),
    "responsiveness": _("Responsiveness"),
    "conflicts_issues": _("Open conflicts and issues"),
    "changes": _("Change volume and rejections"),
    "project_health": _("Project health"),
}

GOOD, WATCH, CRITICAL = "good", "watch", "critical"
GOOD_FROM, WATCH_FROM = 70, 40
BAND_LABELS = {
    GOOD: pgettext_lazy("client health", "Good"),
    WATCH: pgettext_lazy("client health", "Watch"),
    CRITICAL: pgettext_lazy("client health", "Critical"),
}
BAND_COLOURS = {GOOD: "green", WATCH: "amber", CRITICAL: "red"}  # the project health badges


def band(score: int | None) -> str:
    if score is None:
        return ""
    if score >= GOOD_FROM:
        return GOOD
    return WATCH if score >= WATCH_FROM else CRITICAL


def whole(value: float | Decimal) -> int:
    """Rounded half up and kept within 0..100."""
    rounded = int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return max(0, min(100, rounded))


@dataclass
class Part:
    value: int
    facts: dict[str, Any] = field(default_factory=dict)
    records: list[dict[str, Any]] = field(default_factory=list)


def _record(kind: str, pk: int, label: str, url: str, project_id: int | None) -> dict[str, Any]:
    return {"kind": kind, "id": pk, "label": label, "url": url, "project_id": project_id}


def _until(today: date) -> datetime:
    return timezone.make_aware(datetime.combine(today + timedelta(days=1), time.min))


# --- the parts ----------------------------------------------------------------------------------


def feedback_parts(client: Client, today: date) -> tuple[Part | None, Part | None]:
    """Satisfaction and NPS from one aggregate over the last two windows, and the latest
    entries behind them."""
    from rapport.feedback.models import Dimension, Feedback

    window = timedelta(days=WINDOW_DAYS)
    recent = Q(received_on__gt=today - window)
    earlier = Q(received_on__lte=today - window)
    sums: dict[str, Any] = {}
    for name, period in (("recent", recent), ("earlier", earlier)):
        for dimension in Dimension.values:
            sums[f"{name}_{dimension}_sum"] = Sum(dimension, filter=period)
            sums[f"{name}_{dimension}_n"] = Count(dimension, filter=period)
    sums["nps_n"] = Count("nps", filter=recent)
    sums["promoters"] = Count("pk", filter=recent & Q(nps__gte=9))
    sums["detractors"] = Count("pk", filter=recent & Q(nps__lte=6))
    feedback = Feedback.objects.filter(
        project__client=client, received_on__gt=today - 2 * window, received_on__lte=today
    )
    totals = feedback.aggregate(**sums)
    rows = list(
        feedback.filter(recent)
        .order_by("-received_on", "-pk")
        .values("pk", "project_id", "project__name", "received_on", "nps", *Dimension.values)[
            :MAX_RECORDS
        ]
    )

    def mean(name: str) -> Decimal | None:
        total = sum(totals[f"{name}_{d}_sum"] or 0 for d in Dimension.values)
        count = sum(totals[f"{name}_{d}_n"] for d in Dimension.values)
        return Decimal(total) / count if count else None

    def records(with_nps: bool) -> list[dict[str, Any]]:
        found = []
        for row in rows:
            scores = [str(row[d]) for d in Dimension.values if row[d] is not None]
            if with_nps and row["nps"] is not None:
                scores = [f"{row['nps']}/10"]
            elif with_nps or not scores:
                continue
            found.append(
                _record(
                    "feedback",
                    row["pk"],
                    f"{row['received_on'].isoformat()} · {row['project__name']} · "
                    + " ".join(scores),
                    reverse("feedback:list", kwargs={"project_id": row["project_id"]}),
                    row["project_id"],
                )
            )
        return found

    satisfaction = None
    now, before = mean("recent"), mean("earlier")
    if now is not None:
        trend = now - before if before is not None else Decimal(0)
        satisfaction = Part(
            whole((now - 1) / 4 * 100 + trend * TREND_POINTS),
            {
                "average": f"{now:.2f}",
                "previous": f"{before:.2f}" if before is not None else None,
            },
            records(with_nps=False),
        )
    nps = None
    if totals["nps_n"]:
        score = (totals["promoters"] - totals["detractors"]) * Decimal(100) / totals["nps_n"]
        nps = Part(
            whole((score + 100) / 2),
            {
                "nps": int(score.quantize(Decimal(1), rounding=ROUND_HALF_UP)),
                "answers": totals["nps_n"],
            },
            records(with_nps=True),
        )
    return satisfaction, nps


def responsiveness_part(client: Client, today: date) -> Part | None:
    from rapport.communication import cadence
    from rapport.communication.selectors import client_touchpoints
    from rapport.messaging.models import Message

    until = _until(today)
    waits = [
        seconds
        for seconds in Message.objects.filter(
            thread__project__client=client,
            response_seconds__isnull=False,
            created_at__gte=until - timedelta(days=WINDOW_DAYS + 1),
            created_at__lt=until,
        )
        .order_by("-created_at")
        .values_list("response_seconds", flat=True)[:MAX_ANSWERS]
        if seconds is not None
    ]
    touchpoints = client_touchpoints(client_id=client.pk, today=today)
    if not waits and not touchpoints:
        return None
    facts: dict[str, Any] = {"answers": len(waits), "median_hours": None}
    value = Decimal(100)
    if waits:
        hours = Decimal(statistics.median(waits)) / 3600
        facts["median_hours"] = f"{hours:.1f}"
        value = (SLOW_HOURS - hours) * 100 / (SLOW_HOURS - FAST_HOURS)
        value = max(Decimal(0), min(Decimal(100), value))
    overdue = [t for t in touchpoints if t.due.colour in (cadence.AMBER, cadence.RED)]
    for touchpoint in overdue:
        value -= OVERDUE_POINTS * (2 if touchpoint.due.colour == cadence.RED else 1)
    facts["overdue"] = len(overdue)
    records = [
        _record(
            "plan_item",
            t.item.pk,
            f"{t.item.project.name} · {t.item.title} (+{t.due.overdue_days})",
            reverse("communication:overview", kwargs={"project_id": t.item.project_id}),
            t.item.project_id,
        )
        for t in sorted(overdue, key=lambda t: -t.due.overdue_days)[:MAX_RECORDS]
    ]
    return Part(whole(value), facts, records)


def conflicts_issues_part(client: Client, today: date) -> Part:
    from rapport.risks.models import Conflict, Issue

    conflicts = list(
        Conflict.objects.filter(client=client, status=Conflict.Status.OPEN)
        .order_by("-number")
        .values("pk", "number", "title", "project_id")[:MAX_ROWS]
    )
    issues = list(
        Issue.objects.filter(project__client=client)
        .exclude(status=Issue.Status.RESOLVED)
        .order_by("due_date", "pk")
        .values("pk", "number", "title", "project_id", "due_date")[:MAX_ROWS]
    )
    overdue = [i for i in issues if i["due_date"] is not None and i["due_date"] < today]
    value = 100 - CONFLICT_POINTS * len(conflicts) - ISSUE_POINTS * (len(issues) + len(overdue))
    records = [
        _record(
            "conflict",
            c["pk"],
            f"CF-{c['number']:03d} · {c['title']}",
            reverse("risks:conflict_detail", kwargs={"conflict_id": c["pk"]}),
            c["project_id"],
        )
        for c in conflicts[:MAX_RECORDS]
    ] + [
        _record(
            "issue",
            i["pk"],
            f"I-{i['number']:03d} · {i['title']}",
            reverse(
                "risks:issue_detail", kwargs={"project_id": i["project_id"], "number": i["number"]}
            ),
            i["project_id"],
        )
        for i in issues[:MAX_RECORDS]
    ]
    facts = {"conflicts": len(conflicts), "issues": len(issues), "overdue_issues": len(overdue)}
    return Part(whole(value), facts, records)


def changes_part(client: Client, today: date) -> Part:
    from rapport.changes.models import ChangeRequest, State

    changes = list(
        ChangeRequest.objects.filter(
            project__client=client,
            created_at__gte=_until(today) - timedelta(days=CHANGE_WINDOW_DAYS + 1),
            created_at__lt=_until(today),
        )
        .order_by("-created_at", "-pk")
        .values("pk", "number", "title", "project_id", "state")[:MAX_ROWS]
    )
    rejected = [c for c in changes if c["state"] == State.REJECTED]
    value = (
        100 - CHANGE_POINTS * max(0, len(changes) - FREE_CHANGES) - REJECTED_POINTS * len(rejected)
    )
    shown = rejected + [c for c in changes if c["state"] != State.REJECTED]
    records = [
        _record(
            "change_request",
            c["pk"],
            f"CR-{c['number']:03d} · {c['title']}",
            reverse(
                "changes:detail", kwargs={"project_id": c["project_id"], "number": c["number"]}
            ),
            c["project_id"],
        )
        for c in shown[:MAX_RECORDS]
    ]
    return Part(whole(value), {"changes": len(changes), "rejected": len(rejected)}, records)


def project_health_part(client: Client) -> tuple[Part | None, bool]:
    """The part, and whether the client has any project at all (else the register parts,
    all zero, would say nothing)."""
    from rapport.communication.selectors import ACTIVE
    from rapport.projects.models import Project
    from rapport.reports.models import StatusReport

    latest = StatusReport.objects.filter(project=OuterRef("pk")).order_by("-number")
    projects = list(
        Project.objects.filter(client=client)
        .annotate(
            latest_health=Subquery(latest.values("overall_health")[:1]),
            latest_number=Subquery(latest.values("number")[:1]),
        )
        .order_by("name", "pk")
        .values("pk", "name", "status", "latest_health", "latest_number")
    )
    rated = [
        p for p in projects if p["status"] in ACTIVE and p["latest_health"] in PROJECT_COLOUR_VALUES
    ]
    if not rated:
        return None, bool(projects)
    value = Decimal(sum(PROJECT_COLOUR_VALUES[p["latest_health"]] for p in rated)) / len(rated)
    records = [
        _record(
            "status_report",
            p["pk"],
            f"{p['name']} · SR-{p['latest_number']:03d}",
            reverse("reports:detail", kwargs={"project_id": p["pk"], "number": p["latest_number"]}),
            p["pk"],
        )
        | {"colour": p["latest_health"]}
        for p in sorted(rated, key=lambda p: PROJECT_COLOUR_VALUES[p["latest_health"]])
    ][:MAX_RECORDS]
    colours = [p["latest_health"] for p in rated]
    facts = {colour: colours.count(colour) for colour in PROJECT_COLOUR_VALUES}
    return Part(whole(value), facts, records), True


# --- the score ----------------------------------------------------------------------------------


def gather(client: Client, today: date) -> dict[str, Part | None]:
    satisfaction, nps = feedback_parts(client, today)
    project_health, has_projects = project_health_part(client)
    return {
        "satisfaction": satisfaction,
        "nps": nps,
        "responsiveness": responsiveness_part(client, today),
        "conflicts_issues": conflicts_issues_part(client, today) if has_projects else None,
        "changes": changes_part(client, today) if has_projects else None,
        "project_health": project_health,
    }


def combine(
    found: Mapping[str, Part | None], weights: Mapping[str, int]
) -> tuple[int | None, list[dict[str, Any]]]:
    """The weighted mean of the parts with data and a weight; ``share`` is each part's weight
    renormalised over those, in percent (0 for the parts left out)."""
    counted = {key: part for key, part in found.items() if part is not None and weights[key] > 0}
    total = sum(weights[key] for key in counted)
    score = (
        whole(Decimal(sum(part.value * weights[key] for key, part in counted.items())) / total)
        if total
        else None
    )
    parts = []
    for key in PARTS:
        part = found.get(key)
        parts.append(
            {
                "key": key,
                "value": part.value if part is not None else None,
                "weight": weights[key],
                "share": float(round(Decimal(weights[key]) * 100 / total, 1))
                if key in counted
                else 0.0,
                "facts": part.facts if part is not None else {},
                "records": part.records if part is not None else [],
            }
        )
    return score, parts


def compute(
    client: Client, today: date, weights: Mapping[str, int]
) -> tuple[int | None, list[dict[str, Any]]]:
    return combine(gather(client, today), weights)


def moved_by(previous: list[dict[str, Any]], current: list[dict[str, Any]]) -> tuple[str, float]:
    """The part whose contribution to the score (value × share) changed most between two
    snapshots, and by how many points; ("", 0) when nothing moved."""

    def contributions(parts: list[dict[str, Any]]) -> dict[str, float]:
        return {p["key"]: (p["value"] or 0) * p["share"] / 100 for p in parts}

    before, after = contributions(previous), contributions(current)
    deltas = {key: after.get(key, 0.0) - before.get(key, 0.0) for key in {*before, *after}}
    key = max(sorted(deltas), key=lambda k: abs(deltas[k]), default="")
    if not key or abs(deltas[key]) < 0.5:
        return "", 0.0
    return key, round(deltas[key], 1)


# --- in words -----------------------------------------------------------------------------------


def explain(part: Mapping[str, Any]) -> str:
    """What the part's value was computed from, in the reader's language."""
    from django.utils.translation import gettext, ngettext

    facts, key = part.get("facts") or {}, part["key"]
    if part.get("value") is None:
        return gettext("No data: left out of the score.")
    if key == "satisfaction":
        if facts.get("previous") is None:
            return gettext("Average score %(average)s of 5 over the last 90 days.") % facts
        return (
            gettext("Average score %(average)s of 5 over the last 90 days (%(previous)s before).")
            % facts
        )
    if key == "nps":
        return (
            ngettext(
                "NPS %(nps)d from %(answers)d answer in the last 90 days.",
                "NPS %(nps)d from %(answers)d answers in the last 90 days.",
                facts["answers"],
            )
            % facts
        )
    if key == "responsiveness":
        overdue = (
            ngettext(
                "%(overdue)d planned touchpoint overdue.",
                "%(overdue)d planned touchpoints overdue.",
                facts["overdue"],
            )
            % facts
        )
        if facts.get("median_hours") is None:
            return overdue
        return (
            gettext("The client waited %(median_hours)s hours for an answer (median).") % facts
            + " "
            + overdue
        )
    if key == "conflicts_issues":
        return (
            gettext(
                "%(conflicts)d open conflicts, %(issues)d unresolved issues "
                "(%(overdue_issues)d overdue)."
            )
            % facts
        )
    if key == "changes":
        return (
            gettext("%(changes)d change requests in the last 180 days, %(rejected)d rejected.")
            % facts
        )
    return gettext("Latest status reports: %(green)d green, %(amber)d amber, %(red)d red.") % facts
