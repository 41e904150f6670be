"""Baseline snapshots: what a version contains, what the client is shown of it, and how two
versions differ. Pure reads; the workflow lives in ``baseline_services``."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from rapport.projects.models import BaselineVersion, Project

LOCKING_STATES = {BaselineVersion.Status.SUBMITTED, BaselineVersion.Status.SIGNED}


def latest_version(project: Project) -> BaselineVersion | None:
    return project.baseline_versions.order_by("-number").first()


def signed_version(project: Project) -> BaselineVersion | None:
    return project.baseline_versions.filter(status=BaselineVersion.Status.SIGNED).first()


def is_locked(project: Project) -> bool:
    """The agreed fields can't be edited while a version awaits sign-off, nor once signed
    (until the PM re-baselines with a reason, or a change request is implemented)."""
    latest = latest_version(project)
    if latest is None:
        return False
    if latest.status == BaselineVersion.Status.SUBMITTED:
        return True
    return latest.status == BaselineVersion.Status.SIGNED and not project.rebaseline_reason


def _money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


def _number(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def build_snapshot(project: Project) -> dict[str, Any]:
    """Everything the baseline agrees on, keyed by the rows' ids so versions can be compared."""
    milestones = list(
        project.milestones.prefetch_related("deliverables").order_by("baseline_date", "id")
    )
    standards = list(project.quality_standards.prefetch_related("deliverables").order_by("id"))
    budget = list(project.budget_lines.order_by("category", "id"))
    return {
        "currency": project.currency,
        "schedule": {"start": project.start_date.isoformat(), "end": project.end_date.isoformat()},
        "objectives": [
            {
                "id": objective.pk,
                "statement": objective.statement,
                "metric": objective.metric,
                "target": _number(objective.target_value),
                "unit": objective.unit,
                "due_date": objective.due_date.isoformat() if objective.due_date else None,
                "relevance": objective.relevance,
                "achievability": objective.achievability,
            }
            for objective in project.objectives.order_by("due_date", "id")
        ],
        "milestones": [
            {
                "id": milestone.pk,
                "name": milestone.name,
                "date": milestone.baseline_date.isoformat(),
                "client_visible": milestone.client_visible,
                "deliverables": [
                    {
                        "id": deliverable.pk,
                        "name": deliverable.name,
                        "acceptance_criteria": deliverable.acceptance_criteria,
                    }
                    for deliverable in sorted(milestone.deliverables.all(), key=lambda d: d.pk)
                ],
            }
            for milestone in milestones
        ],
        "budget": [
            {
                "id": line.pk,
                "category": line.category,
                "description": line.description,
                "amount": _money(line.amount),
            }
            for line in budget
        ],
        "budget_total": _money(sum((line.amount for line in budget), Decimal("0"))),
        "quality_standards": [
            {
                "id": standard.pk,
                "title": standard.title,
                "criteria": standard.criteria,
                "deliverables": sorted(d.pk for d in standard.deliverables.all()),
            }
            for standard in standards
        ],
    }


def client_projection(snapshot: dict[str, Any]) -> dict[str, Any]:
    """What the client is shown of a baseline: internal milestones (and their deliverables)
    left out, internal notes on achievability left out."""
    visible = [m for m in snapshot["milestones"] if m["client_visible"]]
    visible_deliverables = {d["id"] for m in visible for d in m["deliverables"]}
    return {
        **snapshot,
        "objectives": [
            {key: value for key, value in objective.items() if key != "achievability"}
            for objective in snapshot["objectives"]
        ],
        "milestones": [
            {key: value for key, value in m.items() if key != "client_visible"} for m in visible
        ],
        "quality_standards": [
            {**s, "deliverables": [d for d in s["deliverables"] if d in visible_deliverables]}
            for s in snapshot["quality_standards"]
        ],
    }


def fingerprint(snapshot: dict[str, Any]) -> str:
    """A SHA-256 of the canonical JSON: proof of exactly what was shown."""
    canonical = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


# --- comparison ---------------------------------------------------------------------------

SECTIONS = {
    "objectives": (
        "statement",
        "metric",
        "target",
        "unit",
        "due_date",
        "relevance",
        "achievability",
    ),
    "milestones": ("name", "date", "client_visible"),
    "budget": ("category", "description", "amount"),
    "quality_standards": ("title", "criteria"),
}


@dataclass
class Row:
    status: str  # "added", "removed", "changed", "same"
    label: str
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    old: dict[str, Any] | None = None
    new: dict[str, Any] | None = None


def _label(section: str, item: dict[str, Any]) -> str:
    return str(
        item.get("name") or item.get("title") or item.get("statement") or item.get("category")
    )


def compare(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Section by section: rows added, removed or changed (field by field) between versions;
    plus the schedule and the budget total."""
    sections: dict[str, list[Row]] = {}
    for section, fields in SECTIONS.items():
        before = {item["id"]: item for item in old.get(section, [])}
        after = {item["id"]: item for item in new.get(section, [])}
        rows = []
        for key in sorted(before.keys() | after.keys()):
            a, b = before.get(key), after.get(key)
            if a is None:
                rows.append(Row("added", _label(section, b), new=b))  # type: ignore[arg-type]
            elif b is None:
                rows.append(Row("removed", _label(section, a), old=a))
            else:
                changes = {f: (a.get(f), b.get(f)) for f in fields if a.get(f) != b.get(f)}
                if section == "milestones":
                    names = lambda m: sorted(d["name"] for d in m["deliverables"])  # noqa: E731
                    if names(a) != names(b):
                        changes["deliverables"] = (", ".join(names(a)), ", ".join(names(b)))
                rows.append(
                    Row("changed" if changes else "same", _label(section, b), changes, a, b)
                )
        sections[section] = rows
    schedule = {
        key: (old["schedule"][key], new["schedule"][key])
        for key in ("start", "end")
        if old["schedule"][key] != new["schedule"][key]
    }
    total = (old["budget_total"], new["budget_total"])
    return {
        "sections": sections,
        "schedule": schedule,
        "budget_total": total if total[0] != total[1] else None,
        "changed": bool(schedule)
        or total[0] != total[1]
        or any(r.status != "same" for rows in sections.values() for r in rows),
    }
