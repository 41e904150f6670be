"""Demo client health: three more clients — one whose relationship is going well (high scores,
nothing open, whatever the day the demo is made on), one to watch (satisfaction slipping, an
overdue issue), one critical (low scores, open conflicts, overdue issues) — and half a year
of monthly snapshots of every client's score, so the clients list shows each band and the
client pages a history with what moved it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from rapport.clients import services as clients
from rapport.clients.health_services import health_weights, snapshot_record
from rapport.clients.models import Client
from rapport.feedback import services as feedback
from rapport.projects import services as projects
from rapport.risks import conflicts
from rapport.risks import services as risks
from rapport.tenancy.actors import Actor
from rapport.tenancy.models import Organisation

MONTHS = 6
# name, language, project (code, name), feedback as (days ago, progress, quality,
# communication, nps), open conflicts, issues as (title, days overdue or None)
CLIENTS: list[dict[str, Any]] = [
    {
        "name": "Fernhill Press",
        "language": "en",
        "project": ("FHP-01", "Online catalogue"),
        "feedback": [(150, 5, 4, 5, 9), (60, 5, 5, 4, 10), (20, 5, 5, 5, 10)],
        "conflicts": [],
        "issues": [],
    },
    {
        "name": "Harbourline Retail",
        "language": "en",
        "project": ("HBR-01", "Loyalty app rebuild"),
        "feedback": [(150, 4, 4, 4, 8), (60, 3, 3, 3, 7), (20, 3, 2, 3, 6)],
        "conflicts": [],
        "issues": [("Payment provider sandbox unavailable", 6)],
    },
    {
        "name": "红杉物流 Redwood Freight",
        "language": "zh-hans",
        "project": ("RWF-01", "仓储管理系统升级"),
        "feedback": [(100, 3, 3, 3, 6), (30, 2, 2, 1, 3), (5, 1, 2, 1, 2)],
        "conflicts": ["验收标准理解不一致", "额外报表的费用由谁承担"],
        "issues": [("条码打印机驱动不兼容", 12), ("数据迁移脚本丢失历史订单", None)],
    },
]


def _tell(spec: dict[str, Any], *, owner: Actor, pm: Actor, today: date) -> None:
    client = clients.client_create(
        actor=owner, name=spec["name"], website="", language=spec["language"], notes=""
    )
    code, name = spec["project"]
    project = projects.project_create(
        actor=owner,
        client=client,
        name=name,
        code=code,
        pm=pm.user,
        start_date=today - timedelta(days=200),
        end_date=today + timedelta(days=120),
        status="active",
        currency="EUR" if spec["language"] == "en" else "CNY",
        description="",
    )
    for days, progress, quality, communication, nps in spec["feedback"]:
        feedback.feedback_record(
            actor=pm,
            project=project,
            source="call",
            received_on=today - timedelta(days=days),
            progress=progress,
            quality=quality,
            communication=communication,
            nps=nps,
        )
    for title in spec["conflicts"]:
        conflicts.conflict_create(
            actor=pm,
            client=client,
            title=title,
            root_causes=["expectations"],
            project_id=project.pk,
        )
    for title, overdue in spec["issues"]:
        risks.issue_create(
            actor=pm,
            project=project,
            title=title,
            owner_id=pm.user.pk if pm.user else None,
            due_date=today - timedelta(days=overdue) if overdue is not None else None,
        )


def tell_health(organisation: Organisation, *, owner: Actor, pm: Actor, today: date) -> None:
    for spec in CLIENTS:
        _tell(spec, owner=owner, pm=pm, today=today)
    weights = health_weights(organisation.pk)
    for client in Client.objects.filter(organisation=organisation).order_by("pk"):
        for months in range(MONTHS, -1, -1):
            snapshot_record(
                client=client, today=today - timedelta(days=30 * months), weights=weights
            )
