"""The feedback analysis, templates, settings and schedule pages can be reached by links."""

import pytest

from tests.conftest import login

pytestmark = pytest.mark.django_db


def _links(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_a_pm_reaches_the_organisation_and_client_analysis_and_the_templates(world):
    side = world.one
    client = login(side.pm)
    home = _links(client.get("/app/"))
    assert 'href="/app/feedback/analysis/"' in home
    analysis = _links(client.get("/app/feedback/analysis/"))
    assert 'href="/app/settings/feedback/templates/"' in analysis
    detail = _links(client.get(f"/app/clients/{side.client_a.pk}/"))
    assert f'href="/app/clients/{side.client_a.pk}/feedback/analysis/"' in detail
    feedback = _links(client.get(f"/app/projects/{side.project_a.pk}/feedback/"))
    assert f'href="/app/projects/{side.project_a.pk}/feedback/schedules/"' in feedback
    assert _links(client.get("/app/settings/feedback/templates/"))
    assert _links(client.get(f"/app/projects/{side.project_a.pk}/feedback/schedules/"))


def test_a_team_member_gets_no_link_to_what_they_may_not_open(world):
    side = world.one
    home = _links(login(side.member).get("/app/"))
    assert "/app/feedback/analysis/" not in home
    assert "/app/settings/feedback/" not in home


def test_an_admin_reaches_the_feedback_settings_from_the_organisation_settings(world):
    side = world.one
    client = login(side.admin)
    settings_page = _links(client.get("/app/team/organisation/"))
    assert 'href="/app/settings/feedback/"' in settings_page
    assert _links(client.get("/app/settings/feedback/"))
    assert _links(client.get("/app/settings/feedback/templates/new/"))
