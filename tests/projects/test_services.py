import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rapport.audit.models import AuditEvent
from rapport.projects import services
from rapport.projects.models import Project

pytestmark = pytest.mark.django_db

DATES = {"start_date": datetime.date(2026, 3, 1), "end_date": datetime.date(2026, 9, 30)}


def test_pm_creates_a_project_they_manage(world):
    side = world.one
    project = services.project_create(
        actor=side.actor(side.pm), client=side.client_a, name="Data platform", code="dp-1", **DATES
    )
    assert (project.pm, project.code, project.organisation) == (side.pm, "DP-1", side.organisation)
    assert AuditEvent.objects.filter(object_id=str(project.pk), action="created").exists()


def test_end_before_start_is_refused(world):
    side = world.one
    with pytest.raises(ValidationError) as error:
        services.project_create(
            actor=side.actor(side.pm),
            client=side.client_a,
            name="Backwards",
            code="BW",
            start_date=datetime.date(2026, 5, 1),
            end_date=datetime.date(2026, 4, 1),
        )
    assert "end_date" in error.value.message_dict
    assert not Project.objects.filter(code="BW").exists()


def test_foreign_client_is_refused(world):
    with pytest.raises(ValidationError) as error:
        services.project_create(
            actor=world.one.actor(world.one.pm),
            client=world.two.client_a,
            name="Sneaky",
            code="SN",
            **DATES,
        )
    assert "client" in error.value.message_dict


def test_foreign_pm_is_refused(world):
    with pytest.raises(ValidationError) as error:
        services.project_create(
            actor=world.one.actor(world.one.pm),
            client=world.one.client_a,
            pm=world.two.pm,
            name="Sneaky",
            code="SN",
            **DATES,
        )
    assert "pm" in error.value.message_dict


def test_duplicate_code_is_refused(world):
    side = world.one
    services.project_create(
        actor=side.actor(side.pm), client=side.client_a, name="First", code="TW-1", **DATES
    )
    with pytest.raises(ValidationError) as error:
        services.project_create(
            actor=side.actor(side.pm), client=side.client_a, name="Twin", code="tw-1", **DATES
        )
    assert "A project with this code already exists." in error.value.messages


def test_only_the_projects_pm_or_an_admin_edits_it(world):
    side = world.one
    other_pm = side.member  # becomes a PM, but not of this project
    side.organisation.memberships.filter(user=other_pm).update(role="pm")
    with pytest.raises(PermissionDenied):
        services.project_update(actor=side.actor(other_pm), project=side.project_a, name="Taken")
    services.project_update(actor=side.actor(side.admin), project=side.project_a, name="Renamed")
    side.project_a.refresh_from_db()
    assert side.project_a.name == "Renamed"


def test_publishing_records_who_and_when(world):
    side = world.one
    project = services.project_publish(actor=side.actor(side.pm), project=side.project_a_draft)
    assert project.published_by == side.pm and project.published_at is not None
    event = AuditEvent.objects.get(object_id=str(project.pk), action="published")
    assert event.changes["published_at"][0] is None


def test_team_member_added_once_and_removed(world):
    side = world.one
    actor = side.actor(side.pm)
    member = services.project_member_add(
        actor=actor, project=side.project_b, user_id=side.outsider.pk
    )
    again = services.project_member_add(
        actor=actor, project=side.project_b, user_id=side.outsider.pk
    )
    assert member.pk == again.pk
    services.project_member_remove(actor=actor, member=member)
    assert not side.project_b.memberships.filter(user=side.outsider).exists()
    assert AuditEvent.objects.filter(action="deleted", content_type__model="projectmember").exists()


def test_foreign_user_cannot_join_a_project(world):
    side = world.one
    with pytest.raises(ValidationError):
        services.project_member_add(
            actor=side.actor(side.pm), project=side.project_a, user_id=world.two.pm.pk
        )


def test_project_form_shows_date_error_next_to_the_field(world, login_as):
    side = world.one
    response = login_as(side.pm).post(
        "/app/projects/new/",
        {
            "client": side.client_a.pk,
            "name": "Backwards",
            "code": "BW",
            "pm": side.pm.pk,
            "start_date": "2026-05-01",
            "end_date": "2026-04-01",
            "status": "active",
            "currency": "EUR",
        },
    )
    assert response.status_code == 200
    assert "The end date cannot be before the start date." in response.content.decode()
    assert not Project.objects.filter(code="BW").exists()


def test_project_form_refuses_a_foreign_client_id(world, login_as):
    side = world.one
    response = login_as(side.pm).post(
        "/app/projects/new/",
        {
            "client": world.two.client_a.pk,
            "name": "Sneaky",
            "code": "SN",
            "pm": side.pm.pk,
            "start_date": "2026-05-01",
            "end_date": "2026-06-01",
            "status": "active",
            "currency": "EUR",
        },
    )
    assert response.status_code == 200
    assert not Project.objects.filter(code="SN").exists()
