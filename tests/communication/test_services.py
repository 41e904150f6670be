"""The register, the plan and the log: who may write, what is refused, what the audit keeps,
and how the plan's cadence reads the log and the published reports."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from rapport.audit.models import AuditEvent
from rapport.clients.models import Contact
from rapport.communication import selectors
from rapport.communication import services as comm
from rapport.communication.models import Interaction, PlanItem, Stakeholder
from rapport.reports import services as reports

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _plan(side, **values):
    defaults = {
        "title": "Weekly call with the sponsor",
        "channel": "video",
        "cadence_days": 7,
        "starts_on": TODAY - timedelta(days=20),
    }
    return comm.plan_item_create(
        actor=side.actor(side.pm),
        project=side.project_a,
        audience=[side.contact_a],
        owner_id=side.pm.pk,
        **(defaults | values),
    )


def _log(side, actor=None, **values):
    defaults = {
        "occurred_at": timezone.now() - timedelta(hours=2),
        "channel": "phone",
        "summary": "Walked the sponsor through the new plan",
    }
    return comm.interaction_log(
        actor=actor or side.actor(side.pm),
        client=side.client_a,
        project=values.pop("project", side.project_a),
        contacts=values.pop("contacts", [side.contact_a]),
        **(defaults | values),
    )


def test_the_register_places_each_stakeholder_on_the_grid(world):
    side = world.one
    stakeholder = comm.stakeholder_add(
        actor=side.actor(side.pm),
        project=side.project_a,
        contact=side.contact_a,
        role="sponsor",
        influence="high",
        interest="high",
        notes="Prefers calls before 10:00",
    )
    assert stakeholder.quadrant == "manage"
    comm.stakeholder_update(actor=side.actor(side.pm), stakeholder=stakeholder, interest="low")
    stakeholder.refresh_from_db()
    assert stakeholder.quadrant == "satisfy"
    actions = list(
        AuditEvent.objects.filter(object_id=str(stakeholder.pk)).values_list("action", flat=True)
    )
    assert sorted(actions) == ["created", "updated"]


def test_the_register_refuses_a_foreign_contact_a_duplicate_and_a_team_member(world):
    side = world.one
    pm = side.actor(side.pm)
    with pytest.raises(ValidationError) as error:
        comm.stakeholder_add(actor=pm, project=side.project_a, contact=side.contact_b)
    assert "contact" in error.value.message_dict
    with pytest.raises(ValidationError):
        comm.stakeholder_add(actor=pm, project=side.project_a, contact=world.two.contact_a)
    comm.stakeholder_add(actor=pm, project=side.project_a, contact=side.contact_a)
    with pytest.raises(ValidationError) as error:
        comm.stakeholder_add(actor=pm, project=side.project_a, contact=side.contact_a)
    assert "already" in error.value.message_dict["contact"][0]
    with pytest.raises(PermissionDenied):
        comm.stakeholder_add(
            actor=side.actor(side.member),
            project=side.project_a,
            contact=Contact.objects.create(
                organisation=side.organisation, client=side.client_a, full_name="New"
            ),
        )
    assert Stakeholder.objects.count() == 1


def test_the_plan_is_due_from_its_start_and_then_from_the_last_touchpoint(world):
    side = world.one
    item = _plan(side)
    [planned] = selectors.plan(actor=side.actor(side.pm), project=side.project_a)
    assert planned.last_done is None
    assert planned.due.next_due == item.starts_on
    assert planned.due.colour == "red"  # 20 days late on a weekly cadence

    _log(side, plan_item=item, occurred_at=timezone.now() - timedelta(days=2))
    [planned] = selectors.plan(actor=side.actor(side.pm), project=side.project_a)
    assert planned.last_done == TODAY - timedelta(days=2)
    assert planned.due.next_due == TODAY + timedelta(days=5)
    assert planned.due.colour == "green"
    colours = selectors.stakeholder_colours([planned])
    assert colours == {side.contact_a.pk: "green"}


def test_a_plan_item_done_by_reports_reads_the_latest_published_report(world):
    side = world.one
    pm = side.actor(side.pm)
    _plan(
        side,
        title="Fortnightly status report",
        channel="report",
        cadence_days=14,
        fulfilled_by=PlanItem.Fulfilment.STATUS_REPORT,
    )
    [planned] = selectors.plan(actor=pm, project=side.project_a)
    assert planned.last_done is None
    report = reports.report_draft(
        actor=pm, project=side.project_a, period_start=TODAY - timedelta(days=13), period_end=TODAY
    )
    reports.report_publish(actor=pm, report=report)
    [planned] = selectors.plan(actor=pm, project=side.project_a)
    assert planned.last_done == TODAY
    assert planned.due.colour == "green"


def test_attention_lists_what_is_due_for_the_pm_most_overdue_first(world):
    side = world.one
    late = _plan(side, title="Weekly call", starts_on=TODAY - timedelta(days=10))
    due_today = _plan(side, title="Daily stand-up", cadence_days=1, starts_on=TODAY)
    _plan(side, title="Later", starts_on=TODAY + timedelta(days=3))
    paused = _plan(side, title="Paused", starts_on=TODAY - timedelta(days=30))
    comm.plan_item_update(actor=side.actor(side.pm), item=paused, active=False)
    items = selectors.attention(actor=side.actor(side.pm))
    assert [t.item for t in items] == [late, due_today]
    assert selectors.attention(actor=side.actor(side.member)) == []  # not theirs
    assert selectors.attention(actor=world.two.actor(world.two.pm)) == []
    # counted for the navigation without reading the items
    assert selectors.attention_count(actor=side.actor(side.pm)) == 2
    assert selectors.attention_count(actor=side.actor(side.member)) == 0
    assert selectors.attention_count(actor=world.two.actor(world.two.pm)) == 0
    assert selectors.attention_count(actor=side.contact_actor(side.contact_a)) == 0


def test_a_touchpoint_records_whether_the_channel_suits_the_message(world):
    side = world.one
    bad_news_by_email = _log(side, kind="sensitive", channel="email")
    assert bad_news_by_email.channel_suited is False
    bad_news_by_phone = _log(side, kind="sensitive", channel="phone")
    assert bad_news_by_phone.channel_suited is True
    unclassified = _log(side, channel="email")
    assert unclassified.channel_suited is None
    event = AuditEvent.objects.get(object_id=str(bad_news_by_email.pk), action="created")
    assert event.changes["channel_suited"] == [None, False]
    assert event.changes["contacts"] == [None, [side.contact_a.full_name]]


def test_a_team_member_logs_on_their_project_but_not_on_the_client_at_large(world):
    side = world.one
    member = side.actor(side.member)
    assert _log(side, actor=member).created_by == side.member
    with pytest.raises(PermissionDenied):
        _log(side, actor=member, project=None)
    with pytest.raises(PermissionDenied):
        _log(side, actor=member, project=side.project_b)  # not on project B's team
    with pytest.raises(PermissionDenied):
        _log(side, actor=side.actor(side.outsider))
    assert _log(side, project=None).project is None  # the PM may


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"summary": ""}, "summary"),
        ({"summary": "x" * 4001}, "summary"),
        ({"channel": "pigeon"}, "channel"),
        ({"occurred_at": timezone.now() + timedelta(days=2)}, "occurred_at"),
        ({"summary": "a\x00b"}, "summary"),
    ],
)
def test_bad_touchpoints_are_refused_and_nothing_is_written(world, values, field):
    with pytest.raises(ValidationError) as error:
        _log(world.one, **values)
    assert field in error.value.message_dict
    assert Interaction.objects.count() == 0


def test_foreign_contacts_and_plan_items_are_refused(world):
    side = world.one
    with pytest.raises(ValidationError) as error:
        _log(side, contacts=[side.contact_b])
    assert "contacts" in error.value.message_dict
    other = comm.plan_item_create(
        actor=side.actor(side.pm),
        project=side.project_b,
        audience=[side.contact_b],
        owner_id=side.pm.pk,
        title="Other project",
        channel="email",
        cadence_days=7,
    )
    with pytest.raises(ValidationError) as error:
        _log(side, plan_item=other)
    assert "plan_item" in error.value.message_dict
    with pytest.raises(ValidationError):
        _plan(side, cadence_days=0)
    with pytest.raises(ValidationError) as error:
        comm.plan_item_create(
            actor=side.actor(side.pm),
            project=side.project_a,
            audience=[],
            owner_id=world.two.pm.pk,
            title="Owned by a stranger",
            channel="email",
            cadence_days=7,
        )
    assert "owner" in error.value.message_dict
    assert Interaction.objects.count() == 0
    assert PlanItem.objects.filter(project=side.project_a).count() == 0


def test_deleting_a_touchpoint_is_for_its_author_or_the_projects_managers(world):
    side = world.one
    by_member = _log(side, actor=side.actor(side.member))
    by_pm = _log(side)
    by_pm_id = by_pm.pk
    with pytest.raises(PermissionDenied):
        comm.interaction_delete(actor=side.actor(side.member), interaction=by_pm)
    comm.interaction_delete(actor=side.actor(side.member), interaction=by_member)
    comm.interaction_delete(actor=side.actor(side.admin), interaction=by_pm)
    assert Interaction.objects.count() == 0
    deleted = AuditEvent.objects.filter(action="deleted", object_id=str(by_pm_id)).get()
    assert deleted.changes["summary"][1] is None
