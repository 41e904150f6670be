"""Demo closure: one finished project per client, told through the services — its delivery
accepted, a final status report, lessons in the client's language (some shared with the
client), the closure report published; Northwind has accepted its closure, Huachen has not
yet. Each closure is dated back to the project's end, so its check-ins are due or done."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone, translation

from rapport.clients.models import Client
from rapport.closure import checkins, services
from rapport.closure.models import CheckIn, Closure
from rapport.core.demo_communication import SOLUTIONS
from rapport.lessons import services as lessons
from rapport.projects import baseline_services as baselines
from rapport.projects import services as projects
from rapport.projects.models import Deliverable, Project
from rapport.reports import narrative
from rapport.reports import services as reports
from rapport.tenancy.actors import Actor
from rapport.tenancy.models import Organisation, Role

# (category, title, what happened, impact, root cause, recommendation, tags, shared)
Lesson = tuple[str, str, str, str, str, str, list[str], bool]

CLOSED: list[dict[str, Any]] = [
    {
        "client": "Northwind Logistics",
        "code": "NWL-00",
        "name": "Route planning tool",
        "description": "A route planner for the dispatch team: daily tours from the order "
        "book, with time windows and vehicle capacities.",
        "start": -300,
        "end": -100,
        "milestone": "Planner live in all depots",
        "deliverable": ("Route planner", "Plans the next day's tours for 40 vans in 5 minutes"),
        "narrative": "The route planner went live in all four depots two weeks after the "
        "baseline date, within budget. Dispatchers plan the next day in minutes instead of "
        "two hours. The delay came from the map data licence, signed late.",
        "summary_lessons": "Sign third-party licences before the build starts; demo weekly.",
        "accepted": "Thank you — the dispatchers use it every day.",
        "checkin_done": "Called Sarah: the planner is used daily; they ask about a mobile view.",
        "lessons": [
            (
                "expectations",
                "Agree what 'done' means for every deliverable",
                "The dispatch team expected live traffic data in the first release; the "
                "baseline only promised static road speeds.",
                "Two weeks of rework and a tense acceptance meeting.",
                "Acceptance criteria were written by us and never walked through with the "
                "users who would sign off.",
                "Walk through the acceptance criteria with the signing users before the "
                "baseline is signed, and write their words into the criteria.",
                ["acceptance", "scope"],
                True,
            ),
            (
                "communication",
                "Show working software every week",
                "After the monthly demo was replaced by a weekly 20-minute demo, feedback "
                "arrived in days instead of weeks.",
                "Fewer surprises at acceptance; satisfaction scores rose from 3 to 5.",
                "Monthly demos left too much built before the client saw it.",
                "Demo working software to the client every week, even when it is small.",
                ["demo", "feedback"],
                True,
            ),
            (
                "estimation",
                "Estimate third-party integrations as ranges",
                "The map data integration was estimated at 5 days and took 17.",
                "The go-live moved by two weeks.",
                "A single-point estimate for an API nobody on the team had used.",
                "Give integrations with unfamiliar APIs a range and a spike before committing "
                "a date.",
                ["integration", "estimate"],
                False,
            ),
            (
                "change",
                "Price every change request, even the small ones",
                "Seven 'small' requests were accepted by phone and together cost 12 days.",
                "The budget contingency was used up before the last milestone.",
                "Small changes bypassed the change request process.",
                "Log every request as a change request with its cost and schedule effect; "
                "let the client decide with the numbers in front of them.",
                ["change request", "budget"],
                False,
            ),
            (
                "relationship",
                "Keep the sponsor close after go-live",
                "The COO only heard about the go-live success from her dispatchers.",
                "A missed chance to agree the follow-up project early.",
                "No planned touchpoint with the sponsor after delivery.",
                "Plan check-ins with the sponsor after closure and bring numbers from the "
                "first month of use.",
                ["sponsor", "check-in"],
                True,
            ),
        ],
    },
    {
        "client": "华晨医疗 Huachen Medical",
        "code": "HCM-00",
        "name": "住院部移动护理",
        "description": "护士在病床旁用平板电脑记录生命体征和执行医嘱，数据实时同步到医院信息系统。",
        "start": -240,
        "end": -40,
        "milestone": "全院病区上线",
        "deliverable": ("移动护理应用", "覆盖全部 12 个病区，离线可用，数据在 1 分钟内同步"),
        "narrative": "移动护理应用已在全部 12 个病区上线，比基线晚一周，预算内完成。护士记录体征的"
        "时间平均缩短了 40%。延期的主要原因是医院信息系统接口的测试环境准备较晚。",
        "summary_lessons": "尽早确认接口测试环境；需求变更必须走变更流程。",
        "accepted": "",
        "checkin_done": "",
        "lessons": [
            (
                "expectations",
                "需求变更没有走流程导致延期",
                "护理部在开发后期口头提出增加护理评估量表，团队直接开始开发。",
                "上线推迟一周，测试时间被压缩。",
                "没有要求通过变更申请评估对进度和预算的影响。",
                "所有需求变更都要提交变更申请，评估影响并经客户确认后再开发。",
                ["需求变更", "范围"],
                True,
            ),
            (
                "communication",
                "每周例会让问题更早暴露",
                "项目中期改为每周一次 30 分钟的例会，并发送一页纸周报。",
                "客户满意度明显提升，问题平均提前一周被发现。",
                "之前只有月度汇报，信息传递太慢。",
                "与客户约定固定的每周沟通节奏，周报控制在一页以内。",
                ["例会", "周报"],
                True,
            ),
            (
                "quality",
                "尽早准备接口测试环境",
                "医院信息系统的测试环境在计划联调前两天才准备好。",
                "联调时间不足，上线后发现两个数据同步问题。",
                "测试环境由医院信息部负责，没有列入项目计划和风险登记册。",
                "在项目启动时就把客户方负责的测试环境列为里程碑，并登记为风险跟踪。",
                ["测试环境", "接口"],
                False,
            ),
            (
                "estimation",
                "离线同步的工作量被低估",
                "病区网络信号不稳定，离线同步功能的开发比估算多用了两周。",
                "团队连续加班，质量风险上升。",
                "估算时没有实地考察病区的网络情况。",
                "估算前实地考察使用环境，对不确定的技术点先做技术验证。",
                ["估算", "离线"],
                False,
            ),
            (
                "relationship",
                "请关键用户参与验收测试",
                "护士长参与了验收测试，提出的意见让应用更贴近临床工作流程。",
                "上线后培训时间缩短一半，护士接受度高。",
                "早期只有信息部参与评审，临床用户参与不足。",
                "让每个病区的关键用户参与原型评审和验收测试。",
                ["验收", "关键用户"],
                True,
            ),
        ],
    },
]

ORGANISATION_LESSON: Lesson = (
    "other",
    "Close the budget the week the project closes",
    "Late timesheets arrived for three weeks after closure and changed the final figures.",
    "The closure report had to be explained twice to the client.",
    "Nobody owned the final cost check.",
    "Ask the team for their last timesheets before closing the budget and close it in the "
    "same week as the project.",
    ["budget", "closure"],
    False,
)


def tell_closure(organisation: Organisation, *, today: date) -> None:
    owner = _actor(organisation, Role.OWNER)
    pm = _actor(organisation, Role.PM)
    for spec in CLOSED:
        client = organisation.clients.get(name=spec["client"])
        contact = client.contacts.get(is_approver=True)
        assert contact.user is not None
        client_actor = Actor.contact(contact.user, frozenset({contact.pk}), ip="127.0.0.1")
        project = _deliver(spec, client, owner=owner, pm=pm, contact=client_actor, today=today)
        for lesson in spec["lessons"]:
            _lesson(pm, project, lesson, language=client.language)
        _close(spec, project, pm=pm, client=client_actor, today=today)
    _lesson(owner, None, ORGANISATION_LESSON, language="en")  # not tied to a project


def _actor(organisation: Organisation, role: Role) -> Actor:
    membership = organisation.memberships.select_related("user").get(role=role)
    return Actor.member(membership.user, organisation, role)


def _deliver(
    spec: dict[str, Any], client: Client, *, owner: Actor, pm: Actor, contact: Actor, today: date
) -> Project:
    """The project as it stood on its last day: baseline signed, delivered and accepted, a
    final status report published."""
    end = today + timedelta(days=spec["end"])
    project = projects.project_create(
        actor=owner,
        client=client,
        name=spec["name"],
        code=spec["code"],
        pm=pm.user,
        start_date=today + timedelta(days=spec["start"]),
        end_date=end,
        status=Project.Status.ACTIVE,
        currency="EUR" if client.language == "en" else "CNY",
        description=spec["description"],
    )
    projects.project_publish(actor=owner, project=project)
    milestone = baselines.item_create(
        actor=pm, project=project, kind="milestone", name=spec["milestone"], baseline_date=end
    )
    name, criteria = spec["deliverable"]
    deliverable = baselines.item_create(
        actor=pm,
        project=project,
        kind="deliverable",
        milestone=milestone,
        name=name,
        acceptance_criteria=criteria,
    )
    assert isinstance(deliverable, Deliverable)
    version = baselines.baseline_submit(actor=pm, project=project)
    baselines.baseline_sign(actor=contact, version=version)
    baselines.item_update(actor=pm, item=milestone, done_date=end)
    baselines.deliverable_submit(actor=pm, deliverable=deliverable)
    baselines.deliverable_decide(actor=contact, deliverable=deliverable, accept=True)
    _final_report(project, pm=pm, end=end)
    return project


def _final_report(project: Project, *, pm: Actor, end: date) -> None:
    language = project.client.language
    report = reports.report_draft(
        actor=pm,
        project=project,
        period_start=end - timedelta(days=13),
        period_end=end,
        language=language,
    )
    with translation.override(language):
        placeholder = str(narrative.SOLUTION_PLACEHOLDER)
    if placeholder in report.problems:
        problems = report.problems.replace(placeholder, SOLUTIONS[language])
        reports.report_update(actor=pm, report=report, problems=problems)
    reports.report_publish(actor=pm, report=report)


def _lesson(actor: Actor, project: Project | None, lesson: Lesson, *, language: str) -> None:
    category, title, happened, impact, cause, recommendation, tags, shared = lesson
    lessons.lesson_create(
        actor=actor,
        project_id=project.pk if project else None,
        title=title,
        what_happened=happened,
        impact=impact,
        root_cause=cause,
        recommendation=recommendation,
        category=category,
        tags=tags,
        language=language,
        shared_with_client=shared,
    )


def _close(
    spec: dict[str, Any], project: Project, *, pm: Actor, client: Actor, today: date
) -> None:
    services.closure_update(
        actor=pm,
        project=project,
        narrative=spec["narrative"],
        lessons=spec["summary_lessons"],
        budget_closed=True,
    )
    services.closure_close(actor=pm, project=project)
    _date_back(project, closed_on=today + timedelta(days=spec["end"]))
    if spec["accepted"]:
        services.closure_accept(actor=client, project=project, comment=spec["accepted"])
    if spec["checkin_done"]:
        first = checkins.project_checkins(project=project).first()
        assert first is not None
        checkins.checkin_record(
            actor=pm,
            checkin=first,
            channel="phone",
            summary=spec["checkin_done"],
            occurred_at=timezone.make_aware(datetime.combine(first.due_on, time(10))),
        )


def _date_back(project: Project, *, closed_on: date) -> None:
    """The demo is loaded today; its closures happened on the projects' last days, so the
    check-ins planned from them fall due as they would have."""
    closed_at = timezone.make_aware(datetime.combine(closed_on, time(17)))
    Closure.objects.filter(project=project).update(closed_at=closed_at)
    for checkin in CheckIn.objects.filter(project=project):
        checkin.due_on = checkins.add_months(closed_on, checkin.months)
        checkin.save(update_fields=["due_on"])
