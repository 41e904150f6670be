"""The register, the log and the portal page as the PM, a team member and the client use
them."""

import pytest

from rapport.notify.models import OutboundEmail
from rapport.risks.models import Issue, Risk
from tests.conftest import login

pytestmark = pytest.mark.django_db


def _risk_form(side, **values):
    return {
        "title": "Key designer leaves",
        "cause": "One person knows the design system",
        "probability": "4",
        "impact": "5",
        "owner": side.member.pk,
        "mitigation": "",
        "contingency": "Partner agency's designer",
        "trigger": "Notice given",
        "review_date": "2026-12-01",
        **values,
    }


def test_the_pm_adds_a_risk_it_appears_on_the_heat_map_and_it_occurs(world):
    side = world.one
    pm = login(side.pm)
    base = f"/app/projects/{side.project_a.pk}/risks/"
    response = pm.post(f"{base}new/", _risk_form(side))
    assert response.status_code == 302
    risk = Risk.objects.get()
    assert (risk.score, risk.owner, risk.client_visible) == (20, side.member, False)
    page = pm.get(base).content.decode()
    assert "R-001" in page and "band-critical" in page and "no mitigation" in page
    response = pm.post(f"{base}1/occurred/", {"description": "She resigned today"})
    assert Issue.objects.get().from_risk == risk
    assert response["Location"] == f"/app/projects/{side.project_a.pk}/issues/1/"
    page = pm.get(response["Location"]).content.decode()
    assert "She resigned today" in page and "Partner agency&#x27;s designer" in page
    assert "Share with the client" in page


def test_out_of_range_levels_are_form_errors_and_nothing_is_saved(world):
    side = world.one
    pm = login(side.pm)
    base = f"/app/projects/{side.project_a.pk}/risks/"
    for probability in ("0", "6", "-1", "x"):
        response = pm.post(f"{base}new/", _risk_form(side, probability=probability))
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
    assert not Risk.objects.exists()


def test_a_team_member_logs_an_issue_but_only_the_pm_shares_it(world):
    side = world.one
    member = login(side.member)
    base = f"/app/projects/{side.project_a.pk}/issues/"
    response = member.post(
        f"{base}new/",
        {
            "title": "Payment API changed",
            "description": "Checkout fails",
            "affects_schedule": "on",
            "impact": "A week late",
            "proposed_solution": "",
            "owner": side.member.pk,
            "due_date": "",
        },
    )
    assert response.status_code == 302
    page = member.get(f"{base}1/").content.decode()
    assert "Share with the client" not in page
    assert member.post(f"{base}1/share/").status_code == 403

    pm = login(side.pm)
    response = pm.post(f"{base}1/share/", follow=True)
    assert "without a way forward" in response.content.decode()
    assert not Issue.objects.get().is_shared
    response = pm.post(
        f"{base}1/edit/",
        {
            "title": "Payment API changed",
            "description": "Checkout fails",
            "affects_schedule": "on",
            "impact": "A week late",
            "proposed_solution": "Move to the new API",
            "owner": side.member.pk,
            "due_date": "",
            "status": "in_progress",
        },
    )
    assert response.status_code == 302
    response = pm.post(f"{base}1/share/", follow=True)
    assert "is shared with the client" in response.content.decode()
    assert OutboundEmail.objects.filter(kind="issue_shared", to=side.contact_a.email).exists()

    portal = login(side.contact_a.user)
    page = portal.get(f"/portal/projects/{side.project_a.pk}/risks/").content.decode()
    assert "Payment API changed" in page and "Move to the new API" in page
    assert (
        "Risks and issues" in portal.get(f"/portal/projects/{side.project_a.pk}/").content.decode()
    )
    other = login(side.contact_b.user)
    assert other.get(f"/portal/projects/{side.project_a.pk}/risks/").status_code == 404


def test_the_edit_form_cannot_hide_a_shared_issue_and_resolving_needs_words(world):
    side = world.one
    pm = login(side.pm)
    base = f"/app/projects/{side.project_a.pk}/issues/"
    pm.post(
        f"{base}new/",
        {"title": "Data late", "proposed_solution": "Use last month's", "owner": side.pm.pk},
    )
    pm.post(f"{base}1/share/")
    page = pm.get(f"{base}1/").content.decode()
    assert "It stays visible to them" in page
    response = pm.post(f"{base}1/resolve/", {"resolution": ""}, follow=True)
    assert "This field is required" in response.content.decode()
    assert Issue.objects.get().is_open
    pm.post(f"{base}1/resolve/", {"resolution": "Data arrived"})
    issue = Issue.objects.get()
    assert issue.status == "resolved" and issue.client_visible


def test_internal_risks_stay_out_of_the_portal(world):
    side = world.one
    pm = login(side.pm)
    base = f"/app/projects/{side.project_a.pk}/risks/"
    pm.post(f"{base}new/", _risk_form(side, title="Internal worry"))
    pm.post(f"{base}new/", _risk_form(side, title="Shared worry", client_visible="on"))
    portal = login(side.contact_a.user)
    page = portal.get(f"/portal/projects/{side.project_a.pk}/risks/").content.decode()
    assert "Shared worry" in page and "Internal worry" not in page


def test_a_team_member_does_not_get_the_client_visible_box(world):
    side = world.one
    member = login(side.member)
    page = member.get(f"/app/projects/{side.project_a.pk}/risks/new/").content.decode()
    assert 'name="client_visible"' not in page
    member.post(
        f"/app/projects/{side.project_a.pk}/risks/new/", _risk_form(side, client_visible="on")
    )
    assert Risk.objects.get().client_visible is False
