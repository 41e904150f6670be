"""The whole round through the pages: the PM drafts a report on a late project, states
another colour with a reason, publishes; the client sees both colours and acknowledges."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rapport.projects.models import Milestone
from tests.conftest import login

pytestmark = pytest.mark.django_db


def test_a_report_from_draft_to_acknowledgement(world):
    side = world.one
    project = side.project_a
    today = timezone.localdate()
    Milestone.objects.create(
        project=project, name="Design sign-off", baseline_date=today - timedelta(days=12)
    )
    Milestone.objects.create(
        project=project,
        name="Secret freeze",
        baseline_date=today - timedelta(days=5),
        client_visible=False,
    )
    pm = login(side.pm)
    base = f"/app/projects/{project.pk}/reports/"
    response = pm.post(
        f"{base}new/",
        {"period_start": (today - timedelta(days=6)).isoformat(), "period_end": today.isoformat()},
    )
    assert response.status_code == 302
    page = pm.get(f"{base}1/edit/").content.decode()
    assert "Design sign-off (12 days)" in page
    assert "Amber" in page
    response = pm.post(
        f"{base}1/edit/", {"summary": "Fine <script>x</script>", "stated_health": "green"}
    )
    assert "Say why the health differs" in response.content.decode()
    pm.post(
        f"{base}1/edit/",
        {"summary": "Fine", "stated_health": "green", "stated_reason": "Sign-off is booked."},
    )
    portal = login(side.contact_a.user)
    assert portal.get(f"/portal/projects/{project.pk}/reports/1/").status_code == 404
    pm.post(f"{base}1/publish/")
    page = portal.get(f"/portal/projects/{project.pk}/reports/1/").content.decode()
    assert "Amber" in page and "Green" in page and "Sign-off is booked." in page
    assert "an internal milestone" in page and "Secret freeze" not in page
    portal.post(f"/portal/projects/{project.pk}/reports/1/acknowledge/")
    page = portal.get(f"/portal/projects/{project.pk}/reports/1/").content.decode()
    assert "You acknowledged this report on" in page
    page = pm.get(f"{base}1/acknowledgements/").content.decode()
    assert side.contact_a.full_name in page.split("Not yet acknowledged")[0]
    assert "Status reports" in pm.get(f"/app/projects/{project.pk}/").content.decode()


def test_the_portfolio_shows_each_projects_latest_computed_health(world):
    from rapport.reports import services

    side = world.one
    today = timezone.localdate()
    Milestone.objects.create(
        project=side.project_a, name="Late one", baseline_date=today - timedelta(days=3)
    )
    pm = side.actor(side.pm)
    services.report_draft(
        actor=pm, project=side.project_a, period_start=today - timedelta(6), period_end=today
    )
    page = login(side.owner).get("/app/projects/").content.decode()
    rows = {row.split("</a>")[0].rsplit(">", 1)[-1]: row for row in page.split("<tr>")[2:]}
    assert "health-amber" in rows[side.project_a.name]
    assert "health-" not in rows[side.project_b.name]
    assert "—" in rows[side.project_b.name]
