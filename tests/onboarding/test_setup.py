"""A new organisation's first minutes: the sample it starts with, the guided setup on the home
page that follows the data, hiding the guide and deleting the sample."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rapport.audit.models import AuditEvent
from rapport.clients.models import Client, Contact
from rapport.communication.models import PlanItem, Stakeholder
from rapport.onboarding.models import SetupGuide
from rapport.projects.models import (
    BaselineVersion,
    BudgetLine,
    Deliverable,
    Milestone,
    Objective,
    Project,
)
from rapport.projects.smart import objective_checks
from rapport.risks.models import Risk
from rapport.tenancy.models import Organisation
from tests.conftest import World, login
from tests.factories import ClientFactory, ContactFactory, ProjectFactory

pytestmark = pytest.mark.django_db

PASSWORD = "quiet-harbour-lantern-81"


def sign_up(
    language: str = "en", email: str = "ada@studio.test"
) -> tuple[HttpClient, Organisation]:
    http = HttpClient()
    response = http.post(
        reverse("accounts:signup"),
        {
            "organisation_name": "Studio",
            "full_name": "Ada Lovelace",
            "email": email,
            "password1": PASSWORD,
            "password2": PASSWORD,
            "language": language,
            "time_zone": "Europe/London",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return http, Organisation.objects.get(memberships__user__email=email)


@pytest.fixture(autouse=True)
def open_signup(settings) -> None:
    settings.SIGNUP_OPEN = True


def test_a_new_organisation_starts_with_a_sample_in_the_owners_language() -> None:
    _http, organisation = sign_up("zh-hans")
    guide = SetupGuide.objects.get(organisation=organisation)
    project = Project.objects.get(organisation=organisation)
    assert guide.sample_project == project and guide.sample_client == project.client
    assert project.name == "示例项目：在线订购"
    assert project.client.language == "zh-hans"
    assert Contact.objects.filter(client=project.client, is_approver=True).count() == 1
    assert Objective.objects.filter(project=project).count() == 1
    assert Milestone.objects.filter(project=project).count() == 3
    assert Deliverable.objects.filter(milestone__project=project).count() == 3
    assert BudgetLine.objects.filter(project=project).count() == 1
    assert Stakeholder.objects.filter(project=project).count() == 1
    assert PlanItem.objects.filter(project=project).count() == 1
    assert Risk.objects.filter(project=project).count() == 1
    # The sample's objective is an example of a SMART one.
    assert all(check.passed for check in objective_checks(Objective.objects.get(project=project)))
    # Made by the services, so on the audit trail; nobody was emailed.
    assert AuditEvent.objects.filter(organisation_id=organisation.pk).count() >= 12
    assert mail.outbox == []


def version(project: Project, user) -> BaselineVersion:
    return BaselineVersion.objects.create(
        project=project, number=1, snapshot={}, client_snapshot={}, submitted_by=user
    )


def steps_done(http: HttpClient) -> list[bool]:
    body = http.get(reverse("app:home")).content.decode()
    guide = body.split('data-testid="setup-guide"', 1)[1].split("</section>", 1)[0]
    return ['class="done"' in item for item in guide.split("<li ")[1:]]


def test_the_guide_follows_the_data_and_leaves_when_everything_is_done() -> None:
    http, organisation = sign_up()
    assert steps_done(http) == [False] * 6
    body = http.get(reverse("app:home")).content.decode()
    assert "Get your first client on board" in body
    assert re.search(r'href="/app/clients/new/"[^>]*>Add your first client<', body)

    owner = organisation.memberships.get().user
    client = ClientFactory(organisation=organisation)
    assert steps_done(http) == [True, False, False, False, False, False]
    contact = ContactFactory(client=client, organisation=organisation, portal_access=True)
    assert steps_done(http) == [True, True, False, False, True, False]
    project = ProjectFactory(organisation=organisation, client=client, pm=owner)
    assert steps_done(http)[2] is True
    # Its baseline page and its communication plan are where the next steps lead.
    body = http.get(reverse("app:home")).content.decode()
    assert reverse("projects:baseline", args=[project.pk]) in body
    assert reverse("communication:overview", args=[project.pk]) in body
    version(project, owner)
    PlanItem.objects.create(
        project=project,
        owner=owner,
        title="Weekly call",
        channel="video",
        cadence_days=7,
        starts_on=project.start_date,
    ).audience.set([contact])
    body = http.get(reverse("app:home")).content.decode()
    assert 'data-testid="setup-guide"' not in body


def test_the_sample_does_not_count_as_a_step_done() -> None:
    http, organisation = sign_up()
    sample = SetupGuide.objects.get(organisation=organisation).sample_project
    assert sample is not None
    version(sample, organisation.memberships.get().user)
    assert steps_done(http) == [False] * 6


def test_deleting_the_sample_removes_it_with_everything_on_it_and_audits_it() -> None:
    http, organisation = sign_up()
    guide = SetupGuide.objects.get(organisation=organisation)
    client_id, project_id = guide.sample_client_id, guide.sample_project_id
    response = http.post(reverse("onboarding:delete_sample"), follow=True)
    assert "The sample client and its project were deleted." in response.content.decode()
    assert not Client.objects.filter(pk=client_id).exists()
    assert not Project.objects.filter(pk=project_id).exists()
    assert not Contact.objects.filter(client_id=client_id).exists()
    assert not Risk.objects.filter(project_id=project_id).exists()
    deleted = AuditEvent.objects.filter(organisation_id=organisation.pk, action="deleted")
    assert {event.object_id for event in deleted} == {str(client_id), str(project_id)}
    # The guide stays; the sample's link and button are gone; a second delete says why.
    body = response.content.decode()
    assert 'data-testid="setup-guide"' in body and "Delete the sample" not in body
    again = http.post(reverse("onboarding:delete_sample"), follow=True)
    assert "The sample was already deleted." in again.content.decode()


def test_a_sample_client_given_a_real_project_is_kept() -> None:
    http, organisation = sign_up()
    guide = SetupGuide.objects.get(organisation=organisation)
    owner = organisation.memberships.get().user
    ProjectFactory(organisation=organisation, client=guide.sample_client, pm=owner)
    response = http.post(reverse("onboarding:delete_sample"), follow=True)
    assert "now has projects of its own" in response.content.decode()
    assert Project.objects.filter(pk=guide.sample_project_id).exists()


def test_hiding_the_guide_is_remembered_and_audited() -> None:
    http, organisation = sign_up("zh-hans")
    response = http.post(reverse("onboarding:hide"), follow=True)
    body = response.content.decode()
    assert 'data-testid="setup-guide"' not in body
    assert "设置向导已隐藏" in body
    assert SetupGuide.objects.get(organisation=organisation).hidden_at is not None
    assert AuditEvent.objects.filter(organisation_id=organisation.pk, action="hidden").count() == 1


def test_a_team_member_sees_no_guide_and_cannot_use_it(world: World) -> None:
    SetupGuide.objects.create(organisation=world.one.organisation)
    member = login(world.one.member)
    assert 'data-testid="setup-guide"' not in member.get(reverse("app:home")).content.decode()
    assert member.post(reverse("onboarding:hide")).status_code == 404
    assert (
        'data-testid="setup-guide"' in login(world.one.pm).get(reverse("app:home")).content.decode()
    )


def test_the_guide_costs_the_same_queries_whatever_the_size(world: World) -> None:
    SetupGuide.objects.create(organisation=world.one.organisation)
    http = login(world.one.owner)
    http.get(reverse("app:home"))

    def count() -> int:
        http.get(reverse("app:home"))  # the navigation's counts are cached again
        with CaptureQueriesContext(connection) as queries:
            assert http.get(reverse("app:home")).status_code == 200
        return len(queries)

    before = count()
    for _ in range(5):
        client = ClientFactory(organisation=world.one.organisation)
        ContactFactory(client=client, organisation=world.one.organisation)
        ProjectFactory(organisation=world.one.organisation, client=client, pm=world.one.pm)
    assert count() == before  # the guide's queries do not grow with the data
