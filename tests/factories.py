"""factory_boy factories for Rapport's models. Writes in tests that are about a service go
through the service; factories set the scene."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from rapport.clients.models import Client, Contact
from rapport.projects.models import (
    BudgetLine,
    CostEntry,
    Deliverable,
    Milestone,
    Objective,
    Project,
    ProjectMember,
    QualityStandard,
    TimeEntry,
)
from rapport.tenancy.models import Membership, Organisation, Role, User

PASSWORD = "correct-horse-battery-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Agency {n}")
    slug = factory.Sequence(lambda n: f"agency-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.MEMBER


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Client {n}")


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    client = factory.SubFactory(ClientFactory)
    organisation = factory.SelfAttribute("client.organisation")
    full_name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"contact{n}@client.test")


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    client = factory.SubFactory(ClientFactory)
    organisation = factory.SelfAttribute("client.organisation")
    name = factory.Sequence(lambda n: f"Project {n}")
    code = factory.Sequence(lambda n: f"P-{n:04d}")
    pm = factory.SubFactory(UserFactory)
    start_date = datetime.date(2026, 1, 1)
    end_date = datetime.date(2026, 12, 31)
    status = Project.Status.ACTIVE


class ProjectMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectMember

    project = factory.SubFactory(ProjectFactory)
    user = factory.SubFactory(UserFactory)


def portal_contact(client: Client, **kwargs: object) -> Contact:
    """A contact of ``client`` who has accepted the portal invitation."""
    user = UserFactory()
    return ContactFactory(client=client, email=user.email, user=user, portal_access=True, **kwargs)


def published(project: Project) -> Project:
    project.published_at = timezone.now()
    project.save(update_fields=["published_at"])
    return project


def baseline_for(project: Project, *, pm: User) -> dict[str, object]:
    """A small, complete working baseline (not yet submitted) with some actuals."""
    start = project.start_date
    objective = Objective.objects.create(
        project=project,
        statement="Cut the time to answer a support ticket by half",
        metric="median first response",
        target_value=Decimal("4"),
        unit="hours",
        due_date=start + datetime.timedelta(days=150),
        relevance="Customers complain about waits",
        achievability="New triage rota",
        owner=pm,
    )
    visible = Milestone.objects.create(
        project=project, name="Design approved", baseline_date=start + datetime.timedelta(days=60)
    )
    internal = Milestone.objects.create(
        project=project,
        name="Internal code freeze",
        baseline_date=start + datetime.timedelta(days=200),
        client_visible=False,
    )
    deliverable = Deliverable.objects.create(
        project=project,
        milestone=visible,
        name="Clickable prototype",
        acceptance_criteria="Covers the five key journeys",
    )
    internal_deliverable = Deliverable.objects.create(
        project=project,
        milestone=internal,
        name="Release candidate build",
        acceptance_criteria="All tests green",
    )
    budget_line = BudgetLine.objects.create(
        project=project,
        category="labour",
        description="Design and build",
        amount=Decimal("50000.00"),
    )
    standard = QualityStandard.objects.create(
        project=project, title="Accessibility", criteria="WCAG 2.2 AA on every page"
    )
    standard.deliverables.set([deliverable])
    cost = CostEntry.objects.create(
        project=project,
        category="licences",
        date=start + datetime.timedelta(days=10),
        amount=Decimal("1200.00"),
    )
    time = TimeEntry.objects.create(
        project=project,
        person=pm,
        date=start + datetime.timedelta(days=11),
        hours=Decimal("7.5"),
        rate=Decimal("95.00"),
    )
    return {
        "objective": objective,
        "milestone": visible,
        "internal_milestone": internal,
        "deliverable": deliverable,
        "internal_deliverable": internal_deliverable,
        "budget_line": budget_line,
        "quality_standard": standard,
        "cost_entry": cost,
        "time_entry": time,
    }
