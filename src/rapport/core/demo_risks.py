"""The demo's risks, issues and conflicts, told through the services in each client's language:
a risk register with a heat map on every active published project (one high risk without a
mitigation on NWL-01), a risk that occurred and became an issue shared with the client with its
solution, an internal overdue issue, and on NWL-01 and HCM-01 a conflict with its steps and the
evidence of what the client was shown (one open, one closed with the client's agreement)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from rapport.changes.models import ChangeRequest
from rapport.projects.models import Project
from rapport.risks import conflicts
from rapport.risks import services as risks
from rapport.tenancy.actors import Actor
from rapport.tenancy.models import User

# (title, cause, probability, impact, mitigation, contingency, trigger, status, client-visible,
# owned by the team member?) — in the client's language.
RiskSpec = tuple[str, str, int, int, str, str, str, str, bool, bool]
RISKS: dict[str, list[RiskSpec]] = {
    "en": [
        (
            "Peak-season traffic at go-live",
            "Go-live falls in the week before the holiday peak",
            3,
            5,
            "Load test at twice last year's peak before the beta",
            "Keep the old portal on standby for two weeks",
            "p95 response time above 1 s in the load test",
            "mitigating",
            True,
            False,
        ),
        (
            "Tracking events arrive late from the TMS",
            "The TMS batches events every 15 minutes",
            4,
            4,
            "",
            "Show the time of the last update beside every status",
            "Events older than 20 minutes in staging",
            "open",
            False,
            True,
        ),
        (
            "Staging environment unstable",
            "Shared staging servers with the warehouse team",
            3,
            3,
            "Book staging slots for training sessions",
            "Move the portal to its own staging servers; two days of work, no extra cost",
            "Staging down during a client session",
            "open",
            False,
            True,
        ),
        (
            "Design tool licences expire",
            "Annual renewal in the middle of the design phase",
            1,
            2,
            "Renewed early",
            "",
            "",
            "closed",
            False,
            False,
        ),
    ],
    "zh-hans": [
        (
            "医院HIS接口文档交付延迟",
            "HIS厂商排期紧张，接口文档需要厂商确认",
            4,
            4,
            "每周与HIS厂商召开接口对接会",
            "先按旧版接口开发，文档到位后两天内完成调整",
            "文档交付日期再次推迟",
            "open",
            False,
            True,
        ),
        (
            "门诊高峰期系统负载过高",
            "周一上午集中挂号",
            3,
            5,
            "上线前按日常峰值的两倍做压力测试",
            "临时增加云服务器并开放排队页面",
            "压力测试响应时间超过1秒",
            "mitigating",
            True,
            False,
        ),
        (
            "关键开发人员春节期间休假",
            "团队中只有一人熟悉HIS对接",
            2,
            3,
            "安排第二名开发人员结对开发",
            "",
            "",
            "open",
            False,
            True,
        ),
    ],
}
OCCURS = {"en": 2, "zh-hans": 0}  # which risk happened and became an issue, shared with the client
OCCURRED = {
    "en": "Staging was down for two hours during Northwind's training session on Tuesday.",
    "zh-hans": "HIS厂商通知接口文档将推迟两周交付，预约原型评审因此顺延。",
}
IMPACT = {
    "en": "Two training sessions moved to next week; no effect on the go-live date.",
    "zh-hans": "原型评审推迟约两周，上线日期预计顺延。",
}
# an internal issue past its due date: (title, description, proposed solution)
INTERNAL_ISSUE = {
    "en": (
        "Test data missing for the tracking journey",
        "The operations team has not sent anonymised shipment data yet.",
        "",
    ),
    "zh-hans": (
        "测试环境缺少脱敏的患者数据",
        "信息部尚未提供脱敏后的测试数据。",
        "由我方编写数据脱敏脚本，请信息部审核后导入。",
    ),
}

# (title, root causes, strategy, escalation, description, impact, steps (days ago, text),
# resolution or "", client agreed) — on one project of each client.
CONFLICTS: dict[str, tuple[Any, ...]] = {
    "NWL-01": (
        "Sponsor expects the beta before the trade fair",
        ["expectations", "communication"],
        "negotiation",
        "project_manager",
        "Sarah told her board the beta would be shown at the trade fair; the signed baseline "
        "has it three weeks later.",
        "Tension in the weekly calls; the board wants a date.",
        [
            (6, "Walked Sarah through the signed baseline and the change log."),
            (3, "Offered a trade-fair preview of the tracking page only."),
        ],
        "",
        None,
    ),
    "HCM-01": (
        "门诊部对预约原型的验收意见分歧",
        ["expectations", "scope"],
        "mediation",
        "management",
        "门诊部认为原型应包含复诊流程，我方认为复诊流程不在已签署的需求范围内。",
        "原型验收被拒，评审推迟。",
        [
            (12, "与李娜主任逐条核对需求规格说明书。"),
            (8, "由双方管理层共同参加的协调会议，张总主持。"),
        ],
        "复诊流程作为变更请求纳入第二阶段；原型按原范围重新提交验收。",
        True,
    ),
}


def tell_risks(project: Project, *, pm: Actor, member: User, today: date) -> None:
    """The project's risks and issues, and a conflict of its client where the story has one."""
    if project.published_at is None or project.status != Project.Status.ACTIVE:
        return
    language = project.client.language
    created = []
    for title, cause, p, i, mitigation, contingency, trigger, status, visible, by_member in RISKS[
        language
    ]:
        risk = risks.risk_create(
            actor=pm,
            project=project,
            title=title,
            cause=cause,
            probability=p,
            impact=i,
            owner_id=member.pk if by_member else project.pm_id,
            mitigation=mitigation,
            contingency=contingency,
            trigger=trigger,
            review_date=today + timedelta(days=14),
            client_visible=visible,
        )
        if status != "open":
            risk = risks.risk_update(actor=pm, risk=risk, status=status)
        created.append(risk)
    issue = risks.risk_occurred(
        actor=pm, risk=created[OCCURS[language]], description=OCCURRED[language]
    )
    issue = risks.issue_update(
        actor=pm,
        issue=issue,
        affects_schedule=language != "en",
        impact=IMPACT[language],
        due_date=today + timedelta(days=7),
        status="in_progress",
    )
    issue = risks.issue_share(actor=pm, issue=issue)
    title, description, solution = INTERNAL_ISSUE[language]
    risks.issue_create(
        actor=pm,
        project=project,
        title=title,
        description=description,
        proposed_solution=solution,
        affects_quality=True,
        owner_id=member.pk,
        due_date=today - timedelta(days=3),
    )
    if project.code in CONFLICTS:
        _tell_conflict(project, pm=pm, issue=issue, today=today)


def _tell_conflict(project: Project, *, pm: Actor, issue: Any, today: date) -> None:
    title, causes, strategy, level, description, impact, steps, resolution, agreed = CONFLICTS[
        project.code
    ]
    sponsor = project.client.contacts.filter(is_approver=True).order_by("pk").first()
    conflict = conflicts.conflict_create(
        actor=pm,
        client=project.client,
        project_id=project.pk,
        title=title,
        root_causes=causes,
        strategy=strategy,
        escalation_level=level,
        description=description,
        impact=impact,
        team_party_ids=[project.pm_id],
        contact_party_ids=[sponsor.pk] if sponsor else [],
    )
    for days_ago, text in steps:
        conflicts.conflict_step_add(
            actor=pm,
            conflict=conflict,
            description=text,
            occurred_on=today - timedelta(days=days_ago),
        )
    decided = (
        ChangeRequest.objects.filter(project=project, decisions__contact__isnull=False)
        .order_by("number")
        .first()
    )
    if decided is not None:
        conflicts.evidence_link(actor=pm, conflict=conflict, change_request_id=decided.pk)
    report = project.status_reports.filter(state="published").order_by("number").first()
    if report is not None:
        conflicts.evidence_link(actor=pm, conflict=conflict, status_report_id=report.pk)
    conflicts.evidence_link(actor=pm, conflict=conflict, issue_id=issue.pk)
    if resolution:
        conflicts.conflict_close(
            actor=pm,
            conflict=conflict,
            resolution=resolution,
            resolved_on=today - timedelta(days=5),
            client_agreed=agreed,
        )
