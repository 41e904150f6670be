"""factory_boy factories for Rapport's models. Writes in tests that are about a service go
through the service; factories set the scene."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from rapport.clients.models import Client, Contact
from rapport.projects.models import Project, ProjectMember
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
