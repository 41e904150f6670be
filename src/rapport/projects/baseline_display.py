"""Baseline snapshots made readable: labels in the reader's language, related rows by name,
and the comparison of two versions laid out side by side. The app and the portal share it;
what a reader may see is decided by which snapshot they pass (full or client) and by
``financials``."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from rapport.projects import baseline
from rapport.projects.models import BudgetCategory

SECTION_LABELS = {
    "objectives": _("Objectives"),
    "milestones": _("Milestones"),
    "budget": _("Budget"),
    "quality_standards": _("Quality standards"),
}
FIELD_LABELS = {
    "statement": _("Statement"),
    "metric": _("Metric"),
    "target": _("Target"),
    "unit": _("Unit"),
    "due_date": _("Due date"),
    "relevance": _("Why it matters"),
    "achievability": _("How it is achievable"),
    "name": _("Name"),
    "date": _("Baseline date"),
    "client_visible": _("Visible to the client"),
    "category": _("Category"),
    "description": _("Description"),
    "amount": _("Amount"),
    "title": _("Title"),
    "criteria": _("Criteria"),
    "deliverables": _("Deliverables"),
    "start": _("Planned start"),
    "end": _("Planned end"),
}
CATEGORY_LABELS = dict(BudgetCategory.choices)


def readable(snapshot: dict[str, Any]) -> dict[str, Any]:
    """The snapshot with category labels and each standard's deliverables by name."""
    names = {d["id"]: d["name"] for m in snapshot["milestones"] for d in m["deliverables"]}
    return {
        **snapshot,
        "budget": [
            {**line, "category_label": CATEGORY_LABELS.get(line["category"], line["category"])}
            for line in snapshot["budget"]
        ],
        "quality_standards": [
            {**s, "deliverable_names": [names[d] for d in s["deliverables"] if d in names]}
            for s in snapshot["quality_standards"]
        ],
    }


@dataclass
class Cell:
    label: str
    old: str
    new: str
    changed: bool


@dataclass
class Line:
    status: str  # added, removed, changed, same
    label: str
    cells: list[Cell] = field(default_factory=list)


@dataclass
class Section:
    key: str
    label: str
    lines: list[Line]

    @property
    def changes(self) -> list[Line]:
        return [line for line in self.lines if line.status != "same"]

    @property
    def unchanged(self) -> int:
        return sum(1 for line in self.lines if line.status == "same")


def _shown(name: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if name == "category":
        return str(CATEGORY_LABELS.get(value, value))
    if name == "amount":
        try:
            return number_format(Decimal(value), 2, force_grouping=True)
        except InvalidOperation:
            return str(value)
    if name == "deliverables" and isinstance(value, list):
        return ", ".join(sorted(d["name"] for d in value)) or "—"
    return str(value)


def _label(section: str, row: baseline.Row) -> str:
    """A budget line by its category (in the reader's language) and description."""
    item = row.new or row.old or {}
    if section != "budget":
        return row.label
    code = str(item.get("category") or "")
    category = str(CATEGORY_LABELS.get(code, code))
    return f"{category} · {item['description']}" if item.get("description") else category


def _fields(section: str) -> tuple[str, ...]:
    return (*baseline.SECTIONS[section], *(("deliverables",) if section == "milestones" else ()))


def comparison(
    old: dict[str, Any], new: dict[str, Any], *, financials: bool = True
) -> dict[str, Any]:
    """Both versions side by side, section by section: every row with its fields, the
    changed ones flagged; the schedule and (for financial readers) the budget total."""
    result = baseline.compare(old, new)
    sections = []
    for key, rows in result["sections"].items():
        if key == "budget" and not financials:
            continue
        lines = []
        for row in rows:
            before, after = row.old or {}, row.new or {}
            cells = [
                Cell(
                    str(FIELD_LABELS[name]),
                    _shown(name, before.get(name)) if row.old else "",
                    _shown(name, after.get(name)) if row.new else "",
                    name in row.changes,
                )
                for name in _fields(key)
                if name in before or name in after
            ]
            lines.append(Line(row.status, _label(key, row), cells))
        sections.append(Section(key, str(SECTION_LABELS[key]), lines))
    total = result["budget_total"] if financials else None
    changed = any(line.status != "same" for section in sections for line in section.lines) or bool(
        result["schedule"] or total
    )
    return {
        "sections": sections,
        "schedule": [
            (str(FIELD_LABELS[key]), before, after)
            for key, (before, after) in result["schedule"].items()
        ],
        "budget_total": total,
        "changed": changed,
    }
