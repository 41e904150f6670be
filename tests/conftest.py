"""Shared fixtures. ``world`` builds two organisations, each with two clients, every role,
and published and unpublished projects: the stage for access tests."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client as HttpClient

from rapport.clients.models import Client, Contact
from rapport.projects.models import Project
from rapport.tenancy.actors import Actor
from rapport.tenancy.models import Membership, Organisation, Role, User
from tests import factories


@pytest.fixture(autouse=True)
def _immediate_tasks(settings: Any) -> None:
    """Jobs run in-process at commit time in tests, unless a test starts a real worker."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "email"],
        }
    }


@pytest.fixture(autouse=True)
def _fast_password_hashing(request: Any, settings: Any) -> None:
    """Argon2 is deliberately slow; tests that are not about hashing use a fast hasher."""
    if "real_password_hashing" not in request.keywords:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def keep_signal_handlers() -> Iterator[None]:
    """The job worker (``db_worker``) installs its own SIGINT/SIGTERM handlers; give pytest
    its own back."""
    saved = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    yield
    for number, handler in saved.items():
        signal.signal(number, handler)


@pytest.fixture(scope="session")
def _attachment_dir(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return tmp_path_factory.mktemp("attachments")


@pytest.fixture(autouse=True)
def _private_attachments(settings: Any, _attachment_dir: Any) -> None:
    """Message attachments go to a temporary directory, never to the working tree's var/."""
    settings.RAPPORT_ATTACHMENT_DIR = _attachment_dir


@pytest.fixture(autouse=True)
def _private_exports(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Organisation exports go to a temporary directory, never to the working tree's var/."""
    settings.RAPPORT_EXPORT_DIR = tmp_path_factory.getbasetemp() / "exports"


@pytest.fixture(autouse=True)
def _language_reset() -> Any:
    """A request by a Chinese-speaking user in Shanghai leaves the thread in Chinese and in
    Shanghai's time zone (the preferences middleware activates both, for the response to be
    rendered in them, streamed ones too): the next test starts in the defaults again. Without
    it, a test's "today" depended on the test before it and on the hour it ran."""
    yield
    from django.utils import timezone, translation

    translation.deactivate()
    timezone.deactivate()


PROCESS_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture(autouse=True)
def _fresh_cache(settings: Any) -> None:
    """Each test process has a cache of its own, empty at the start of every test (the cache on
    disk of one machine would be shared by the parallel test processes)."""
    from django.core.cache import cache

    settings.CACHES = PROCESS_CACHE
    cache.clear()


@dataclass
class Side:
    """One organisation with all its people and records."""

    organisation: Organisation
    owner: User
    admin: User
    pm: User
    member: User  # a team member on project_a
    outsider: User  # a team member on no project
    client_a: Client
    client_b: Client
    contact_a: Contact  # portal contact of client_a, its approver
    contact_b: Contact  # portal contact of client_b, its approver
    project_a: Project  # client_a, published, managed by pm, member on it
    project_a_draft: Project  # client_a, not published
    project_b: Project  # client_b, published
    baseline: dict[str, Any] = field(default_factory=dict)  # project_a's baseline items
    extra: dict[str, Any] = field(default_factory=dict)

    def actor(self, user: User) -> Actor:
        membership = Membership.objects.get(organisation=self.organisation, user=user)
        return Actor.member(user, self.organisation, membership.role)

    def contact_actor(self, contact: Contact) -> Actor:
        assert contact.user is not None
        return Actor.contact(contact.user, frozenset({contact.pk}))


def build_side(label: str) -> Side:
    organisation = factories.OrganisationFactory(name=f"Org {label}", slug=f"org-{label}")

    def member(role: str, name: str) -> User:
        user = factories.UserFactory(email=f"{name}@{label}.test", full_name=f"{name} {label}")
        Membership.objects.create(organisation=organisation, user=user, role=role)
        return user

    owner = member(Role.OWNER, "owner")
    admin = member(Role.ADMIN, "admin")
    pm = member(Role.PM, "pm")
    team_member = member(Role.MEMBER, "member")
    outsider = member(Role.MEMBER, "outsider")
    client_a = factories.ClientFactory(organisation=organisation, name=f"Client A {label}")
    client_b = factories.ClientFactory(organisation=organisation, name=f"Client B {label}")
    contact_a = factories.portal_contact(client_a, is_approver=True)
    contact_b = factories.portal_contact(client_b, is_approver=True)
    project_a = factories.published(
        factories.ProjectFactory(client=client_a, pm=pm, code=f"{label}-A")
    )
    factories.ProjectMemberFactory(project=project_a, user=team_member)
    project_a_draft = factories.ProjectFactory(client=client_a, pm=pm, code=f"{label}-AD")
    project_b = factories.published(
        factories.ProjectFactory(client=client_b, pm=pm, code=f"{label}-B")
    )
    baseline = factories.baseline_for(project_a, pm=pm)
    return Side(
        organisation=organisation,
        owner=owner,
        admin=admin,
        pm=pm,
        member=team_member,
        outsider=outsider,
        client_a=client_a,
        client_b=client_b,
        contact_a=contact_a,
        contact_b=contact_b,
        project_a=project_a,
        project_a_draft=project_a_draft,
        project_b=project_b,
        baseline=baseline,
    )


@dataclass
class World:
    one: Side
    two: Side


@pytest.fixture
def world(db: None) -> World:
    return World(one=build_side("one"), two=build_side("two"))


def login(user: User) -> HttpClient:
    client = HttpClient()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def login_as() -> Any:
    return login
