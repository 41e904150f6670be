"""Steps every browser test takes, and the scene most of them start from."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from playwright.sync_api import Page

from rapport.clients.models import Contact
from rapport.projects.models import Project
from rapport.tenancy.actors import Actor
from rapport.tenancy.models import Membership, User
from tests import factories

PASSWORD = "patient-river-stone-54"


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_role("textbox", name="Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def person(email: str, full_name: str, **fields: Any) -> User:
    """A user who signs in with ``email`` and :data:`PASSWORD`."""
    user = factories.UserFactory(email=email, full_name=full_name, **fields)
    user.set_password(PASSWORD)
    user.save()
    return user


@dataclass(frozen=True)
class Scene:
    """A project of Contoso, its PM (a member of the agency with the role pm) and, unless left
    out, Sam: Contoso's contact with access to the portal, as sam@contoso.test."""

    pm: User
    project: Project
    portal_contact: Contact | None = None

    @property
    def contact(self) -> Contact:
        assert self.portal_contact is not None, "this scene has no contact"
        return self.portal_contact

    @property
    def sam(self) -> User:
        user = self.contact.user
        assert user is not None
        return user

    @property
    def pm_actor(self) -> Actor:
        return Actor.member(self.pm, self.project.organisation, "pm")

    @property
    def contact_actor(self) -> Actor:
        return Actor.contact(self.sam, frozenset({self.contact.pk}))


def contoso_project(
    *,
    code: str,
    name: str = "Data platform",
    pm_email: str = "pm@e2e.test",
    contact: str | None = "Sam Client",
    approver: bool = False,
    published: bool = True,
    days_from_today: tuple[int, int] | None = None,
) -> Scene:
    """The scene, with Sam named ``contact`` (None: no contact) and signing off if
    ``approver``; the project runs between the two ``days_from_today`` (else the factory's
    dates) and is in the portal if ``published``."""
    pm = person(pm_email, "Pat Manager")
    client = factories.ClientFactory(name="Contoso")
    Membership.objects.create(organisation=client.organisation, user=pm, role="pm")
    sam = None
    if contact is not None:
        user = person("sam@contoso.test", contact)
        sam = factories.ContactFactory(
            client=client,
            email=user.email,
            full_name=contact,
            user=user,
            portal_access=True,
            is_approver=approver,
        )
    dates = {}
    if days_from_today is not None:
        today = timezone.localdate()
        dates = {
            "start_date": today + datetime.timedelta(days=days_from_today[0]),
            "end_date": today + datetime.timedelta(days=days_from_today[1]),
        }
    project = factories.ProjectFactory(client=client, pm=pm, code=code, name=name, **dates)
    if published:
        project = factories.published(project)
    return Scene(pm=pm, project=project, portal_contact=sam)
