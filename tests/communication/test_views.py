"""The communication pages as a PM and a team member use them, in both languages."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rapport.communication import services as comm
from rapport.communication.models import Interaction, PlanItem, Stakeholder
from tests.conftest import login

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def test_the_pm_builds_the_register_and_the_plan_and_logs_a_touchpoint(world):
    side = world.one
    http = login(side.pm)
    base = f"/app/projects/{side.project_a.pk}/communication/"

    response = http.post(
        f"{base}stakeholders/new/",
        {
            "contact": side.contact_a.pk,
            "role": "sponsor",
            "influence": "high",
            "interest": "high",
            "notes": "Decides on budget",
        },
    )
    assert response.status_code == 302
    response = http.post(
        f"{base}plan/new/",
        {
            "title": "Weekly status call",
            "audience": [side.contact_a.pk],
            "channel": "video",
            "kind": "decision",
            "cadence_days": "7",
            "owner": side.pm.pk,
            "starts_on": (TODAY - timedelta(days=9)).isoformat(),
            "fulfilled_by": "interaction",
            "active": "on",
        },
    )
    assert response.status_code == 302
    page = http.get(base).content.decode()
    assert "Weekly status call" in page
    assert "Manage closely" in page and side.contact_a.full_name in page
    assert "9 days overdue" in page  # first due on the day it started, never done since
    item = PlanItem.objects.get()

    response = http.post(
        f"{base}touchpoints/",
        {
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "channel": "email",
            "direction": "outbound",
            "contacts": [side.contact_a.pk],
            "kind": "sensitive",
            "summary": "Told the sponsor the design sign-off moves a week",
            "plan_item": item.pk,
            "next_page": "overview",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == base
    page = response.content.decode()
    assert "suit this kind of message better than Email" in page  # guidance, not a refusal
    assert "On cadence" in page
    assert Interaction.objects.get().channel_suited is False


def test_the_overview_reads_in_chinese(world):
    side = world.one
    side.pm.language = "zh-hans"
    side.pm.save(update_fields=["language"])
    comm.stakeholder_add(
        actor=side.actor(side.pm), project=side.project_a, contact=side.contact_a, role="sponsor"
    )
    page = login(side.pm).get(f"/app/projects/{side.project_a.pk}/communication/").content.decode()
    assert "相关方" in page and "沟通计划" in page and "项目发起人" in page
    assert "Stakeholders" not in page and "Communication plan" not in page


def test_a_team_member_reads_and_logs_but_does_not_plan(world):
    side = world.one
    http = login(side.member)
    base = f"/app/projects/{side.project_a.pk}/communication/"
    page = http.get(base).content.decode()
    assert "Add a stakeholder" not in page and "Plan a touchpoint" not in page
    assert http.get(f"{base}plan/new/").status_code == 403
    response = http.post(
        f"{base}touchpoints/",
        {
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "channel": "phone",
            "direction": "inbound",
            "summary": "The key user called about the export",
        },
    )
    assert response.status_code == 302
    assert Interaction.objects.get().created_by == side.member


def test_bad_input_shows_errors_and_writes_nothing(world):
    side = world.one
    http = login(side.pm)
    base = f"/app/projects/{side.project_a.pk}/communication/"
    response = http.post(
        f"{base}touchpoints/",
        {
            "occurred_at": "not a date",
            "channel": "pigeon",
            "direction": "outbound",
            "contacts": [side.contact_b.pk, world.two.contact_a.pk],
            "summary": "",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"occurred_at", "channel", "contacts", "summary"} <= set(errors)
    response = http.post(
        f"{base}touchpoints/",
        {
            "occurred_at": (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
            "channel": "phone",
            "direction": "outbound",
            "summary": "A call next week",
        },
    )
    assert "once it has happened" in response.content.decode()
    response = http.post(
        f"{base}plan/new/",
        {"title": "", "channel": "email", "cadence_days": "0", "owner": world.two.pm.pk},
    )
    assert {"title", "cadence_days", "owner"} <= set(response.context["form"].errors)
    assert not Interaction.objects.exists() and not PlanItem.objects.exists()
    assert not Stakeholder.objects.exists()


def test_the_client_log_and_the_contact_page(world):
    side = world.one
    comm.interaction_log(
        actor=side.actor(side.pm),
        client=side.client_a,
        contacts=[side.contact_a],
        occurred_at=timezone.now() - timedelta(days=1),
        channel="site_visit",
        summary="Visited the warehouse with the operations lead",
    )
    http = login(side.pm)
    page = http.get(f"/app/clients/{side.client_a.pk}/touchpoints/").content.decode()
    assert "Visited the warehouse" in page
    page = http.get(f"/app/clients/contacts/{side.contact_a.pk}/").content.decode()
    assert "Visited the warehouse" in page
    other = http.get(f"/app/clients/{side.client_a.pk}/touchpoints/?contact={side.contact_b.pk}")
    assert other.status_code == 200  # a contact of another client narrows to nothing foreign
    assert "Visited the warehouse" in other.content.decode()  # ignored: not client A's contact


def test_the_advice_fragment(world):
    http = login(world.one.pm)
    page = http.get("/app/communication/advice/?kind=sensitive&channel=email").content.decode()
    assert "Phone call" in page and "not one of them" in page
    page = http.get("/app/communication/advice/?kind=sensitive&channel=phone").content.decode()
    assert "not one of them" not in page
    assert http.get("/app/communication/advice/?kind=<script>").content.strip() == b""


def test_the_home_page_lists_touchpoints_due(world):
    side = world.one
    comm.plan_item_create(
        actor=side.actor(side.pm),
        project=side.project_a,
        audience=[side.contact_a],
        owner_id=side.pm.pk,
        title="Monthly steering report",
        channel="email",
        cadence_days=30,
        starts_on=TODAY - timedelta(days=2),
    )
    page = login(side.pm).get("/app/").content.decode()
    assert "Touchpoints due and overdue" in page and "Monthly steering report" in page
    assert "Touchpoints due and overdue" not in login(side.member).get("/app/").content.decode()


def test_the_client_page_is_the_clients_stakeholder_register(world):
    side = world.one
    comm.stakeholder_add(
        actor=side.actor(side.pm), project=side.project_a, contact=side.contact_a, role="sponsor"
    )
    page = login(side.pm).get(f"/app/clients/{side.client_a.pk}/").content.decode()
    assert f"{side.project_a.name}</a>: Sponsor" in page
    # a team member sees only the roles on the projects they see
    page = login(side.member).get(f"/app/clients/{side.client_a.pk}/").content.decode()
    assert "Sponsor" in page


def test_a_plan_item_against_the_guidance_is_flagged_and_the_wait_is_shown(world):
    side = world.one
    comm.plan_item_create(
        actor=side.actor(side.pm),
        project=side.project_a,
        audience=[side.contact_a],
        owner_id=side.pm.pk,
        title="Bad news by newsletter",
        channel="email",
        kind="sensitive",
        cadence_days=30,
    )
    page = login(side.pm).get(f"/app/projects/{side.project_a.pk}/communication/").content
    assert "Channel chosen against the guidance" in page.decode()
    assert "No answers to the client in the last 90 days." in page.decode()
