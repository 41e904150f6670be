"""Load a bilingual demo organisation (idempotent) and print its logins."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from rapport.audit import services as audit
from rapport.clients import services as clients
from rapport.clients.models import Contact
from rapport.projects import services as projects
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
        ],
    },
    {
        "name": "华晨医疗 Huachen Medical",
        "language": "zh-hans",
        "website": "",
        "contact": ("张伟", "zhangwei@huachen.demo", "信息部总监", "zh-hans", "Asia/Shanghai"),
        "projects": [("HCM-01", "患者预约系统", "active", True, -30, 90)],
    },
]


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
        today = date.today()
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
