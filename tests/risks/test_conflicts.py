"""The conflict register: parties from the client and the team only, several root causes, a
timeline of steps, closing only with a resolution, and the evidence trail of what the client
was shown, approved and acknowledged."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rapport.audit.models import AuditEvent
from rapport.changes import services as cr
from rapport.reports import services as reports
from rapport.risks import conflicts, selectors
from rapport.risks import services as risks
from rapport.risks.models import Conflict, ConflictStep, Evidence
from tests import factories
from tests.conftest import login

pytestmark = pytest.mark.django_db


def _conflict(side, **values):
    defaults = {
        "title": "Sponsor disputes the launch date",
        "root_causes": ["expectations", "communication"],
        "project_id": side.project_a.pk,
        "strategy": "negotiation",
        "team_party_ids": [side.pm.pk, side.member.pk],
        "contact_party_ids": [side.contact_a.pk],
        "description": "The sponsor understood June, the baseline says September",
    }
    return conflicts.conflict_create(
        actor=side.actor(side.pm), client=side.client_a, **defaults | values
    )


def test_a_conflict_is_recorded_with_its_parties_and_causes(world):
    side = world.one
    conflict = _conflict(side)
    assert conflict.reference == "CF-001" and conflict.is_open
    assert conflict.root_causes == ["expectations", "communication"]
    assert set(conflict.team_parties.all()) == {side.pm, side.member}
    assert list(conflict.contact_parties.all()) == [side.contact_a]
    event = AuditEvent.objects.get(action="created", object_id=str(conflict.pk))
    assert event.changes["contact_parties"] == [None, str(side.contact_a)]
    assert event.changes["root_causes"] == [None, "expectations, communication"]
    assert _conflict(side, title="Another").reference == "CF-002"


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("contact_parties", lambda world: {"contact_party_ids": [world.one.contact_b.pk]}),
        ("contact_parties", lambda world: {"contact_party_ids": [world.two.contact_a.pk]}),
        ("team_parties", lambda world: {"team_party_ids": [world.two.pm.pk]}),
        ("team_parties", lambda world: {"team_party_ids": ["abc"]}),
        ("project", lambda world: {"project_id": world.one.project_b.pk}),
        ("project", lambda world: {"project_id": world.two.project_a.pk}),
        ("root_causes", lambda world: {"root_causes": []}),
        ("root_causes", lambda world: {"root_causes": ["gossip"]}),
    ],
)
def test_a_party_or_project_from_elsewhere_is_refused_and_nothing_is_written(world, field, values):
    side = world.one
    with pytest.raises(ValidationError) as error:
        _conflict(side, **values(world))
    assert field in error.value.message_dict
    assert not Conflict.objects.exists()
    assert not AuditEvent.objects.filter(content_type__model="conflict").exists()


def test_the_register_is_for_managers_of_the_clients_projects(world):
    side = world.one
    conflict = _conflict(side)
    for actor in (side.actor(side.member), side.contact_actor(side.contact_a)):
        with pytest.raises(PermissionDenied):
            conflicts.conflict_create(
                actor=actor, client=side.client_a, title="x", root_causes=["other"]
            )
        assert not selectors.conflicts_visible_to(actor).exists()
    assert list(selectors.conflicts_visible_to(side.actor(side.admin))) == [conflict]
    assert not selectors.conflicts_visible_to(world.two.actor(world.two.owner)).exists()
    # a PM who manages no project of the client neither sees nor records its conflicts
    other_pm = factories.UserFactory()
    from rapport.tenancy.models import Membership, Role

    Membership.objects.create(organisation=side.organisation, user=other_pm, role=Role.PM)
    actor = side.actor(other_pm)
    assert not selectors.conflicts_visible_to(actor).exists()
    with pytest.raises(PermissionDenied):
        conflicts.conflict_step_add(actor=actor, conflict=conflict, description="Called")


def test_steps_make_a_timeline_and_closing_needs_a_resolution(world):
    side = world.one
    conflict = _conflict(side)
    conflicts.conflict_step_add(
        actor=side.actor(side.pm),
        conflict=conflict,
        occurred_on="2026-03-02",
        description="Met the sponsor, walked through the signed baseline",
    )
    conflicts.conflict_step_add(
        actor=side.actor(side.pm),
        conflict=conflict,
        occurred_on=date(2026, 3, 9),
        taken_by_id=side.admin.pk,
        description="Mediation with both sponsors",
    )
    assert [s.taken_by for s in conflict.steps.all()] == [side.pm, side.admin]
    with pytest.raises(ValidationError):
        conflicts.conflict_step_add(actor=side.actor(side.pm), conflict=conflict, description=" ")
    with pytest.raises(ValidationError) as error:
        conflicts.conflict_step_add(
            actor=side.actor(side.pm),
            conflict=conflict,
            description="x",
            taken_by_id=world.two.pm.pk,
        )
    assert "taken_by" in error.value.message_dict
    assert ConflictStep.objects.count() == 2

    with pytest.raises(ValidationError) as error:
        conflicts.conflict_close(actor=side.actor(side.pm), conflict=conflict, resolution="  ")
    assert "resolution" in error.value.message_dict
    conflict.refresh_from_db()
    assert conflict.is_open and conflict.resolved_on is None

    conflict = conflicts.conflict_close(
        actor=side.actor(side.pm),
        conflict=conflict,
        resolution="Phase 1 in June, the rest in September; change request raised",
        resolved_on="2026-03-10",
        client_agreed=True,
    )
    assert (conflict.status, conflict.resolved_on, conflict.client_agreed) == (
        "closed",
        date(2026, 3, 10),
        True,
    )
    assert AuditEvent.objects.filter(action="conflict_closed", object_id=str(conflict.pk)).exists()
    with pytest.raises(ValidationError):
        conflicts.conflict_close(actor=side.actor(side.pm), conflict=conflict, resolution="Again")


def test_an_update_changes_parties_and_is_audited(world):
    side = world.one
    conflict = _conflict(side)
    conflict = conflicts.conflict_update(
        actor=side.actor(side.pm),
        conflict=conflict,
        contact_party_ids=[],
        escalation_level="management",
        strategy="mediation",
    )
    assert not conflict.contact_parties.exists()
    event = AuditEvent.objects.get(action="updated", object_id=str(conflict.pk))
    assert event.changes["escalation_level"] == ["team", "management"]
    assert event.changes["contact_parties"] == [str(side.contact_a), ""]
    with pytest.raises(ValidationError):
        conflicts.conflict_update(
            actor=side.actor(side.pm), conflict=conflict, contact_party_ids=[side.contact_b.pk]
        )
    assert not conflict.contact_parties.exists()


def test_the_evidence_trail_shows_what_the_client_was_shown_approved_and_acknowledged(world):
    side = world.one
    pm, client = side.actor(side.pm), side.contact_actor(side.contact_a)
    conflict = _conflict(side)
    change = cr.change_request_create(
        actor=pm, project=side.project_a, title="Phase 1 in June", description="x", submit=True
    )
    change = cr.change_request_evaluate(
        actor=pm, change_request=change, schedule_days=0, recommendation="approve"
    )
    change = cr.change_request_send_for_approval(actor=pm, change_request=change)
    cr.change_request_decide(actor=client, change_request=change, decision="approve")
    report = reports.report_draft(
        actor=pm, project=side.project_a, period_start=date(2020, 3, 1), period_end=date(2020, 3, 1)
    )
    report = reports.report_publish(actor=pm, report=report)
    reports.report_acknowledge(actor=client, report=report)
    issue = risks.issue_create(
        actor=pm,
        project=side.project_a,
        title="Launch date unclear",
        owner_id=side.pm.pk,
        proposed_solution="Split the launch",
    )
    risks.issue_share(actor=pm, issue=issue)

    conflicts.evidence_link(
        actor=pm, conflict=conflict, change_request_id=change.pk, note="The compromise"
    )
    conflicts.evidence_link(actor=pm, conflict=conflict, status_report_id=report.pk)
    conflicts.evidence_link(actor=pm, conflict=conflict, issue_id=issue.pk)
    links = selectors.evidence_of(conflict=conflict)
    assert [link.kind for link in links] == ["change_request", "status_report", "issue"]
    trail = selectors.evidence_trail(links)
    actions = [entry.event.action for entry in trail]
    assert actions == [
        "cr_awaiting_approval",
        "cr_approved",
        "published",
        "acknowledged",
        "issue_shared",
    ]
    assert [
        entry.by_client for entry in trail if entry.event.action in ("cr_approved", "acknowledged")
    ] == [True, True]
    assert (
        AuditEvent.objects.filter(action="evidence_linked", object_id=str(conflict.pk)).count() == 3
    )

    page = login(side.pm).get(f"/app/conflicts/{conflict.pk}/").content.decode()
    assert "approved the change" in page and "acknowledged" in page and "The compromise" in page
    assert 'data-testid="evidence-trail"' in page


def test_evidence_from_another_client_or_twice_is_refused(world):
    side = world.one
    pm = side.actor(side.pm)
    conflict = _conflict(side)
    elsewhere = cr.change_request_create(
        actor=pm, project=side.project_b, title="Other client", description="x", submit=True
    )
    foreign = cr.change_request_create(
        actor=world.two.actor(world.two.pm),
        project=world.two.project_a,
        title="Other organisation",
        description="x",
        submit=True,
    )
    for change in (elsewhere, foreign):
        with pytest.raises(ValidationError):
            conflicts.evidence_link(actor=pm, conflict=conflict, change_request_id=change.pk)
    with pytest.raises(ValidationError):
        conflicts.evidence_link(actor=pm, conflict=conflict)
    with pytest.raises(ValidationError):
        conflicts.evidence_link(
            actor=pm, conflict=conflict, change_request_id="99999999999999999999999"
        )
    mine = cr.change_request_create(
        actor=pm, project=side.project_a, title="Mine", description="x", submit=True
    )
    conflicts.evidence_link(actor=pm, conflict=conflict, change_request_id=mine.pk)
    with pytest.raises(ValidationError):
        conflicts.evidence_link(actor=pm, conflict=conflict, change_request_id=mine.pk)
    assert Evidence.objects.count() == 1


def test_an_issue_links_change_requests_of_its_project(world):
    side = world.one
    pm = side.actor(side.member)
    issue = risks.issue_create(
        actor=side.actor(side.pm), project=side.project_a, title="Late", owner_id=side.pm.pk
    )
    change = cr.change_request_create(
        actor=side.actor(side.pm), project=side.project_a, title="Move", description="x"
    )
    conflicts.evidence_link(actor=pm, issue=issue, change_request_id=change.pk)
    other = cr.change_request_create(
        actor=side.actor(side.pm), project=side.project_b, title="Other", description="x"
    )
    with pytest.raises(ValidationError):
        conflicts.evidence_link(actor=pm, issue=issue, change_request_id=other.pk)
    assert [e.change_request for e in selectors.evidence_of(issue=issue)] == [change]


def test_the_root_cause_breakdown_counts_each_cause_once_per_conflict(world):
    side = world.one
    _conflict(side)
    _conflict(side, title="Team stretched", root_causes=["resources", "expectations"])
    rows = selectors.root_cause_breakdown(actor=side.actor(side.owner))
    counts = {code: count for code, _label, count in rows}
    assert counts["expectations"] == 2 and counts["communication"] == 1
    assert counts["resources"] == 1 and counts["personal"] == 0
    assert rows[0][0] == "expectations"
    page = login(side.owner).get("/app/conflicts/").content.decode()
    assert "<svg" in page and "Conflicts by root cause" in page
    assert not any(
        count
        for _c, _l, count in selectors.root_cause_breakdown(actor=world.two.actor(world.two.owner))
    )


def test_the_pages_record_and_close_a_conflict(world):
    side = world.one
    pm = login(side.pm)
    response = pm.post(
        f"/app/clients/{side.client_a.pk}/conflicts/new/",
        {
            "title": "Invoice dispute",
            "project": side.project_a.pk,
            "root_causes": ["scope", "communication"],
            "strategy": "negotiation",
            "escalation_level": "team",
            "team_parties": [side.pm.pk],
            "contact_parties": [side.contact_a.pk],
        },
    )
    assert response.status_code == 302
    conflict = Conflict.objects.get()
    response = pm.post(
        f"/app/clients/{side.client_a.pk}/conflicts/new/",
        {
            "title": "Wrong party",
            "root_causes": ["other"],
            "escalation_level": "team",
            "contact_parties": [side.contact_b.pk],
        },
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    response = pm.post(f"/app/conflicts/{conflict.pk}/close/", {"resolution": ""}, follow=True)
    assert "This field is required" in response.content.decode()
    assert Conflict.objects.get().is_open
    pm.post(
        f"/app/conflicts/{conflict.pk}/steps/",
        {"occurred_on": "2026-04-01", "description": "Called the sponsor"},
    )
    pm.post(
        f"/app/conflicts/{conflict.pk}/close/",
        {"resolution": "Credit note agreed", "resolved_on": "2026-04-02", "client_agreed": "yes"},
    )
    conflict.refresh_from_db()
    assert conflict.status == "closed" and conflict.client_agreed is True
    page = pm.get(f"/app/conflicts/{conflict.pk}/").content.decode()
    assert "Called the sponsor" in page and "Credit note agreed" in page
    assert login(side.member).get(f"/app/conflicts/{conflict.pk}/").status_code == 404
    assert login(side.member).get("/app/conflicts/").status_code == 403
