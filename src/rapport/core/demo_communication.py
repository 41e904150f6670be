"""The demo's communication and reporting: each active published project gets a stakeholder
register, a communication plan (one touchpoint overdue on NWL-01 and on HCM-01), a history of
touchpoints in the client's language, a weekly reporting cadence and two published status
reports, the first acknowledged by the client."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone, translation

from rapport.clients import services as clients
from rapport.clients.models import Contact
from rapport.communication import services as comm
from rapport.projects import services as projects
from rapport.projects.models import Project
from rapport.reports import narrative
from rapport.reports import services as reports
from rapport.tenancy.actors import Actor

PEOPLE = {
    "en": [
        ("Tom Becker", "tom@northwind.demo", "Head of Customer Service", "key_user", "low", "high"),
        ("Priya Nair", "priya@northwind.demo", "Finance Director", "decision_maker", "high", "low"),
    ],
    "zh-hans": [
        ("李娜", "lina@huachen.demo", "门诊部主任", "key_user", "low", "high"),
        ("陈刚", "chengang@huachen.demo", "财务总监", "decision_maker", "high", "low"),
    ],
}

PLANS = {
    "en": [
        ("Weekly status call with the sponsor", "video", "decision", 7, "interaction", (0,)),
        ("Fortnightly status report", "report", "information", 14, "status_report", (0, 1, 2)),
        ("Monthly budget review with finance", "meeting", "decision", 30, "interaction", (2,)),
    ],
    "zh-hans": [
        ("每周与项目发起人的状态会议", "video", "decision", 7, "interaction", (0,)),
        ("每两周的状态报告", "report", "information", 14, "status_report", (0, 1, 2)),
        ("每月与财务的预算评审", "meeting", "decision", 30, "interaction", (2,)),
    ],
}

# (days ago, channel, direction, kind, summary, follow-ups, plan item index or None, people)
Touchpoint = tuple[int, str, str, str, str, str, int | None, tuple[int, ...]]
TOUCHPOINTS: dict[str, list[Touchpoint]] = {
    "en": [
        (
            2,
            "video",
            "outbound",
            "decision",
            "Weekly call: agreed to move the design review to "
            "Thursday; Sarah asked for the revised timeline in writing.",
            "Send the revised timeline by Wednesday.",
            0,
            (0,),
        ),
        (
            5,
            "email",
            "outbound",
            "information",
            "Sent the minutes of the sprint review and the demo recording.",
            "",
            None,
            (0, 1),
        ),
        (
            9,
            "phone",
            "inbound",
            "urgent",
            "Tom called: the staging site was down during their training session.",
            "Root cause to Tom by Friday.",
            None,
            (1,),
        ),
        (
            12,
            "email",
            "outbound",
            "sensitive",
            "Told Priya by email that the licence costs rise by 8% next year.",
            "Follow up with a call.",
            None,
            (2,),
        ),
        (
            20,
            "meeting",
            "outbound",
            "decision",
            "Monthly budget review: Q3 spend approved.",
            "",
            2,
            (2,),
        ),
    ],
    "zh-hans": [
        (
            1,
            "video",
            "outbound",
            "decision",
            "周例会：确认预约规则的优先级，张总要求下周提供测试环境。",
            "周三前准备测试环境。",
            0,
            (0,),
        ),
        (
            4,
            "chat",
            "inbound",
            "urgent",
            "李主任微信反馈：挂号高峰时页面加载很慢。",
            "周五前给出性能分析。",
            None,
            (1,),
        ),
        (
            8,
            "phone",
            "outbound",
            "sensitive",
            "电话告知张总：上线日期需推迟两周，并说明了补救方案。",
            "书面确认新的里程碑日期。",
            None,
            (0,),
        ),
        (
            22,
            "meeting",
            "outbound",
            "decision",
            "月度预算评审：财务确认第三季度支出。",
            "",
            2,
            (2,),
        ),
    ],
}

SOLUTIONS = {
    "en": "Way forward: a second designer joins on Monday; the review moves to the date above.",
    "zh-hans": "解决方案：下周一增加一名设计师，评审按上述新日期进行。",
}
HOURS = {"en": "Mon–Fri 08:00–17:00", "zh-hans": "周一至周五 8:30–17:30"}
OVERDUE_PLAN = {"NWL-01", "HCM-01"}  # their weekly call was not held this week


def tell_communication(project: Project, *, pm: Actor, sponsor: Contact, today: date) -> None:
    if project.published_at is None or project.status != Project.Status.ACTIVE:
        return
    language = project.client.language
    people = [sponsor, *_people(project, pm, language)]
    comm.stakeholder_add(
        actor=pm,
        project=project,
        contact=sponsor,
        role="sponsor",
        influence="high",
        interest="high",
        notes="Prefers a call before anything goes in writing."
        if language == "en"
        else "重要事项先电话沟通，再书面确认。",
    )
    for person, (*_identity, role, influence, interest) in zip(
        people[1:], PEOPLE[language], strict=True
    ):
        comm.stakeholder_add(
            actor=pm,
            project=project,
            contact=person,
            role=role,
            influence=influence,
            interest=interest,
        )
    items = []
    for title, channel, kind, cadence, fulfilled_by, audience in PLANS[language]:
        items.append(
            comm.plan_item_create(
                actor=pm,
                project=project,
                audience=[people[i] for i in audience],
                owner_id=pm.user.pk if pm.user else project.pm_id,
                title=title,
                channel=channel,
                kind=kind,
                cadence_days=cadence,
                starts_on=max(project.start_date, today - timedelta(days=60)),
                fulfilled_by=fulfilled_by,
            )
        )
    now = timezone.now()
    for days, channel, direction, kind, summary, follow_ups, item, who in TOUCHPOINTS[language]:
        if item == 0 and project.code in OVERDUE_PLAN:
            days += 9  # the weekly call slipped: amber, then red on the PM's home page
        comm.interaction_log(
            actor=pm,
            client=project.client,
            project=project,
            contacts=[people[i] for i in who],
            plan_item=items[item] if item is not None else None,
            occurred_at=now - timedelta(days=days, hours=3),
            channel=channel,
            direction=direction,
            kind=kind,
            summary=summary,
            follow_ups=follow_ups,
        )


def _people(project: Project, pm: Actor, language: str) -> list[Contact]:
    """The client's other demo contacts, created once per client."""
    found = []
    for name, email, title, *_ in PEOPLE[language]:
        contact = project.client.contacts.filter(email=email).first()
        if contact is None:
            contact = clients.contact_create(
                actor=pm,
                client=project.client,
                full_name=name,
                email=email,
                job_title=title,
                language=language,
                time_zone="Europe/Berlin" if language == "en" else "Asia/Shanghai",
                phone="",
                preferred_channel="email" if "Finance" in title or "财务" in title else "phone",
                working_hours="Mon–Fri 08:00–17:00"
                if language == "en"
                else "周一至周五 8:30–17:30",
            )
        found.append(contact)
    return found


def tell_reports(project: Project, *, pm: Actor, client: Actor, today: date) -> None:
    """A weekly cadence on Fridays and two published reports, the first acknowledged."""
    if project.published_at is None or project.status != Project.Status.ACTIVE:
        return
    projects.project_update(actor=pm, project=project, report_cadence="weekly", report_weekday=4)
    language = project.client.language
    end = today - timedelta(days=1)
    for number, (start, stop) in enumerate(
        [(end - timedelta(days=13), end - timedelta(days=7)), (end - timedelta(days=6), end)]
    ):
        report = reports.report_draft(
            actor=pm, project=project, period_start=start, period_end=stop, language=language
        )
        edits: dict[str, str] = {}
        with translation.override(language):
            placeholder = str(narrative.SOLUTION_PLACEHOLDER)
        if placeholder in report.problems:
            edits["problems"] = report.problems.replace(placeholder, SOLUTIONS[language])
        if number == 1 and report.overall_health != "green" and project.code == "HCM-01":
            edits["stated_health"] = "amber"
            edits["stated_reason"] = (
                "上线推迟已与张总确认，新的日期有把握，整体按预警处理而非严重。"
            )
        if edits:
            reports.report_update(actor=pm, report=report, **edits)
        report = reports.report_publish(actor=pm, report=report)
        if number == 0:
            reports.report_acknowledge(actor=client, report=report)
