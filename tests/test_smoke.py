import pytest

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_pm_sees_their_project_and_contact_sees_it_in_portal(world, login_as):
    side = world.one
    response = login_as(side.pm).get(f"/app/projects/{side.project_a.pk}/")
    assert response.status_code == 200
    assert side.project_a.name in response.content.decode()
    portal = login_as(side.contact_a.user).get(f"/portal/projects/{side.project_a.pk}/")
    assert portal.status_code == 200
    assert (
        login_as(side.contact_a.user).get(f"/portal/projects/{side.project_b.pk}/").status_code
        == 404
    )


def test_stylesheet_is_served(client):
    response = client.get("/static/rapport/rapport.css")
    assert response.status_code == 200
    assert b"--accent" in b"".join(response.streaming_content)
