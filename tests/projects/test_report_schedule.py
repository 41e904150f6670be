"""A project's status report cadence and day: set on the project form and through the API by
those who edit the project, on record in the audit trail, shown on the project page."""

import pytest

from rapport.audit.models import AuditEvent
from rapport.projects.models import Project
from rapport.tenancy import services as tenancy

pytestmark = pytest.mark.django_db


def _form(side, **values):
    project = side.project_a
    return {
        "client": project.client_id,
        "name": project.name,
        "code": project.code,
        "pm": project.pm_id,
        "start_date": project.start_date.isoformat(),
        "end_date": project.end_date.isoformat(),
        "status": project.status,
        "currency": project.currency,
        "description": "",
        **values,
    }


def _api(side, user, client):
    _token, secret = tenancy.api_token_create(actor=side.actor(user), name="tests")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


def test_a_new_project_has_no_scheduled_reports(world):
    project = world.one.project_a
    assert (project.report_cadence, project.report_weekday) == ("none", 4)


def test_the_pm_sets_the_cadence_on_the_project_form(world, login_as):
    side = world.one
    http = login_as(side.pm)
    url = f"/app/projects/{side.project_a.pk}/edit/"
    form = http.get(url).content.decode()
    assert 'name="report_cadence"' in form and 'name="report_weekday"' in form

    response = http.post(url, _form(side, report_cadence="fortnightly", report_weekday="0"))

    assert response.status_code == 302
    side.project_a.refresh_from_db()
    assert (side.project_a.report_cadence, side.project_a.report_weekday) == ("fortnightly", 0)
    event = AuditEvent.objects.filter(action="updated", object_id=str(side.project_a.pk)).get()
    assert event.changes["report_cadence"] == ["none", "fortnightly"]
    assert event.changes["report_weekday"] == [4, 0]
    page = http.get(f"/app/projects/{side.project_a.pk}/").content.decode()
    assert "Every two weeks, drafted on Monday from the data" in page


def test_the_project_page_speaks_the_readers_language(world, login_as):
    side = world.one
    Project.objects.filter(pk=side.project_a.pk).update(report_cadence="weekly")
    side.pm.language = "zh-hans"
    side.pm.save(update_fields=["language"])

    page = login_as(side.pm).get(f"/app/projects/{side.project_a.pk}/").content.decode()

    assert "定期状态报告" in page and "每周，于星期五根据数据起草" in page


def test_a_form_without_the_schedule_keeps_it(world, login_as):
    side = world.one
    Project.objects.filter(pk=side.project_a.pk).update(report_cadence="weekly", report_weekday=2)

    response = login_as(side.pm).post(f"/app/projects/{side.project_a.pk}/edit/", _form(side))

    assert response.status_code == 302
    side.project_a.refresh_from_db()
    assert (side.project_a.report_cadence, side.project_a.report_weekday) == ("weekly", 2)


@pytest.mark.parametrize(
    "values",
    [{"report_weekday": "7"}, {"report_weekday": "-1"}, {"report_cadence": "monthly"}],
)
def test_a_bad_cadence_or_day_is_refused_on_the_form(world, login_as, values):
    side = world.one

    response = login_as(side.pm).post(
        f"/app/projects/{side.project_a.pk}/edit/", _form(side, name="Renamed", **values)
    )

    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    side.project_a.refresh_from_db()
    assert side.project_a.name != "Renamed"
    assert side.project_a.report_cadence == "none"


def test_the_api_reads_and_writes_the_schedule(world, client):
    side = world.one
    api = _api(side, side.pm, client)
    url = f"/api/v1/projects/{side.project_a.pk}"
    assert api.get(url).json()["report_cadence"] == "none"

    response = api.patch(
        url, {"report_cadence": "four_weekly", "report_weekday": 6}, content_type="application/json"
    )

    assert response.status_code == 200
    assert (response.json()["report_cadence"], response.json()["report_weekday"]) == (
        "four_weekly",
        6,
    )
    assert AuditEvent.objects.filter(
        action="updated",
        object_id=str(side.project_a.pk),
        changes__report_cadence=["none", "four_weekly"],
    ).exists()

    created = api.post(
        "/api/v1/projects",
        {
            "client_id": side.client_a.pk,
            "name": "Scheduled",
            "code": "SCH-1",
            "start_date": "2026-01-01",
            "end_date": "2026-12-31",
            "report_cadence": "weekly",
            "report_weekday": 1,
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    assert Project.objects.get(code="SCH-1").report_cadence == "weekly"


@pytest.mark.parametrize(
    "values",
    [
        {"report_weekday": 7},
        {"report_weekday": -1},
        {"report_weekday": "4"},
        {"report_weekday": True},
        {"report_weekday": 4.5},
        {"report_cadence": "monthly"},
        {"report_cadence": 1},
    ],
)
def test_the_api_refuses_a_bad_cadence_or_day(world, client, values):
    side = world.one
    response = _api(side, side.pm, client).patch(
        f"/api/v1/projects/{side.project_a.pk}", values, content_type="application/json"
    )
    assert response.status_code == 422
    side.project_a.refresh_from_db()
    assert (side.project_a.report_cadence, side.project_a.report_weekday) == ("none", 4)


def test_a_team_member_cannot_change_the_schedule(world, client):
    side = world.one
    response = _api(side, side.member, client).patch(
        f"/api/v1/projects/{side.project_a.pk}",
        {"report_cadence": "weekly"},
        content_type="application/json",
    )
    assert response.status_code == 403
    side.project_a.refresh_from_db()
    assert side.project_a.report_cadence == "none"
