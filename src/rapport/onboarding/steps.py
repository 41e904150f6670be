"""The guided setup on a new organisation's home page: six steps, each done when the data
says so (the sample does not count), each with the link to do it. A bounded number of
queries, whatever the size of the organisation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rapport.clients.selectors import clients_visible_to, contacts_visible_to
from rapport.communication.models import PlanItem
from rapport.onboarding.models import SetupGuide
from rapport.projects.models import BaselineVersion
from rapport.projects.selectors import projects_visible_to
from rapport.tenancy.actors import Actor

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Step:
    title: StrOrPromise
    why: StrOrPromise
    action: StrOrPromise
    url: str
    done: bool


@dataclass(frozen=True)
class Guide:
    steps: list[Step]
    sample_project_id: int | None

    @property
    def done(self) -> int:
        return sum(step.done for step in self.steps)


def guide_for(actor: Actor) -> Guide | None:
    """The guide to show on the home page, or None (not a manager, hidden, or all done)."""
    if not actor.is_manager:
        return None
    guide = SetupGuide.objects.filter(organisation=actor.organisation).first()
    if guide is None or guide.hidden_at is not None:
        return None
    steps = _steps(actor, guide)
    if all(step.done for step in steps):
        return None
    return Guide(steps=steps, sample_project_id=guide.sample_project_id)


def _steps(actor: Actor, guide: SetupGuide) -> list[Step]:
    sample_client = [guide.sample_client_id] if guide.sample_client_id else []
    sample_project = [guide.sample_project_id] if guide.sample_project_id else []
    clients = clients_visible_to(actor).exclude(pk__in=sample_client)
    projects = projects_visible_to(actor).exclude(pk__in=sample_project)
    client = clients.order_by("pk").only("pk").first()
    project = projects.order_by("pk").only("pk").first()
    contacts = contacts_visible_to(actor).exclude(client_id__in=sample_client)
    client_url = (
        reverse("clients:detail", args=[client.pk]) if client else reverse("clients:create")
    )
    project_url = (
        reverse("projects:detail", args=[project.pk]) if project else reverse("projects:create")
    )
    return [
        Step(
            _("Your first client"),
            _("The company you run the project for: its language decides what its people read."),
            _("Add your first client"),
            reverse("clients:create"),
            client is not None,
        ),
        Step(
            _("Its contacts"),
            _("The people you deal with: sponsor, decision maker, key users."),
            _("Add its contacts"),
            client_url,
            contacts.exists(),
        ),
        Step(
            _("A project"),
            _("Dates, a project manager, a team, and how often a status report is drafted."),
            _("Create a project"),
            reverse("projects:create"),
            project is not None,
        ),
        Step(
            _("Its baseline"),
            _("SMART objectives, milestones with acceptance criteria, the budget."),
            _("Write the baseline"),
            reverse("projects:baseline", args=[project.pk]) if project else project_url,
            BaselineVersion.objects.filter(project__in=projects).exists(),
        ),
        Step(
            _("Invite the client"),
            _(
                "Publish the project and invite its contacts to the portal: they sign off, "
                "decide and see the truth there."
            ),
            _("Invite the client"),
            client_url,
            contacts.filter(Q(portal_access=True) | Q(invitations__isnull=False)).exists(),
        ),
        Step(
            _("Plan the communication"),
            _("Who hears what, by which channel, how often: a weekly call, a status report."),
            _("Plan the communication"),
            reverse("communication:overview", args=[project.pk]) if project else project_url,
            PlanItem.objects.filter(project__in=projects).exists(),
        ),
    ]
