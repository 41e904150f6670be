"""The risk register and the issue log: a risk occurs and becomes an issue; an issue is shared
with the client only with a proposed solution and is never hidden again."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from rapport.audit.models import AuditEvent
from rapport.notify.models import OutboundEmail
from rapport.projects.models import Project
from rapport.risks import selectors
from rapport.risks import services as risks
from rapport.risks.models import Issue, Risk
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _risk(side, **values):
    defaults = {
        "title": "Key designer leaves",
        "probability": 3,
        "impact": 5,
        "owner_id": side.pm.pk,
        "cause": "Only one person knows the design system",
        "contingency": "Bring in the partner agency's designer within a week",
        "trigger": "Notice given",
    }
    return risks.risk_create(actor=side.actor(side.pm), project=side.project_a, **defaults | values)


def _issue(side, **values):
    defaults = {
        "title": "Payment provider API changed",
        "owner_id": side.pm.pk,
        "description": "Checkout fails for cards",
        "affects_schedule": True,
        "proposed_solution": "Switch to the new API; two days of work",
    }
    return risks.issue_create(
        actor=side.actor(side.pm), project=side.project_a, **defaults | values
    )


def test_a_risk_is_scored_numbered_and_audited(world):
    side = world.one
    first = _risk(side)
    second = _risk(side, title="Hosting contract late", probability="2", impact="2")
    assert (first.reference, first.score, first.status) == ("R-001", 15, Risk.Status.OPEN)
    assert (second.reference, second.score) == ("R-002", 4)
    assert not first.client_visible
    event = AuditEvent.objects.get(action="created", object_id=str(first.pk))
    assert event.changes["score"] == [None, 15]
    assert event.changes["owner"] == [None, str(side.pm)]


@pytest.mark.parametrize(
    ("field", "value"),
    [("probability", 0), ("probability", 6), ("impact", -1), ("impact", "x"), ("impact", True)],
)
def test_probability_and_impact_out_of_range_are_refused(world, field, value):
    side = world.one
    with pytest.raises(ValidationError) as error:
        _risk(side, **{field: value})
    assert field in error.value.message_dict
    assert "1" in error.value.message_dict[field][0] and "5" in error.value.message_dict[field][0]
    assert not Risk.objects.exists()
    assert not AuditEvent.objects.filter(content_type__model="risk").exists()


def test_an_owner_from_outside_the_team_is_refused(world):
    side = world.one
    for owner in (side.outsider, world.two.pm):
        with pytest.raises(ValidationError) as error:
            _risk(side, owner_id=owner.pk)
        assert "owner" in error.value.message_dict
    assert not Risk.objects.exists()


def test_an_update_rescores_and_only_managers_show_a_risk_to_the_client(world):
    side = world.one
    risk = _risk(side)
    risk = risks.risk_update(
        actor=side.actor(side.member), risk=risk, impact=2, status="mitigating", mitigation="Pair"
    )
    assert (risk.score, risk.status) == (6, Risk.Status.MITIGATING)
    with pytest.raises(PermissionDenied):
        risks.risk_update(actor=side.actor(side.member), risk=risk, client_visible=True)
    risk = risks.risk_update(actor=side.actor(side.pm), risk=risk, client_visible=True)
    assert risk.client_visible
    changes = AuditEvent.objects.filter(action="updated", object_id=str(risk.pk)).first().changes
    assert changes == {"client_visible": [False, True]}


def test_a_risk_occurs_and_becomes_an_internal_issue(world):
    side = world.one
    risk = _risk(side)
    issue = risks.risk_occurred(actor=side.actor(side.member), risk=risk)
    risk.refresh_from_db()
    assert risk.status == Risk.Status.OCCURRED
    assert issue.from_risk == risk and issue.reference == "I-001"
    assert issue.title == risk.title and issue.owner == side.pm
    assert issue.description == "Notice given"  # the trigger starts it
    assert issue.proposed_solution == risk.contingency
    assert not issue.client_visible and issue.shared_at is None
    assert AuditEvent.objects.filter(action="risk_occurred", object_id=str(risk.pk)).exists()
    created = AuditEvent.objects.get(
        action="created", object_id=str(issue.pk), content_type__model="issue"
    )
    assert created.changes["from_risk"] == [None, "R-001"]
    # it happened once: a second time is refused, and an occurred risk no longer changes
    with pytest.raises(ValidationError):
        risks.risk_occurred(actor=side.actor(side.pm), risk=risk)
    with pytest.raises(ValidationError):
        risks.risk_update(actor=side.actor(side.pm), risk=risk, title="Other")
    assert Issue.objects.count() == 1


def test_occurred_is_not_a_status_an_edit_can_set(world):
    side = world.one
    risk = _risk(side)
    with pytest.raises(ValidationError) as error:
        risks.risk_update(actor=side.actor(side.pm), risk=risk, status="occurred")
    assert "status" in error.value.message_dict
    assert not Issue.objects.exists()


def test_sharing_without_a_solution_is_refused_with_the_reason(world):
    side = world.one
    issue = _issue(side, proposed_solution="   ")
    with pytest.raises(ValidationError) as error:
        risks.issue_share(actor=side.actor(side.pm), issue=issue)
    assert "way forward" in error.value.message_dict["proposed_solution"][0]
    issue.refresh_from_db()
    assert not issue.client_visible and issue.shared_at is None
    assert not OutboundEmail.objects.exists()
    assert not AuditEvent.objects.filter(action="issue_shared").exists()


def test_sharing_shows_the_issue_to_the_client_and_tells_its_portal_contacts(world):
    side = world.one
    side.contact_a.language = "zh-hans"
    side.contact_a.save()
    other = factories.portal_contact(side.client_a)
    factories.ContactFactory(client=side.client_a)  # no portal access: not told
    issue = _issue(side)
    contact = side.contact_actor(side.contact_a)
    assert not selectors.issues_visible_to(contact).exists()

    issue = risks.issue_share(actor=side.actor(side.pm), issue=issue)
    assert issue.client_visible and issue.shared_by == side.pm and issue.shared_at
    assert list(selectors.issues_visible_to(contact)) == [issue]
    assert not selectors.issues_visible_to(side.contact_actor(side.contact_b)).exists()
    emails = {email.to: email for email in OutboundEmail.objects.filter(kind="issue_shared")}
    assert set(emails) == {side.contact_a.email, other.email}
    assert emails[side.contact_a.email].language == "zh-hans"
    assert emails[other.email].language == other.language
    assert "Switch to the new API" in emails[other.email].body_text
    assert f"/portal/projects/{side.project_a.pk}/risks/#I-001" in emails[other.email].body_text
    assert AuditEvent.objects.filter(action="issue_shared", object_id=str(issue.pk)).exists()


def test_only_the_projects_managers_share(world):
    side = world.one
    issue = _issue(side)
    with pytest.raises(PermissionDenied):
        risks.issue_share(actor=side.actor(side.member), issue=issue)
    with pytest.raises(PermissionDenied):
        risks.issue_update(actor=side.actor(side.member), issue=issue, client_visible=True)
    issue.refresh_from_db()
    assert not issue.client_visible


def test_an_issue_of_an_unpublished_project_cannot_be_shared(world):
    side = world.one
    issue = risks.issue_create(
        actor=side.actor(side.pm),
        project=side.project_a_draft,
        title="Late data",
        owner_id=side.pm.pk,
        proposed_solution="Use last year's",
    )
    with pytest.raises(ValidationError):
        risks.issue_share(actor=side.actor(side.pm), issue=issue)
    assert not Issue.objects.filter(client_visible=True).exists()


def test_a_shared_issue_is_never_hidden_again_only_resolved(world):
    side = world.one
    issue = risks.issue_share(actor=side.actor(side.pm), issue=_issue(side))
    with pytest.raises(ValidationError) as error:
        risks.issue_update(actor=side.actor(side.pm), issue=issue, client_visible=False)
    assert "client_visible" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        risks.issue_update(actor=side.actor(side.pm), issue=issue, proposed_solution="")
    assert "proposed_solution" in error.value.message_dict
    issue.refresh_from_db()
    assert issue.client_visible and issue.proposed_solution

    with pytest.raises(ValidationError) as error:
        risks.issue_resolve(actor=side.actor(side.pm), issue=issue, resolution=" ")
    assert "resolution" in error.value.message_dict
    issue = risks.issue_resolve(
        actor=side.actor(side.pm), issue=issue, resolution="New API live since Monday"
    )
    assert issue.status == Issue.Status.RESOLVED and issue.resolved_at
    assert issue.client_visible  # still there for the client, resolved
    assert OutboundEmail.objects.filter(kind="issue_resolved", to=side.contact_a.email).exists()
    assert AuditEvent.objects.filter(action="issue_resolved", object_id=str(issue.pk)).exists()
    with pytest.raises(ValidationError):
        risks.issue_resolve(actor=side.actor(side.pm), issue=issue, resolution="Again")


def test_updating_with_client_visible_shares_it(world):
    side = world.one
    issue = risks.issue_update(actor=side.actor(side.pm), issue=_issue(side), client_visible=True)
    assert issue.is_shared
    assert OutboundEmail.objects.filter(kind="issue_shared").exists()


def test_a_resolved_issue_can_be_reopened_by_an_edit_but_not_resolved_by_one(world):
    side = world.one
    issue = _issue(side)
    with pytest.raises(ValidationError):
        risks.issue_update(actor=side.actor(side.pm), issue=issue, status="resolved")
    issue = risks.issue_resolve(actor=side.actor(side.pm), issue=issue, resolution="Done")
    issue = risks.issue_update(actor=side.actor(side.pm), issue=issue, status="open")
    assert issue.status == "open" and issue.resolved_at is None


def test_people_outside_the_project_see_nothing(world):
    side = world.one
    risk = _risk(side, client_visible=True)
    issue = risks.issue_share(actor=side.actor(side.pm), issue=_issue(side))
    assert list(selectors.risks_visible_to(side.actor(side.member))) == [risk]
    for actor in (
        side.actor(side.outsider),
        world.two.actor(world.two.owner),
        side.contact_actor(side.contact_b),
        world.two.contact_actor(world.two.contact_a),
    ):
        assert not selectors.risks_visible_to(actor).exists()
        assert not selectors.issues_visible_to(actor).exists()
    contact = side.contact_actor(side.contact_a)
    assert list(selectors.risks_visible_to(contact)) == [risk]
    assert list(selectors.issues_visible_to(contact)) == [issue]
    Project.objects.filter(pk=side.project_a.pk).update(published_at=None)
    assert not selectors.issues_visible_to(contact).exists()


def test_internal_risks_and_unshared_issues_never_reach_the_client(world):
    side = world.one
    _risk(side)
    _issue(side)
    contact = side.contact_actor(side.contact_a)
    assert not selectors.risks_visible_to(contact).exists()
    assert not selectors.issues_visible_to(contact).exists()


def test_heat_map_places_open_risks_by_impact_and_probability(world):
    side = world.one
    high = _risk(side)  # p3 i5
    closed = _risk(side, title="Old", probability=1, impact=1)
    risks.risk_update(actor=side.actor(side.pm), risk=closed, status="closed")
    grid = selectors.heat_map(list(Risk.objects.all()))
    assert [impact for impact, _cells in grid] == [5, 4, 3, 2, 1]
    top = dict(grid[0][1])
    assert top[3] == [high]
    assert all(not cell for impact, cells in grid for p, cell in cells if (impact, p) != (5, 3))


def test_a_team_member_cannot_record_on_a_project_they_are_not_on(world):
    side = world.one
    with pytest.raises(PermissionDenied):
        risks.risk_create(
            actor=side.actor(side.outsider),
            project=side.project_a,
            title="x",
            probability=1,
            impact=1,
            owner_id=side.pm.pk,
        )
    with pytest.raises(PermissionDenied):
        risks.issue_create(
            actor=side.contact_actor(side.contact_a),
            project=side.project_a,
            title="x",
            owner_id=side.pm.pk,
        )


def test_a_due_date_may_come_as_text_and_a_bad_one_is_refused(world):
    side = world.one
    issue = _issue(side, due_date=(TODAY - timedelta(days=3)).isoformat())
    assert issue.due_date == TODAY - timedelta(days=3)
    with pytest.raises(ValidationError) as error:
        _issue(side, due_date="2026-02-30")
    assert "due_date" in error.value.message_dict
    assert Issue.objects.count() == 1
