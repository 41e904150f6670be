"""Load a bilingual demo organisation (idempotent) and print its logins."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand
from django.db import models, transaction
from django.utils import timezone

from rapport.audit import services as audit
from rapport.clients import services as clients
from rapport.clients.models import Contact
from rapport.core.demo_changes import tell_changes
from rapport.core.demo_closure import tell_closure
from rapport.core.demo_communication import tell_communication, tell_reports
from rapport.core.demo_feedback import tell_feedback
from rapport.core.demo_health import tell_health
from rapport.core.demo_meetings import tell_meetings
from rapport.core.demo_messages import tell_messages
from rapport.core.demo_risks import tell_risks
from rapport.projects import baseline_services as baselines
from rapport.projects import services as projects
from rapport.projects.models import BaselineVersion, Deliverable, Project
from rapport.tenancy import services as tenancy
from rapport.tenancy.actors import Actor
from rapport.tenancy.models import Membership, Organisation, Role, User

PASSWORD = "rapport-demo-2026"
ORGANISATION = "Lumen Digital 流明数字"
MEMBERS = [
    ("owner@lumen.demo", "林梅 Lin Mei", Role.OWNER, "zh-hans", "Asia/Shanghai"),
    ("pm@lumen.demo", "Daniel Hart", Role.PM, "en", "Europe/London"),
    ("member@lumen.demo", "王磊 Wang Lei", Role.MEMBER, "zh-hans", "Asia/Shanghai"),
]
CLIENTS: list[dict[str, Any]] = [
    {
        "name": "Northwind Logistics",
        "language": "en",
        "website": "https://northwind.example",
        "contact": (
            "Sarah Cole",
            "sarah@northwind.demo",
            "Chief Operating Officer",
            "en",
            "Europe/Berlin",
        ),
        "projects": [
            ("NWL-01", "Customer portal relaunch", "active", True, -60, 120),
            ("NWL-02", "Warehouse app pilot", "proposed", False, 30, 150),
            ("NWL-03", "Fleet tracking dashboard", "active", True, -150, 20),
            ("NWL-04", "Returns process automation", "active", True, -7, 160),
        ],
    },
    {
        "name": "华晨医疗 Huachen Medical",
        "language": "zh-hans",
        "website": "",
        "contact": ("张伟", "zhangwei@huachen.demo", "信息部总监", "zh-hans", "Asia/Shanghai"),
        "projects": [
            ("HCM-01", "患者预约系统", "active", True, -30, 90),
            ("HCM-02", "检验报告在线查询", "active", True, -100, 60),
        ],
    },
]


# Each project's baseline, told through the services so the audit trail and the outbox have
# it all. Days are offsets from the day the demo is loaded, so every state stays true: a
# milestone's "done" and "forecast" are tracked after sign-off; "time" is logged weekly from
# the start until yesterday as (who, hours, rate).
BASELINES: dict[str, dict[str, Any]] = {
    # (a) signed, on track: milestones done on time, actuals within budget; deliverables
    # accepted and awaiting acceptance.
    "NWL-01": {
        "objectives": [
            {
                "statement": "Let customers track every shipment online without calling the "
                "service desk",
                "metric": "tracking enquiries answered online",
                "target_value": "80",
                "unit": "%",
                "due": 110,
                "relevance": "Phone enquiries cost Northwind €4 each and keep agents from real "
                "problems",
                "achievability": "Self-service tracking page fed by the existing TMS events",
                "owned": True,
            },
            {
                "statement": "Bring the median page load of the customer portal under two seconds",
                "metric": "median page load",
                "target_value": "2",
                "unit": "s",
                "due": 100,
                "relevance": "Half of the portal's visitors leave when a page takes longer",
                "achievability": "Server-side rendering and a CDN for static files",
            },
        ],
        "milestones": [
            {
                "name": "Discovery complete",
                "at": -45,
                "done": -46,
                "deliverables": [
                    ("Discovery report", "Interviews with 8 customers; top 10 pain points ranked")
                ],
            },
            {
                "name": "Design approved",
                "at": -10,
                "done": -10,
                "deliverables": [
                    ("Clickable prototype", "Covers the five key journeys, tested with 5 users")
                ],
            },
            {
                "name": "Beta release",
                "at": 50,
                "weight": "2",
                "deliverables": [
                    ("Beta on staging", "All journeys work on staging with test data")
                ],
            },
            {
                "name": "Load test passed",
                "at": 80,
                "visible": False,
                "deliverables": [("Load test report", "2,000 concurrent users, p95 under 1 s")],
            },
            {
                "name": "Go-live",
                "at": 115,
                "deliverables": [("Production launch", "Live for all customers; old portal off")],
            },
        ],
        "budget": [
            ("labour", "Design and build", "54000.00"),
            ("licences", "Design tools and hosting", "6000.00"),
            ("travel", "User research visits", "3000.00"),
        ],
        "standards": [
            (
                "Accessibility",
                "WCAG 2.2 AA on every page",
                ["Clickable prototype", "Beta on staging"],
            ),
            ("Performance", "Median page load under 2 s on 4G", ["Production launch"]),
        ],
        "submit": True,
        "sign": "Agreed, thank you. Looking forward to the prototype.",
        "deliverables": {"Discovery report": ("accept", ""), "Clickable prototype": ("submit", "")},
        "costs": [
            ("licences", -50, "2400.00", "Design tool seats"),
            ("travel", -40, "640.00", "Research visit to the Hamburg depot"),
        ],
        "time": [("pm", "7.5", "95.00"), ("member", "16", "75.00")],
    },
    # Draft only: not yet published, one objective still vague (fails S, M and A).
    "NWL-02": {
        "objectives": [
            {
                "statement": "Replace paper pick lists with a handheld app in the Rotterdam "
                "warehouse",
                "metric": "orders picked with the app",
                "target_value": "95",
                "unit": "%",
                "due": 140,
                "relevance": "Paper lists cause most picking errors",
                "achievability": "Rugged Android handhelds already in use for stock counts",
            },
            {
                "statement": "Improve warehouse efficiency",
                "due": 150,
                "relevance": "Management wants it",
            },
        ],
        "milestones": [
            {"name": "Pilot scope agreed", "at": 45, "deliverables": []},
            {
                "name": "Pilot live in Rotterdam",
                "at": 120,
                "deliverables": [("Pilot app", "Used for every order in aisle A for two weeks")],
            },
        ],
        "budget": [("labour", "Pilot build", "30000.00"), ("hardware", "Handhelds", "8000.00")],
    },
    # (c) signed, over budget: the work is on schedule, the hours are not; a deliverable was
    # rejected against its criteria.
    "NWL-03": {
        "objectives": [
            {
                "statement": "Show the live position of every truck in the fleet on one dashboard",
                "metric": "trucks reporting their position every 30 s",
                "target_value": "100",
                "unit": "%",
                "due": 15,
                "relevance": "Dispatchers phone drivers to find out where they are",
                "achievability": "Telematics boxes are fitted; their API is documented",
                "owned": True,
            }
        ],
        "milestones": [
            {
                "name": "Requirements signed off",
                "at": -130,
                "done": -131,
                "deliverables": [],
            },
            {
                "name": "Telematics integration",
                "at": -75,
                "done": -75,
                "weight": "2",
                "deliverables": [
                    ("Integration test report", "All 240 vehicles report; no gaps over 5 min")
                ],
            },
            {
                "name": "Dashboard beta",
                "at": -20,
                "done": -21,
                "weight": "2",
                "deliverables": [("Beta dashboard", "Positions refresh every 30 s on the map")],
            },
            {"name": "Fleet-wide rollout", "at": 15, "deliverables": []},
        ],
        "budget": [
            ("labour", "Integration and dashboard", "36000.00"),
            ("hardware", "Wall screens", "6000.00"),
        ],
        "standards": [("Freshness", "No position older than 60 s", ["Beta dashboard"])],
        "submit": True,
        "sign": "",
        "deliverables": {
            "Integration test report": ("accept", ""),
            "Beta dashboard": (
                "reject",
                "Positions refresh every 5 minutes, not every 30 seconds as the criteria say.",
            ),
        },
        "costs": [
            ("hardware", -60, "7400.00", "Four 75-inch wall screens and mounts"),
        ],
        "time": [("pm", "8", "95.00"), ("member", "20", "75.00")],
    },
    # (d) submitted: version 1 awaits the client's sign-off.
    "NWL-04": {
        "objectives": [
            {
                "statement": "Process every customer return within three working days of its "
                "arrival",
                "metric": "returns processed within 3 working days",
                "target_value": "90",
                "unit": "%",
                "due": 150,
                "relevance": "Slow refunds are the top complaint in Northwind's surveys",
                "achievability": "Scan-to-refund workflow with the warehouse team",
                "owned": True,
            }
        ],
        "milestones": [
            {
                "name": "Process map agreed",
                "at": 20,
                "deliverables": [("Returns process map", "Every return type mapped, owners named")],
            },
            {
                "name": "Pilot in the Leeds depot",
                "at": 75,
                "weight": "2",
                "deliverables": [("Pilot report", "Four weeks of returns, times measured")],
            },
            {"name": "Rollout to all depots", "at": 150, "deliverables": []},
        ],
        "budget": [
            ("labour", "Analysis and build", "48000.00"),
            ("licences", "Workflow platform", "9000.00"),
            ("subcontracting", "Scanner integration", "12000.00"),
        ],
        "standards": [("Traceability", "Every return has a scan trail", ["Pilot report"])],
        "submit": True,
        "time": [("pm", "6", "95.00")],
    },
    # (b) signed, late: the specification came late, the prototype review is missed, go-live
    # is forecast after the planned end; the prototype was rejected.
    "HCM-01": {
        "objectives": [
            {
                "statement": "将患者通过线上渠道完成预约的比例提高到百分之六十以上",
                "metric": "线上预约占比",
                "target_value": "60",
                "unit": "%",
                "due": 88,
                "relevance": "减少窗口排队，缓解门诊大厅拥挤",
                "achievability": "与医院现有HIS系统对接，提供微信和网页两个预约入口",
                "owned": True,
            }
        ],
        "milestones": [
            {
                "name": "需求规格确认",
                "at": -20,
                "done": -14,
                "deliverables": [("需求规格说明书", "覆盖全部预约、改约、取消流程，经信息部签字")],
            },
            {
                "name": "预约流程原型评审",
                "at": -5,
                "forecast": 9,
                "deliverables": [
                    ("预约流程原型", "包含初诊、复诊和专家号三种预约流程，可点击演示")
                ],
            },
            {"name": "内部安全评估", "at": 40, "visible": False, "deliverables": []},
            {
                "name": "系统上线",
                "at": 85,
                "forecast": 100,
                "weight": "2",
                "deliverables": [("正式上线", "门诊全部科室可线上预约，旧系统停用")],
            },
        ],
        "budget": [
            ("labour", "设计与开发", "380000.00"),
            ("licences", "短信与云服务", "45000.00"),
            ("hardware", "自助预约终端", "60000.00"),
        ],
        "standards": [("数据安全", "符合等保三级要求，患者信息加密存储", ["正式上线"])],
        "submit": True,
        "sign": "同意。",
        "deliverables": {
            "需求规格说明书": ("accept", ""),
            "预约流程原型": ("reject", "缺少复诊预约流程，不符合验收标准第一条。"),
        },
        "costs": [("licences", -25, "45000.00", "短信与云服务年费")],
        "time": [("pm", "8", "650.00"), ("member", "24", "480.00")],
    },
    # (e) re-baselined: version 1 signed, then a new entry point moved go-live and added
    # budget; version 2 signed too, so the comparison shows the change.
    "HCM-02": {
        "objectives": [
            {
                "statement": "患者可在检验完成后两小时内在线查看自己的检验报告",
                "metric": "两小时内可在线查看的报告比例",
                "target_value": "95",
                "unit": "%",
                "due": 55,
                "relevance": "减少患者往返医院取报告的次数",
                "achievability": "从LIS系统实时推送报告，由检验科审核后发布",
                "owned": True,
            }
        ],
        "milestones": [
            {"name": "需求与接口设计确认", "at": -85, "done": -86, "deliverables": []},
            {
                "name": "接口联调完成",
                "at": -60,
                "done": -61,
                "weight": "2",
                "deliverables": [("接口联调报告", "LIS与门户接口全部用例通过")],
            },
            {
                "name": "试运行",
                "at": 10,
                "deliverables": [("试运行报告", "两个科室试运行两周，问题清单闭环")],
            },
            {"name": "正式上线", "at": 45, "weight": "2", "deliverables": []},
        ],
        "budget": [("labour", "开发与测试", "260000.00"), ("licences", "云服务", "30000.00")],
        "standards": [("报告准确", "在线报告与纸质报告逐项一致", ["接口联调报告"])],
        "submit": True,
        "sign": "",
        "deliverables": {"接口联调报告": ("accept", "")},
        "rebaseline": {
            "reason": "医院要求增加微信小程序查询入口，正式上线顺延两周，预算相应增加。",
            "end": 74,
            "milestones": {"正式上线": 59},
            "budget": {"开发与测试": "300000.00"},
            "add_milestones": [{"name": "微信小程序上线", "at": 70, "deliverables": []}],
            "add_budget": [("subcontracting", "微信小程序开发", "35000.00")],
            "sign": "同意变更。",
        },
        "costs": [("licences", -80, "30000.00", "云服务年费")],
        "time": [("pm", "4", "650.00"), ("member", "8", "480.00")],
    },
}


class Story:
    """One demo project's baseline, told through the services in the order people would act:
    draft, submit, sign, track, decide on deliverables, re-baseline, log actuals."""

    def __init__(
        self,
        project: Project,
        *,
        pm: Actor,
        client: Contact,
        people: dict[Role, User],
        today: date,
    ) -> None:
        assert client.user is not None
        self.project, self.pm, self.people, self.today = project, pm, people, today
        self.client = Actor.contact(client.user, frozenset({client.pk}), ip="127.0.0.1")
        self.items: dict[str, models.Model] = {}

    def day(self, offset: int) -> date:
        return self.today + timedelta(days=offset)

    def create(self, kind: str, key: str, **values: Any) -> models.Model:
        assert key not in self.items, key  # items are found again by name
        item = baselines.item_create(actor=self.pm, project=self.project, kind=kind, **values)
        self.items[key] = item
        return item

    def tell(self, spec: dict[str, Any]) -> None:
        self.draft(spec)
        if spec.get("submit"):
            version = baselines.baseline_submit(actor=self.pm, project=self.project)
            if "sign" in spec:
                self.sign(version, spec["sign"])
                self.track(spec["milestones"])
        for name, (decision, reason) in spec.get("deliverables", {}).items():
            self.decide(name, decision, reason)
        if "rebaseline" in spec:
            self.rebaseline(spec["rebaseline"])
        self.actuals(spec)

    def draft(self, spec: dict[str, Any]) -> None:
        for objective in spec["objectives"]:
            values = {k: v for k, v in objective.items() if k not in {"due", "owned"}}
            if values.get("target_value"):
                values["target_value"] = Decimal(values["target_value"])
            self.create(
                "objective",
                objective["statement"],
                due_date=self.day(objective["due"]),
                owner=self.pm.user if objective.get("owned") else None,
                **values,
            )
        self.milestones(spec["milestones"])
        self.budget(spec["budget"])
        for title, criteria, deliverables in spec.get("standards", []):
            self.create(
                "quality_standard",
                title,
                title=title,
                criteria=criteria,
                deliverables=[self.items[name].pk for name in deliverables],
            )

    def milestones(self, milestones: list[dict[str, Any]]) -> None:
        for spec in milestones:
            milestone = self.create(
                "milestone",
                spec["name"],
                name=spec["name"],
                baseline_date=self.day(spec["at"]),
                client_visible=spec.get("visible", True),
                weight=Decimal(spec.get("weight", "1")),
            )
            for name, criteria in spec["deliverables"]:
                self.create(
                    "deliverable",
                    name,
                    milestone=milestone,
                    name=name,
                    acceptance_criteria=criteria,
                )

    def budget(self, lines: list[tuple[str, str, str]]) -> None:
        for category, description, amount in lines:
            self.create(
                "budget_line",
                description,
                category=category,
                description=description,
                amount=Decimal(amount),
            )

    def sign(self, version: BaselineVersion, comment: str) -> None:
        baselines.baseline_sign(actor=self.client, version=version, comment=comment)

    def track(self, milestones: list[dict[str, Any]]) -> None:
        """What happened since: done dates (never in the future) and forecasts."""
        for spec in milestones:
            tracking = {
                field: self.day(spec[key])
                for key, field in (("done", "done_date"), ("forecast", "forecast_date"))
                if key in spec
            }
            if tracking:
                baselines.item_update(actor=self.pm, item=self.items[spec["name"]], **tracking)

    def decide(self, name: str, decision: str, reason: str) -> None:
        deliverable = self.items[name]
        assert isinstance(deliverable, Deliverable)
        baselines.deliverable_submit(actor=self.pm, deliverable=deliverable)
        if decision != "submit":
            baselines.deliverable_decide(
                actor=self.client,
                deliverable=deliverable,
                accept=decision == "accept",
                reason=reason,
            )

    def rebaseline(self, change: dict[str, Any]) -> None:
        baselines.project_rebaseline(actor=self.pm, project=self.project, reason=change["reason"])
        projects.project_update(
            actor=self.pm, project=self.project, end_date=self.day(change["end"])
        )
        for name, at in change["milestones"].items():
            baselines.item_update(actor=self.pm, item=self.items[name], baseline_date=self.day(at))
        for description, amount in change["budget"].items():
            baselines.item_update(
                actor=self.pm, item=self.items[description], amount=Decimal(amount)
            )
        self.milestones(change["add_milestones"])
        self.budget(change["add_budget"])
        version = baselines.baseline_submit(actor=self.pm, project=self.project)
        self.sign(version, change["sign"])

    def actuals(self, spec: dict[str, Any]) -> None:
        for category, at, amount, description in spec.get("costs", []):
            baselines.cost_entry_create(
                actor=self.pm,
                project=self.project,
                category=category,
                date=self.day(at),
                amount=Decimal(amount),
                description=description,
            )
        start = (self.project.start_date - self.today).days + 2
        for who, hours, rate in spec.get("time", []):
            for offset in range(start, 0, 7):
                baselines.time_entry_create(
                    actor=self.pm,
                    project=self.project,
                    person_id=self.people[Role(who)].pk,
                    date=self.day(offset),
                    hours=Decimal(hours),
                    rate=Decimal(rate),
                )


class Command(BaseCommand):
    help = "Load the bilingual demo organisation and print the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        if not Organisation.objects.filter(name=ORGANISATION).exists():
            self._load()
        self.stdout.write(self.style.SUCCESS("Demo logins (password for all: %s)" % PASSWORD))
        for email, name, role, *_ in MEMBERS:
            self.stdout.write(f"  {email:<28} {name} · {role}")
        for client in CLIENTS:
            contact = client["contact"]
            self.stdout.write(f"  {contact[1]:<28} {contact[0]} · client portal ({client['name']})")

    @transaction.atomic
    def _load(self) -> None:
        owner_email, owner_name, _, language, tz = MEMBERS[0]
        owner_membership = tenancy.organisation_signup(
            organisation_name=ORGANISATION,
            full_name=owner_name,
            email=owner_email,
            password=PASSWORD,
            language=language,
            time_zone=tz,
        )
        organisation = owner_membership.organisation
        owner = Actor.member(owner_membership.user, organisation, Role.OWNER)
        users = {Role.OWNER: owner_membership.user}
        for email, name, role, language, tz in MEMBERS[1:]:
            user = User.objects.create_user(
                email, PASSWORD, full_name=name, language=language, time_zone=tz
            )
            membership = Membership.objects.create(organisation=organisation, user=user, role=role)
            audit.record(
                actor=owner, action="created", obj=membership, changes={"role": [None, role]}
            )
            users[role] = user
        # Changes costing more than this need an owner's approval before the client's.
        organisation.change_approval_threshold = Decimal("20000")
        organisation.save(update_fields=["change_approval_threshold"])
        today = timezone.localdate()  # the day the services judge "the future" by
        pm = Actor.member(users[Role.PM], organisation, Role.PM)
        for spec in CLIENTS:
            client = clients.client_create(
                actor=owner,
                name=spec["name"],
                website=spec["website"],
                language=spec["language"],
                notes="",
            )
            full_name, email, title, language, tz = spec["contact"]
            contact = clients.contact_create(
                actor=owner,
                client=client,
                full_name=full_name,
                email=email,
                job_title=title,
                language=language,
                time_zone=tz,
                phone="",
                is_approver=True,
            )
            self._grant_portal(owner, contact)
            for code, name, status, published, start, end in spec["projects"]:
                project = projects.project_create(
                    actor=owner,
                    client=client,
                    name=name,
                    code=code,
                    pm=users[Role.PM],
                    start_date=today + timedelta(days=start),
                    end_date=today + timedelta(days=end),
                    status=status,
                    currency="EUR" if spec["language"] == "en" else "CNY",
                    description="",
                )
                projects.project_member_add(
                    actor=owner, project=project, user_id=users[Role.MEMBER].pk
                )
                if published:
                    projects.project_publish(actor=owner, project=project)
                story = Story(project, pm=pm, client=contact, people=users, today=today)
                story.tell(BASELINES[code])
                tell_changes(
                    project,
                    pm=pm,
                    client=story.client,
                    admin=Actor.member(users[Role.OWNER], organisation, Role.OWNER),
                )
                tell_communication(project, pm=pm, sponsor=contact, today=today)
                tell_reports(project, pm=pm, client=story.client, today=today)
                tell_meetings(project, pm=pm, client=story.client, today=today)
                tell_risks(project, pm=pm, member=users[Role.MEMBER], today=today)
                tell_feedback(project, pm=pm, today=today)
        tell_messages(organisation)
        tell_health(organisation, owner=owner, pm=pm, today=today)
        tell_closure(organisation, today=today)

    def _grant_portal(self, owner: Actor, contact: Contact) -> None:
        """The demo skips the emailed link: its contacts can sign in straight away."""
        user = User.objects.create_user(
            contact.email,
            PASSWORD,
            full_name=contact.full_name,
            language=contact.language,
            time_zone=contact.time_zone,
        )
        contact.user, contact.portal_access = user, True
        contact.save(update_fields=["user", "portal_access", "updated_at"])
        audit.record(
            actor=owner, action="updated", obj=contact, changes={"portal_access": [False, True]}
        )
