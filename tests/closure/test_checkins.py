"""Check-ins after closure: planned with the client's key contacts at the organisation's
months, shown on the PM's home page when due, recorded as touchpoints."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from rapport.audit.models import AuditEvent
from rapport.closure import checkins, services
from rapport.closure.models import CheckIn, ClosureSettings
from rapport.communication.models import Interaction, Stakeholder
from rapport.projects.models import Deliverable
from tests import factories

pytestmark = pytest.mark.django_db


def _close(side):
    Deliverable.objects.filter(project=side.project_a).update(status=Deliverable.Status.ACCEPTED)
    pm = side.actor(side.pm)
    services.closure_update(
        actor=pm, project=side.project_a, narrative="Done.", lessons="", budget_closed=False
    )
    return services.closure_close(actor=pm, project=side.project_a)


def test_add_months_clamps_to_the_month_end():
    assert checkins.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert checkins.add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert checkins.add_months(date(2026, 6, 15), 12) == date(2027, 6, 15)


def test_closing_plans_checkins_with_sponsors_else_approvers(world):
    side = world.one
    sponsor = factories.ContactFactory(client=side.client_a, full_name="Sponsor Person")
    Stakeholder.objects.create(project=side.project_a, contact=sponsor, role="sponsor")
    closure = _close(side)
    planned = list(CheckIn.objects.filter(project=side.project_a).order_by("months"))
    assert [c.contact for c in planned] == [sponsor] * 4
    closed_on = timezone.localdate(closure.closed_at)
    assert [c.due_on for c in planned] == [checkins.add_months(closed_on, m) for m in (1, 3, 6, 12)]
    assert AuditEvent.objects.filter(action="checkins_planned").exists()


def test_approvers_and_the_organisations_months_when_no_key_stakeholder(world):
    side = world.one
    checkins.checkin_months_update(actor=side.actor(side.admin), months="2，6, 2")
    _close(side)
    planned = CheckIn.objects.filter(project=side.project_a)
    assert {c.contact for c in planned} == {side.contact_a}
    assert sorted(c.months for c in planned) == [2, 6]


def test_months_setting_refuses_bad_input_and_non_admins(world):
    side = world.one
    for bad in ("", "0", "abc", "1; DROP TABLE", "９", "121", ",".join(map(str, range(1, 14)))):
        with pytest.raises(ValidationError):
            checkins.checkin_months_update(actor=side.actor(side.admin), months=bad)
    with pytest.raises(PermissionDenied):
        checkins.checkin_months_update(actor=side.actor(side.pm), months="1")
    assert not ClosureSettings.objects.exists()


def test_due_checkin_on_pm_home_then_recorded_as_touchpoint(world, login_as):
    side = world.one
    _close(side)
    first = CheckIn.objects.filter(project=side.project_a).order_by("due_on").first()
    pm = login_as(side.pm)
    assert "checkins-due" not in pm.get("/app/").content.decode()  # not due yet
    CheckIn.objects.filter(pk=first.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    cache.clear()  # the day it falls due, the home page's sections of the day before are gone
    home = pm.get("/app/").content.decode()
    assert "checkins-due" in home and side.contact_a.full_name in home
    assert "checkins-due" not in login_as(side.member).get("/app/").content.decode()
    url = reverse("closure:checkin_record", args=[side.project_a.pk, first.pk])
    assert login_as(side.member).post(url, {"channel": "phone", "summary": "x"}).status_code == 403
    response = pm.post(url, {"channel": "phone", "summary": "New phase in spring."})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.done_at is not None
    interaction = Interaction.objects.get(pk=first.interaction_id)
    assert list(interaction.contacts.all()) == [side.contact_a]
    assert interaction.project == side.project_a
    assert "checkins-due" not in pm.get("/app/").content.decode()
    with pytest.raises(ValidationError):
        checkins.checkin_record(
            actor=side.actor(side.pm), checkin=first, channel="phone", summary="again"
        )


def test_recording_refuses_an_empty_summary_without_writing(world, login_as):
    side = world.one
    _close(side)
    checkin = CheckIn.objects.filter(project=side.project_a).first()
    url = reverse("closure:checkin_record", args=[side.project_a.pk, checkin.pk])
    login_as(side.pm).post(url, {"channel": "nope", "summary": ""})
    checkin.refresh_from_db()
    assert checkin.done_at is None
    assert not Interaction.objects.exists()


def test_the_closure_page_folds_the_form_of_checkins_not_due_yet(world, login_as):
    side = world.one
    _close(side)
    first = CheckIn.objects.filter(project=side.project_a).order_by("due_on").first()
    CheckIn.objects.filter(pk=first.pk).update(due_on=timezone.localdate())
    page = login_as(side.pm).get(reverse("closure:detail", args=[side.project_a.pk]))
    html = page.content.decode()
    assert html.count("Record the check-in") == 4
    assert html.count("<details><summary>Planned") == 3  # due today: its form is open
