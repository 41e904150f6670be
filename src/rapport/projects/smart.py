"""The SMART rule, checked letter by letter so a PM sees what makes an objective vague."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from rapport.projects.models import Objective

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
VAGUE_ONLY = re.compile(
    r"^\s*(improve|better|enhance|optimi[sz]e|increase|good|nice|提升|提高|改善|优化|更好)\W*\w{0,12}\s*$",
    re.IGNORECASE,
)
MIN_WORDS = 5
MIN_CJK = 8


@dataclass(frozen=True)
class Check:
    letter: str
    name: Promise
    passed: bool
    explanation: Promise


def _specific(statement: str) -> bool:
    statement = statement.strip()
    long_enough = len(statement.split()) >= MIN_WORDS or len(CJK.findall(statement)) >= MIN_CJK
    return long_enough and not VAGUE_ONLY.match(statement)


def smart_checks(
    *,
    statement: str,
    metric: str,
    target_value: object,
    achievability: str,
    has_owner: bool,
    relevance: str,
    due_date: date | None,
    project_start: date | None,
    project_end: date | None,
) -> list[Check]:
    within = bool(
        due_date and project_start and project_end and project_start <= due_date <= project_end
    )
    return [
        Check(
            "S",
            _("Specific"),
            _specific(statement),
            _(
                "A concrete statement of at least five words (or eight Chinese characters), "
                "not just “improve” or “better”."
            ),
        ),
        Check(
            "M",
            _("Measurable"),
            bool(metric.strip()) and target_value not in (None, ""),
            _("A metric and a target value."),
        ),
        Check(
            "A",
            _("Achievable"),
            bool(achievability.strip()) or has_owner,
            _("A note on how it will be achieved, or an owner."),
        ),
        Check("R", _("Relevant"), bool(relevance.strip()), _("Why it matters to the client.")),
        Check("T", _("Time-bound"), within, _("A due date within the project's dates.")),
    ]


def objective_checks(objective: Objective) -> list[Check]:
    project = objective.project
    return smart_checks(
        statement=objective.statement,
        metric=objective.metric,
        target_value=objective.target_value,
        achievability=objective.achievability,
        has_owner=objective.owner_id is not None,
        relevance=objective.relevance,
        due_date=objective.due_date,
        project_start=project.start_date,
        project_end=project.end_date,
    )
