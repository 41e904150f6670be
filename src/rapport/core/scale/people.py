"""The organisation's people, clients, contacts and projects: written first, in bulk, the
clients and projects half in Chinese and half in English."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password

from rapport.clients.models import Client, Contact
from rapport.core.scale import texts
from rapport.core.scale.base import Loader, Site
from rapport.core.scale.plan import CLOSED_SHARE, MEMBERS, Plan, spread
from rapport.lessons import services as lessons
from rapport.projects.models import Project, ProjectMember
from rapport.tenancy.models import Language, Membership, Organisation, Role, User

ZONES = {texts.EN: "Europe/London", texts.ZH: "Asia/Shanghai"}


def organisation_create(*, slug: str, name: str) -> Organisation:
    return Organisation.objects.create(
        name=name,
        slug=slug,
        time_zone="Asia/Shanghai",
        # changes costing more than this wait for an owner's or admin's approval
        change_approval_threshold=Decimal("20000"),
    )


def _person(language: str, n: int) -> str:
    given, family = texts.GIVEN[language], texts.FAMILY[language]
    first, last = given[n % len(given)], family[(n // len(given)) % len(family)]
    if language == texts.ZH:
        return f"{last}{first}"
    return f"{first} {last}"


def members_create(loader: Loader, password: str) -> None:
    """Owners, admins, PMs and team members, every other one working in Chinese."""
    hashed = make_password(password)
    slug = loader.organisation.slug
    users: list[User] = []
    roles: list[str] = []
    for role, count in MEMBERS.items():
        for n in range(1, count + 1):
            language = texts.ZH if len(users) % 2 else texts.EN
            users.append(
                User(
                    email=f"{role}{n:02d}@{slug}.example",
                    full_name=_person(language, len(users) * 3 + 1),
                    language=language,
                    time_zone=ZONES[language],
                    password=hashed,
                )
            )
            roles.append(role)
    loader.insert(User, users, "people")
    loader.insert(
        Membership,
        [
            Membership(organisation=loader.organisation, user=user, role=role)
            for user, role in zip(users, roles, strict=True)
        ],
        "people",
    )
    for user, role in zip(users, roles, strict=True):
        loader.members.setdefault(role, []).append(user)


def clients_create(loader: Loader, plan: Plan, password: str) -> dict[int, list[Contact]]:
    """Clients alternate between the two languages; each client's first contact approves and
    signs in to the portal with the known password."""
    rng = loader.rng("clients")
    hashed = make_password(password)
    slug = loader.organisation.slug
    clients: list[Client] = []
    for n in range(plan["clients"]):
        language = texts.EN if n % 2 == 0 else texts.ZH
        stems, trades = texts.CLIENT_STEMS[language], texts.CLIENT_TRADES[language]
        k = n // 2
        stem, trade = stems[k % len(stems)], trades[(k // len(stems)) % len(trades)]
        name = f"{stem}{trade}" if language == texts.ZH else f"{stem} {trade}"
        if k >= len(stems) * len(trades):
            name = f"{name} {k // (len(stems) * len(trades)) + 1}"
        clients.append(
            Client(
                organisation=loader.organisation,
                name=name,
                language=language,
                website=f"https://client{n:03d}.example" if language == texts.EN else "",
            )
        )
    loader.insert(Client, clients, "clients")
    contacts: list[Contact] = []
    portal_users: list[User] = []
    for client_number, (client, count) in enumerate(
        zip(clients, spread(plan["contacts"], len(clients)), strict=True)
    ):
        language = client.language
        for k in range(count):
            email = f"contact{k:02d}@client{client_number:03d}.{slug}.example"
            contact = Contact(
                organisation=loader.organisation,
                client=client,
                full_name=_person(language, client_number * 7 + k),
                email=email,
                phone=f"+{86 if language == texts.ZH else 44} {rng.randrange(10**9, 10**10)}",
                job_title=texts.JOB_TITLES[language][k % len(texts.JOB_TITLES[language])],
                language=language,
                time_zone=ZONES[language],
                is_approver=k < 2,
                portal_access=k == 0,
            )
            if k == 0:
                contact.user = User(
                    email=email,
                    full_name=contact.full_name,
                    language=language,
                    time_zone=ZONES[language],
                    password=hashed,
                )
                portal_users.append(contact.user)
            contacts.append(contact)
    loader.insert(User, portal_users, "contacts")
    for contact in contacts:
        if contact.user is not None:
            contact.user_id = contact.user.pk
    loader.insert(Contact, contacts, "contacts")
    by_client: dict[int, list[Contact]] = {}
    for contact in contacts:
        by_client.setdefault(contact.client_id, []).append(contact)
    return by_client


def _status(index: int, rng_value: float) -> str:
    if index % round(1 / CLOSED_SHARE) == round(1 / CLOSED_SHARE) - 1:
        return Project.Status.CLOSED
    if index == 0 or rng_value < 0.80:
        return Project.Status.ACTIVE
    if rng_value < 0.92:
        return Project.Status.PROPOSED
    return Project.Status.ON_HOLD


def projects_create(loader: Loader, plan: Plan, contacts: dict[int, list[Contact]]) -> list[Site]:
    """Projects of every age: a quarter closed, most active, some proposed or on hold."""
    today = loader.today
    clients = list(Client.objects.filter(organisation=loader.organisation).order_by("pk"))
    pms, members = loader.members[Role.PM], loader.members[Role.MEMBER]
    projects: list[Project] = []
    sites: list[Site] = []
    for index in range(plan["projects"]):
        rng = loader.rng("project", index)
        client = clients[index % len(clients)]
        language = client.language
        status = _status(index, rng.random())
        if status == Project.Status.CLOSED:
            start = today - timedelta(days=rng.randrange(400, 3300))
            end = min(start + timedelta(days=rng.randrange(150, 500)), today - timedelta(days=10))
        elif status == Project.Status.PROPOSED:
            start = today + timedelta(days=rng.randrange(10, 90))
            end = start + timedelta(days=rng.randrange(120, 360))
        else:
            start = today - timedelta(days=rng.randrange(60, 720))
            end = today + timedelta(days=rng.randrange(30, 300))
        work = texts.PROJECT_WORK[language]
        pm = pms[index % len(pms)]
        project = Project(
            organisation=loader.organisation,
            client=client,
            name=f"{work[index % len(work)]} {index // len(clients) + 1}",
            code=f"S-{index + 1:05d}",
            description=texts.TOUCHPOINTS[language][index % len(texts.TOUCHPOINTS[language])],
            pm=pm,
            start_date=start,
            end_date=end,
            status=status,
            currency="CNY" if language == texts.ZH else "EUR",
            published_at=None
            if status == Project.Status.PROPOSED
            else loader.moment(min(start + timedelta(days=3), today), rng),
            published_by=None if status == Project.Status.PROPOSED else pm,
            report_cadence=Project.ReportCadence.WEEKLY
            if status == Project.Status.ACTIVE and rng.random() < 0.5
            else Project.ReportCadence.NONE,
            created_at=loader.moment(min(start - timedelta(days=14), today), rng),
        )
        project.updated_at = project.created_at
        projects.append(project)
        client_contacts = contacts[client.pk]
        sites.append(
            Site(
                index=index,
                project=project,
                client=client,
                contacts=client_contacts,
                approver=client_contacts[0],
                pm=pm,
                members=[members[index % len(members)], members[(index + 7) % len(members)]],
                language=language,
                first_day=min(start, today),
                last_day=min(end, today),
            )
        )
    loader.insert(Project, projects, "projects")
    # their words as search terms, as the job worker reads them after a project is saved
    lessons.project_terms_store(
        [(project.pk, project.name, project.description) for project in projects], loader.now
    )
    loader.insert(
        ProjectMember,
        [
            ProjectMember(project=site.project, user=user, can_see_financials=n == 0)
            for site in sites
            for n, user in enumerate(dict.fromkeys(site.members))
        ],
        "projects",
    )
    return sites


def language_of(user: User) -> str:
    return Language.CHINESE if user.language.startswith("zh") else Language.ENGLISH
