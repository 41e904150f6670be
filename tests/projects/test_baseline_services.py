"""The baseline through its services: SMART checks, items, versions and sign-off, deliverable
acceptance, actuals and computed progress. Each test: given, when, then."""

import datetime
import hashlib
import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from rapport.audit.models import AuditEvent
from rapport.notify.models import OutboundEmail
from rapport.projects import baseline, progress, services
from rapport.projects import baseline_services as bs
from rapport.projects.models import (
    BaselineVersion,
    BudgetLine,
    CostEntry,
    Deliverable,
    DeliverableDecision,
    Milestone,
    Objective,
    Project,
    ProjectMember,
    QualityStandard,
    TimeEntry,
)
from rapport.projects.smart import objective_checks, smart_checks
from rapport.tenancy.actors import Actor
from tests import factories

pytestmark = pytest.mark.django_db

D = datetime.date


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def pm_of(side: Any) -> Actor:
    return side.actor(side.pm)


def approver_of(side: Any, ip: str = "203.0.113.7") -> Actor:
    contact = side.contact_a
    return Actor.contact(contact.user, frozenset({contact.pk}), ip=ip)


def submitted(side: Any) -> BaselineVersion:
    return bs.baseline_submit(actor=pm_of(side), project=side.project_a)


def signed(side: Any) -> BaselineVersion:
    return bs.baseline_sign(actor=approver_of(side), version=submitted(side))


def events(action: str, obj: Any) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            action=action,
            object_id=str(obj.pk),
            content_type__model=obj._meta.model_name,
        )
    )


# --- SMART ---------------------------------------------------------------------------------

SMART: dict[str, Any] = {
    "statement": "Cut the time to answer a support ticket by half",
    "metric": "median first response",
    "target_value": Decimal("4"),
    "achievability": "New triage rota",
    "has_owner": False,
    "relevance": "Customers complain about waits",
    "due_date": D(2026, 6, 1),
    "project_start": D(2026, 1, 1),
    "project_end": D(2026, 12, 31),
}


def failing(**changes: Any) -> set[str]:
    return {check.letter for check in smart_checks(**{**SMART, **changes}) if not check.passed}


def test_smart_complete_objective_passes_every_letter_in_order():
    checks = smart_checks(**SMART)
    assert [check.letter for check in checks] == ["S", "M", "A", "R", "T"]
    assert all(check.passed for check in checks)


@pytest.mark.parametrize(
    "statement",
    ["Faster replies", "Make support better", "Improve performance", "  ", ""],
    ids=["short", "four-words", "vague", "blank", "empty"],
)
def test_smart_s_fails_a_short_or_vague_english_statement(statement):
    assert failing(statement=statement) == {"S"}


@pytest.mark.parametrize(
    "statement",
    ["提高效率", "优化系统", "提升系统整体的性能表现"],
    ids=["short", "short-vague", "long-but-only-improve-something"],
)
def test_smart_s_fails_a_short_or_vague_chinese_statement(statement):
    assert failing(statement=statement) == {"S"}


def test_smart_s_passes_a_concrete_chinese_statement():
    assert failing(statement="将患者预约的平均等待时间缩短到五分钟以内") == set()


@pytest.mark.parametrize(
    "changes",
    [{"metric": ""}, {"metric": "   "}, {"target_value": None}, {"target_value": ""}],
    ids=["no-metric", "blank-metric", "no-target", "empty-target"],
)
def test_smart_m_fails_without_a_metric_or_a_target(changes):
    assert failing(**changes) == {"M"}


def test_smart_m_passes_with_a_target_of_zero():
    assert failing(metric="open defects", target_value=Decimal("0")) == set()


def test_smart_a_fails_without_a_note_and_without_an_owner():
    assert failing(achievability="  ", has_owner=False) == {"A"}


def test_smart_a_passes_with_an_owner_or_a_note():
    assert failing(achievability="", has_owner=True) == set()
    assert failing(achievability="Two extra developers", has_owner=False) == set()


@pytest.mark.parametrize("relevance", ["", "   \n"])
def test_smart_r_fails_when_relevance_is_empty(relevance):
    assert failing(relevance=relevance) == {"R"}


@pytest.mark.parametrize(
    "due_date",
    [None, D(2025, 12, 31), D(2027, 1, 1)],
    ids=["missing", "before-start", "after-end"],
)
def test_smart_t_fails_without_a_due_date_inside_the_project(due_date):
    assert failing(due_date=due_date) == {"T"}


def test_smart_t_passes_on_the_projects_first_and_last_day():
    assert failing(due_date=D(2026, 1, 1)) == set()
    assert failing(due_date=D(2026, 12, 31)) == set()


def test_smart_checks_of_a_stored_objective_count_its_owner_and_project_dates(world):
    objective = world.one.baseline["objective"]
    assert all(check.passed for check in objective_checks(objective))

    objective.achievability, objective.owner = "", None
    objective.due_date = objective.project.end_date + days(1)
    assert {c.letter for c in objective_checks(objective) if not c.passed} == {"A", "T"}


# --- items ---------------------------------------------------------------------------------


def test_pm_creates_a_milestone_and_the_audit_lists_the_values_set(world):
    side = world.one

    milestone = bs.item_create(
        actor=pm_of(side),
        project=side.project_a,
        kind="milestone",
        name="Go-live",
        baseline_date=D(2026, 11, 1),
        client_visible=True,
    )

    stored = Milestone.objects.get(pk=milestone.pk)
    assert (stored.project, stored.name, stored.baseline_date) == (
        side.project_a,
        "Go-live",
        D(2026, 11, 1),
    )
    [event] = events("created", milestone)
    assert event.actor_user == side.pm
    assert event.organisation == side.organisation
    assert event.changes["name"] == [None, "Go-live"]
    assert event.changes["baseline_date"] == [None, "2026-11-01"]


def test_pm_updates_a_budget_line_and_the_audit_has_old_and_new_amounts(world):
    side = world.one
    line = side.baseline["budget_line"]

    bs.item_update(actor=pm_of(side), item=line, amount=Decimal("42000.50"))

    line.refresh_from_db()
    assert line.amount == Decimal("42000.50")
    [event] = events("updated", line)
    assert event.changes == {"amount": ["50000.00", "42000.50"]}


def test_update_without_a_change_records_nothing(world):
    side = world.one
    milestone = side.baseline["milestone"]

    bs.item_update(actor=pm_of(side), item=milestone, name="Design approved")

    assert events("updated", milestone) == []


def test_pm_deletes_a_quality_standard_and_the_audit_keeps_its_values(world):
    side = world.one
    standard = side.baseline["quality_standard"]
    pk = standard.pk

    bs.item_delete(actor=pm_of(side), item=standard)

    assert not QualityStandard.objects.filter(pk=pk).exists()
    event = AuditEvent.objects.get(
        action="deleted", object_id=str(pk), content_type__model="qualitystandard"
    )
    assert event.changes["title"] == ["Accessibility", None]
    assert event.changes["criteria"] == ["WCAG 2.2 AA on every page", None]


def test_milestone_with_deliverables_cannot_be_deleted(world):
    side = world.one
    milestone = side.baseline["milestone"]

    with pytest.raises(ValidationError):
        bs.item_delete(actor=pm_of(side), item=milestone)

    assert Milestone.objects.filter(pk=milestone.pk).exists()


@pytest.mark.parametrize("baseline_date", [D(2025, 12, 31), D(2027, 1, 1)])
def test_milestone_baseline_date_outside_the_project_is_refused(world, baseline_date):
    side = world.one

    with pytest.raises(ValidationError) as error:
        bs.item_create(
            actor=pm_of(side),
            project=side.project_a,
            kind="milestone",
            name="Outside",
            baseline_date=baseline_date,
        )

    assert "baseline_date" in error.value.message_dict
    assert "2026-01-01" in error.value.message_dict["baseline_date"][0]
    assert not Milestone.objects.filter(name="Outside").exists()


def test_milestone_done_in_the_future_is_refused(world):
    side = world.one
    milestone = side.baseline["milestone"]

    with pytest.raises(ValidationError) as error:
        bs.item_update(
            actor=side.actor(side.member),
            item=milestone,
            done_date=timezone.localdate() + days(1),
        )

    assert "done_date" in error.value.message_dict
    milestone.refresh_from_db()
    assert milestone.done_date is None


def test_milestone_done_today_is_accepted(world):
    side = world.one
    milestone = side.baseline["milestone"]

    bs.item_update(actor=side.actor(side.member), item=milestone, done_date=timezone.localdate())

    milestone.refresh_from_db()
    assert milestone.done_date == timezone.localdate()


def test_negative_budget_amount_is_refused(world):
    side = world.one

    with pytest.raises(ValidationError) as error:
        bs.item_create(
            actor=pm_of(side),
            project=side.project_a,
            kind="budget_line",
            category="travel",
            amount=Decimal("-0.01"),
        )

    assert "amount" in error.value.message_dict
    assert not BudgetLine.objects.filter(category="travel").exists()


@pytest.mark.parametrize("amount", ["abc", "12,50", "1e400", "NaN"])
def test_non_numeric_budget_amount_is_refused_not_a_crash(world, amount):
    side = world.one

    with pytest.raises(ValidationError) as error:
        bs.item_create(
            actor=pm_of(side),
            project=side.project_a,
            kind="budget_line",
            category="travel",
            amount=amount,
        )

    assert "amount" in error.value.message_dict
    assert not BudgetLine.objects.filter(category="travel").exists()


def test_non_numeric_amount_in_an_update_is_refused_and_nothing_changes(world):
    side = world.one
    line = side.baseline["budget_line"]

    with pytest.raises(ValidationError) as error:
        bs.item_update(actor=pm_of(side), item=line, amount="abc")

    assert "amount" in error.value.message_dict
    line.refresh_from_db()
    assert line.amount == Decimal("50000.00")
    assert events("updated", line) == []


def test_non_date_milestone_date_is_refused_not_a_crash(world):
    side = world.one

    with pytest.raises(ValidationError) as error:
        bs.item_create(
            actor=pm_of(side),
            project=side.project_a,
            kind="milestone",
            name="Someday",
            baseline_date="soon",
        )

    assert "baseline_date" in error.value.message_dict
    assert not Milestone.objects.filter(name="Someday").exists()


def test_milestone_date_given_as_text_is_checked_against_the_project(world):
    side = world.one

    with pytest.raises(ValidationError) as error:
        bs.item_create(
            actor=pm_of(side),
            project=side.project_a,
            kind="milestone",
            name="Next year",
            baseline_date="2027-03-01",
        )

    assert "baseline_date" in error.value.message_dict


@pytest.mark.parametrize("which", ["same organisation", "other organisation"])
def test_deliverable_on_another_projects_milestone_is_refused(world, which):
    side = world.one
    other_project = side.project_b if which == "same organisation" else world.two.project_a
    foreign = Milestone.objects.create(
        project=other_project, name="Theirs", baseline_date=D(2026, 5, 1)
    )

    with pytest.raises(ValidationError) as error:
        bs.item_create(
            actor=pm_of(side),
            project=side.project_a,
            kind="deliverable",
            milestone=foreign,
            name="Smuggled",
            acceptance_criteria="None",
        )

    assert "milestone" in error.value.message_dict
    assert not Deliverable.objects.filter(name="Smuggled").exists()


def test_moving_a_deliverable_to_another_projects_milestone_is_refused(world):
    side = world.one
    deliverable = side.baseline["deliverable"]
    foreign = Milestone.objects.create(
        project=side.project_b, name="Design approved", baseline_date=D(2026, 3, 2)
    )

    with pytest.raises(ValidationError):
        bs.item_update(actor=pm_of(side), item=deliverable, milestone=foreign)

    deliverable.refresh_from_db()
    assert deliverable.milestone == side.baseline["milestone"]


def test_objective_owner_from_another_organisation_is_refused(world):
    side = world.one

    with pytest.raises(ValidationError) as error:
        bs.item_create(
            actor=pm_of(side),
            project=side.project_a,
            kind="objective",
            statement="Halve the number of failed deliveries this year",
            owner=world.two.pm,
        )

    assert "owner" in error.value.message_dict
    assert not side.project_a.objectives.filter(owner=world.two.pm).exists()


def test_quality_standard_linked_to_another_projects_deliverable_is_refused(world):
    side = world.one
    foreign = world.two.baseline["deliverable"]

    with pytest.raises(ValidationError) as error:
        bs.item_create(
            actor=pm_of(side),
            project=side.project_a,
            kind="quality_standard",
            title="Speed",
            criteria="Pages load in 2 s",
            deliverables=[foreign.pk],
        )

    assert "deliverables" in error.value.message_dict
    assert not QualityStandard.objects.filter(title="Speed").exists()


def test_quality_standard_links_to_deliverables_are_audited(world):
    side = world.one
    standard = side.baseline["quality_standard"]
    both = [side.baseline["deliverable"].pk, side.baseline["internal_deliverable"].pk]

    bs.item_update(actor=pm_of(side), item=standard, deliverables=both)

    assert set(standard.deliverables.values_list("pk", flat=True)) == set(both)
    [event] = events("updated", standard)
    assert event.changes == {
        "deliverables": ["Clickable prototype", "Clickable prototype, Release candidate build"]
    }


@pytest.mark.parametrize("ids", [["abc"], [None], [10**9]], ids=["text", "none", "unknown"])
def test_quality_standard_with_bad_deliverable_ids_is_refused_not_a_crash(world, ids):
    side = world.one
    standard = side.baseline["quality_standard"]

    with pytest.raises(ValidationError) as error:
        bs.item_update(actor=pm_of(side), item=standard, deliverables=ids)

    assert "deliverables" in error.value.message_dict
    assert list(standard.deliverables.all()) == [side.baseline["deliverable"]]


def test_team_member_cannot_create_or_delete_baseline_items(world):
    side = world.one
    member = side.actor(side.member)

    with pytest.raises(PermissionDenied):
        bs.item_create(
            actor=member,
            project=side.project_a,
            kind="milestone",
            name="Mine",
            baseline_date=D(2026, 4, 1),
        )
    with pytest.raises(PermissionDenied):
        bs.item_delete(actor=member, item=side.baseline["quality_standard"])

    assert not Milestone.objects.filter(name="Mine").exists()
    assert QualityStandard.objects.filter(pk=side.baseline["quality_standard"].pk).exists()


def test_team_member_updates_tracking_fields_but_not_agreed_ones(world):
    side = world.one
    member = side.actor(side.member)
    milestone, objective = side.baseline["milestone"], side.baseline["objective"]

    bs.item_update(actor=member, item=milestone, forecast_date=D(2026, 3, 15))
    bs.item_update(actor=member, item=objective, current_value=Decimal("6.5"))
    with pytest.raises(PermissionDenied):
        bs.item_update(actor=member, item=milestone, name="Renamed by the team")

    milestone.refresh_from_db()
    objective.refresh_from_db()
    assert (milestone.forecast_date, milestone.name) == (D(2026, 3, 15), "Design approved")
    assert objective.current_value == Decimal("6.5")
    [event] = events("updated", objective)
    assert (event.actor_user, event.changes) == (side.member, {"current_value": [None, "6.5"]})


def test_people_off_the_project_cannot_touch_it_even_without_a_change(world):
    side = world.one
    milestone = side.baseline["milestone"]
    before = Milestone.objects.get(pk=milestone.pk).updated_at

    for actor in (side.actor(side.outsider), world.two.actor(world.two.pm)):
        with pytest.raises(PermissionDenied):
            bs.item_update(actor=actor, item=milestone, forecast_date=D(2026, 3, 1))
        with pytest.raises(PermissionDenied):
            bs.item_update(actor=actor, item=milestone, name="Design approved")

    assert Milestone.objects.get(pk=milestone.pk).updated_at == before


def test_budget_line_is_not_handed_to_a_team_member_without_the_grant(world):
    side = world.one
    line = side.baseline["budget_line"]

    with pytest.raises(PermissionDenied):
        bs.item_update(actor=side.actor(side.member), item=line, amount=Decimal("50000.00"))


def test_team_member_without_the_financial_grant_cannot_add_money(world):
    side = world.one
    member = side.actor(side.member)

    with pytest.raises(PermissionDenied):
        bs.item_create(
            actor=member,
            project=side.project_a,
            kind="budget_line",
            category="travel",
            amount=Decimal("100"),
        )
    with pytest.raises(PermissionDenied):
        bs.cost_entry_create(
            actor=member,
            project=side.project_a,
            category="travel",
            date=D(2026, 2, 1),
            amount=Decimal("100"),
        )
    with pytest.raises(PermissionDenied):
        bs.time_entry_create(
            actor=member,
            project=side.project_a,
            person_id=side.member.pk,
            date=D(2026, 2, 1),
            hours=Decimal("1"),
            rate=Decimal("80"),
        )

    assert side.project_a.cost_entries.count() == 1
    assert side.project_a.time_entries.count() == 1


def test_team_member_with_the_financial_grant_records_actuals(world):
    side = world.one
    ProjectMember.objects.filter(project=side.project_a, user=side.member).update(
        can_see_financials=True
    )
    member = side.actor(side.member)

    cost = bs.cost_entry_create(
        actor=member,
        project=side.project_a,
        category="travel",
        date=D(2026, 2, 1),
        amount=Decimal("100.00"),
    )
    time = bs.time_entry_create(
        actor=member,
        project=side.project_a,
        person_id=side.member.pk,
        date=D(2026, 2, 1),
        hours=Decimal("2"),
        rate=Decimal("80.00"),
    )

    assert CostEntry.objects.get(pk=cost.pk).amount == Decimal("100.00")
    assert TimeEntry.objects.get(pk=time.pk).cost == Decimal("160.00")
    assert events("created", cost)[0].actor_user == side.member


def test_the_financial_grant_does_not_make_the_budget_the_teams(world):
    """Budget lines are agreed with the client: the PM's, like every baseline item."""
    side = world.one
    ProjectMember.objects.filter(project=side.project_a, user=side.member).update(
        can_see_financials=True
    )

    with pytest.raises(PermissionDenied):
        bs.item_create(
            actor=side.actor(side.member),
            project=side.project_a,
            kind="budget_line",
            category="travel",
            amount=Decimal("100"),
        )


# --- versions ------------------------------------------------------------------------------


def test_submit_freezes_v1_and_what_the_client_sees(world):
    side = world.one

    version = submitted(side)

    version.refresh_from_db()
    assert (version.number, version.status, version.submitted_by) == (
        1,
        BaselineVersion.Status.SUBMITTED,
        side.pm,
    )
    internal = [m["name"] for m in version.snapshot["milestones"]]
    assert internal == ["Design approved", "Internal code freeze"]
    assert version.snapshot["objectives"][0]["achievability"] == "New triage rota"
    assert version.snapshot["budget_total"] == "50000.00"

    shown = version.client_snapshot
    assert [m["name"] for m in shown["milestones"]] == ["Design approved"]
    assert [d["name"] for m in shown["milestones"] for d in m["deliverables"]] == [
        "Clickable prototype"
    ]
    text = json.dumps(shown, ensure_ascii=False)
    for secret in ("Internal code freeze", "Release candidate build", "New triage rota"):
        assert secret not in text
    assert all("achievability" not in objective for objective in shown["objectives"])
    assert shown["quality_standards"][0]["deliverables"] == [side.baseline["deliverable"].pk]

    canonical = json.dumps(shown, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert version.client_snapshot_sha256 == hashlib.sha256(canonical.encode()).hexdigest()
    assert [e.changes["version"] for e in events("submitted", version)] == [[None, 1]]


def test_submit_emails_each_approver_in_their_language(world):
    side = world.one
    side.contact_a.language = "zh-hans"
    side.contact_a.save(update_fields=["language"])
    factories.portal_contact(side.client_a, is_approver=False)  # reads, does not sign

    submitted(side)

    [email] = OutboundEmail.objects.filter(kind="baseline_submitted")
    assert email.to == side.contact_a.email
    assert email.language == "zh-hans"
    assert "您好" in email.body_text
    assert f"/portal/projects/{side.project_a.pk}/" in email.body_text


def test_submit_refused_while_the_project_is_unpublished(world):
    side = world.one
    project = side.project_a_draft
    Milestone.objects.create(project=project, name="Kick-off", baseline_date=D(2026, 2, 1))

    with pytest.raises(ValidationError) as error:
        bs.baseline_submit(actor=pm_of(side), project=project)

    assert "Publish the project" in error.value.messages[0]
    assert not project.baseline_versions.exists()
    assert not OutboundEmail.objects.exists()


def test_submit_refused_when_no_contact_can_sign(world):
    side = world.one
    side.contact_a.is_approver = False
    side.contact_a.save(update_fields=["is_approver"])

    with pytest.raises(ValidationError) as error:
        submitted(side)

    assert side.client_a.name in error.value.messages[0]
    assert not side.project_a.baseline_versions.exists()


def test_submit_refused_for_an_empty_baseline(world):
    side = world.one

    with pytest.raises(ValidationError):
        bs.baseline_submit(actor=pm_of(side), project=side.project_b)

    assert not side.project_b.baseline_versions.exists()


def test_submit_refused_while_a_version_is_pending(world):
    side = world.one
    submitted(side)

    with pytest.raises(ValidationError) as error:
        submitted(side)

    assert error.value.code == "pending"
    assert side.project_a.baseline_versions.count() == 1


def test_submit_refused_when_nothing_changed_since_the_signed_version(world):
    side = world.one
    signed(side)
    bs.project_rebaseline(actor=pm_of(side), project=side.project_a, reason="Scope review")

    with pytest.raises(ValidationError) as error:
        submitted(side)

    assert error.value.code == "unchanged"
    assert side.project_a.baseline_versions.count() == 1
    side.project_a.refresh_from_db()
    assert side.project_a.rebaseline_reason == "Scope review"


def test_team_member_cannot_submit(world):
    side = world.one

    with pytest.raises(PermissionDenied):
        bs.baseline_submit(actor=side.actor(side.member), project=side.project_a)


@pytest.mark.parametrize("state", ["submitted", "signed"])
def test_agreed_edits_refused_while_locked_and_nothing_changes(world, state):
    side = world.one
    submitted(side) if state == "submitted" else signed(side)
    pm = pm_of(side)
    milestone, line = side.baseline["milestone"], side.baseline["budget_line"]
    deliverable = side.baseline["deliverable"]

    attempts = [
        lambda: bs.item_update(actor=pm, item=milestone, baseline_date=D(2026, 4, 1)),
        lambda: bs.item_update(actor=pm, item=line, amount=Decimal("1")),
        lambda: bs.item_update(actor=pm, item=deliverable, acceptance_criteria="Anything"),
        lambda: bs.item_create(
            actor=pm, project=side.project_a, kind="budget_line", category="travel", amount=1
        ),
        lambda: bs.item_delete(actor=pm, item=side.baseline["quality_standard"]),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as error:
            attempt()
        assert error.value.code == "baseline_locked"
        assert "re-baseline with a reason" in error.value.messages[0]

    milestone.refresh_from_db()
    line.refresh_from_db()
    deliverable.refresh_from_db()
    assert milestone.baseline_date == D(2026, 3, 2)
    assert line.amount == Decimal("50000.00")
    assert deliverable.acceptance_criteria == "Covers the five key journeys"
    assert side.project_a.budget_lines.count() == 1
    assert QualityStandard.objects.filter(pk=side.baseline["quality_standard"].pk).exists()
    assert not AuditEvent.objects.filter(action__in=["updated", "deleted"]).exists()


def test_tracking_edits_still_allowed_once_signed(world):
    side = world.one
    signed(side)
    member = side.actor(side.member)

    bs.item_update(actor=member, item=side.baseline["milestone"], forecast_date=D(2026, 3, 20))
    bs.item_update(actor=member, item=side.baseline["objective"], current_value=Decimal("5"))

    assert Milestone.objects.get(pk=side.baseline["milestone"].pk).forecast_date == D(2026, 3, 20)
    assert Objective.objects.get(pk=side.baseline["objective"].pk).current_value == Decimal("5")


def test_tracking_edit_with_the_agreed_values_restated_is_allowed_once_signed(world):
    """A form or API body sends the whole item: 4 and 4.0000 are the same target."""
    side = world.one
    signed(side)
    objective, milestone = side.baseline["objective"], side.baseline["milestone"]

    bs.item_update(
        actor=side.actor(side.member),
        item=objective,
        target_value=Decimal("4"),
        due_date=objective.due_date.isoformat(),
        current_value=Decimal("5"),
    )
    bs.item_update(
        actor=side.actor(side.member),
        item=milestone,
        weight=Decimal("1"),
        baseline_date=milestone.baseline_date,
        forecast_date=D(2026, 3, 9),
    )

    objective.refresh_from_db()
    assert (objective.current_value, objective.target_value) == (Decimal("5"), Decimal("4"))
    [event] = events("updated", objective)
    assert event.changes == {"current_value": [None, "5"]}
    assert events("updated", milestone)[0].changes == {"forecast_date": [None, "2026-03-09"]}


def test_moving_a_deliverable_to_a_same_named_milestone_is_refused_once_signed(world):
    side = world.one
    twin = Milestone.objects.create(
        project=side.project_a, name="Design approved", baseline_date=D(2026, 4, 1)
    )
    signed(side)
    deliverable = side.baseline["deliverable"]

    with pytest.raises(ValidationError) as error:
        bs.item_update(actor=pm_of(side), item=deliverable, milestone=twin)

    assert error.value.code == "baseline_locked"
    deliverable.refresh_from_db()
    assert deliverable.milestone == side.baseline["milestone"]


def test_lock_is_judged_on_the_stored_project_not_the_callers_copy(world):
    side = world.one
    pm = pm_of(side)
    signed(side)
    bs.project_rebaseline(actor=pm, project=side.project_a, reason="New journey")
    during = Project.objects.get(pk=side.project_a.pk)  # still says "re-baseline open"
    bs.item_update(actor=pm, item=side.baseline["budget_line"], amount=Decimal("52000"))
    bs.baseline_sign(actor=approver_of(side), version=submitted(side))

    with pytest.raises(ValidationError) as error:
        bs.item_create(
            actor=pm, project=during, kind="budget_line", category="travel", amount=Decimal("9")
        )
    with pytest.raises(ValidationError):
        bs.item_delete(
            actor=pm,
            item=Objective.objects.select_related("project").get(pk=side.baseline["objective"].pk),
        )

    assert error.value.code == "baseline_locked"
    assert not side.project_a.budget_lines.filter(category="travel").exists()


def test_items_added_after_a_rebaseline_through_an_earlier_copy_of_the_project(world):
    side = world.one
    pm = pm_of(side)
    signed(side)
    before = Project.objects.get(pk=side.project_a.pk)  # loaded before the re-baseline

    bs.project_rebaseline(actor=pm, project=side.project_a, reason="New journey")
    milestone = bs.item_create(
        actor=pm, project=before, kind="milestone", name="Returns", baseline_date=D(2026, 9, 1)
    )

    assert Milestone.objects.filter(pk=milestone.pk, project=side.project_a).exists()


def test_project_dates_refused_while_locked_other_fields_allowed(world):
    side = world.one
    submitted(side)

    with pytest.raises(ValidationError) as error:
        services.project_update(actor=pm_of(side), project=side.project_a, end_date=D(2027, 3, 1))
    services.project_update(actor=pm_of(side), project=side.project_a, name="Renamed")

    assert "end_date" in error.value.message_dict
    side.project_a.refresh_from_db()
    assert (side.project_a.end_date, side.project_a.name) == (D(2026, 12, 31), "Renamed")


def test_approver_signs_and_who_when_and_where_are_recorded(world):
    side = world.one
    version = submitted(side)
    before = timezone.now()

    bs.baseline_sign(actor=approver_of(side), version=version, comment="  Agreed.  ")

    version.refresh_from_db()
    assert version.status == BaselineVersion.Status.SIGNED
    assert version.decided_by == side.contact_a
    assert before <= version.decided_at <= timezone.now()
    assert (version.decision_ip, version.decision_comment) == ("203.0.113.7", "Agreed.")
    [event] = events("signed", version)
    assert event.actor_contact == side.contact_a
    assert event.ip == "203.0.113.7"
    assert event.changes["fingerprint"] == [None, version.client_snapshot_sha256]
    assert baseline.is_locked(side.project_a)
    [email] = OutboundEmail.objects.filter(kind="baseline_decided")
    assert email.to == side.pm.email


def test_signing_a_new_version_supersedes_the_earlier_one(world):
    side = world.one
    v1 = signed(side)
    bs.project_rebaseline(actor=pm_of(side), project=side.project_a, reason="Extra journey")
    bs.item_update(actor=pm_of(side), item=side.baseline["budget_line"], amount=Decimal("55000"))
    v2 = submitted(side)

    bs.baseline_sign(actor=approver_of(side), version=v2)

    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (v1.status, v2.status) == (
        BaselineVersion.Status.SUPERSEDED,
        BaselineVersion.Status.SIGNED,
    )
    assert baseline.signed_version(side.project_a) == v2


def test_superseding_a_signed_version_writes_one_event_per_version(world):
    side = world.one
    v1 = signed(side)
    bs.project_rebaseline(actor=pm_of(side), project=side.project_a, reason="Extra journey")
    bs.item_update(actor=pm_of(side), item=side.baseline["budget_line"], amount=Decimal("55000"))
    v2 = submitted(side)
    before = AuditEvent.objects.count()

    bs.baseline_sign(actor=approver_of(side), version=v2)

    events = AuditEvent.objects.order_by("pk")[before:]
    assert [(e.action, e.object_id) for e in events] == [
        ("superseded", str(v1.pk)),
        ("signed", str(v2.pk)),
    ]
    assert events[0].changes["status"] == ["signed", "superseded"]
    assert events[0].actor_contact_id == side.contact_a.pk


def test_signing_twice_is_refused_with_a_clear_message_and_nothing_changes(world):
    side = world.one
    version = submitted(side)
    bs.baseline_sign(actor=approver_of(side), version=version)
    first = BaselineVersion.objects.get(pk=version.pk)

    with pytest.raises(ValidationError) as error:
        bs.baseline_sign(actor=approver_of(side, ip="198.51.100.9"), version=version)

    assert error.value.code == "not_pending"
    assert "no longer awaiting sign-off" in error.value.messages[0]
    assert "Nothing was changed" in error.value.messages[0]
    again = BaselineVersion.objects.get(pk=version.pk)
    assert (again.status, again.decided_at, again.decision_ip) == (
        BaselineVersion.Status.SIGNED,
        first.decided_at,
        "203.0.113.7",
    )
    assert len(events("signed", version)) == 1
    assert OutboundEmail.objects.filter(kind="baseline_decided").count() == 1


def test_signing_a_withdrawn_version_is_refused(world):
    side = world.one
    version = submitted(side)
    bs.baseline_withdraw(actor=pm_of(side), version=version)

    with pytest.raises(ValidationError) as error:
        bs.baseline_sign(actor=approver_of(side), version=version)

    assert "Withdrawn" in error.value.messages[0]
    version.refresh_from_db()
    assert (version.status, version.decided_by) == (BaselineVersion.Status.WITHDRAWN, None)
    assert not baseline.is_locked(side.project_a)


@pytest.mark.parametrize(
    "who", ["non-approver", "other client's approver", "other organisation", "the pm"]
)
def test_only_the_clients_approver_may_sign(world, who):
    side = world.one
    version = submitted(side)
    if who == "non-approver":
        actor = side.contact_actor(factories.portal_contact(side.client_a, is_approver=False))
    elif who == "other client's approver":
        actor = side.contact_actor(side.contact_b)
    elif who == "other organisation":
        actor = world.two.contact_actor(world.two.contact_a)
    else:
        actor = pm_of(side)

    with pytest.raises(PermissionDenied):
        bs.baseline_sign(actor=actor, version=version)

    version.refresh_from_db()
    assert (version.status, version.decided_by) == (BaselineVersion.Status.SUBMITTED, None)


def test_sending_back_requires_a_comment_and_unlocks_the_baseline(world):
    side = world.one
    version = submitted(side)

    with pytest.raises(ValidationError) as error:
        bs.baseline_return(actor=approver_of(side), version=version, comment="   ")
    assert "comment" in error.value.message_dict
    assert BaselineVersion.objects.get(pk=version.pk).status == BaselineVersion.Status.SUBMITTED

    bs.baseline_return(actor=approver_of(side), version=version, comment="Budget too high")

    version.refresh_from_db()
    assert (version.status, version.decision_comment, version.decided_by) == (
        BaselineVersion.Status.RETURNED,
        "Budget too high",
        side.contact_a,
    )
    assert not baseline.is_locked(side.project_a)
    bs.item_update(actor=pm_of(side), item=side.baseline["budget_line"], amount=Decimal("45000"))
    assert submitted(side).number == 2


def test_rebaseline_requires_a_signed_version_and_a_reason(world):
    side = world.one
    pm = pm_of(side)

    with pytest.raises(ValidationError):
        bs.project_rebaseline(actor=pm, project=side.project_a, reason="Too early")
    version = submitted(side)
    with pytest.raises(ValidationError):
        bs.project_rebaseline(actor=pm, project=side.project_a, reason="Still pending")
    bs.baseline_sign(actor=approver_of(side), version=version)
    with pytest.raises(ValidationError) as error:
        bs.project_rebaseline(actor=pm, project=side.project_a, reason="  ")
    assert "reason" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        bs.project_rebaseline(
            actor=side.actor(side.member), project=side.project_a, reason="Not mine"
        )
    assert baseline.is_locked(side.project_a)

    bs.project_rebaseline(actor=pm, project=side.project_a, reason="Launch moved by the client")

    side.project_a.refresh_from_db()
    assert side.project_a.rebaseline_reason == "Launch moved by the client"
    assert not baseline.is_locked(side.project_a)
    [event] = events("rebaselined", side.project_a)
    assert event.changes == {"rebaseline_reason": [None, "Launch moved by the client"]}
    with pytest.raises(ValidationError):
        bs.project_rebaseline(actor=pm, project=side.project_a, reason="Twice")


def test_rebaselined_version_carries_the_reason_and_compares_with_the_signed_one(world):
    side = world.one
    pm = pm_of(side)
    v1 = signed(side)
    bs.project_rebaseline(actor=pm, project=side.project_a, reason="Launch moved by the client")
    bs.item_update(actor=pm, item=side.baseline["milestone"], baseline_date=D(2026, 4, 15))
    bs.item_update(actor=pm, item=side.baseline["budget_line"], amount=Decimal("56000.00"))

    v2 = submitted(side)

    assert (v2.number, v2.reason) == (2, "Launch moved by the client")
    side.project_a.refresh_from_db()
    assert side.project_a.rebaseline_reason == ""
    assert baseline.is_locked(side.project_a)
    [email] = OutboundEmail.objects.filter(kind="baseline_submitted").order_by("-id")[:1]
    assert "Launch moved by the client" in email.body_text

    comparison = baseline.compare(v1.snapshot, v2.snapshot)

    assert comparison["changed"] is True
    [design] = [r for r in comparison["sections"]["milestones"] if r.label == "Design approved"]
    assert design.status == "changed"
    assert design.changes == {"date": ("2026-03-02", "2026-04-15")}
    [line] = comparison["sections"]["budget"]
    assert line.changes == {"amount": ("50000.00", "56000.00")}
    assert comparison["budget_total"] == ("50000.00", "56000.00")
    assert comparison["schedule"] == {}
    assert {r.status for r in comparison["sections"]["objectives"]} == {"same"}


# --- deliverables --------------------------------------------------------------------------


def test_deliverable_submitted_then_accepted_by_the_approver(world):
    side = world.one
    deliverable = side.baseline["deliverable"]

    bs.deliverable_submit(actor=pm_of(side), deliverable=deliverable)
    deliverable.refresh_from_db()
    assert deliverable.status == Deliverable.Status.SUBMITTED
    assert deliverable.submitted_at is not None
    [email] = OutboundEmail.objects.filter(kind="deliverable_submitted")
    assert email.to == side.contact_a.email

    decision = bs.deliverable_decide(actor=approver_of(side), deliverable=deliverable, accept=True)

    deliverable.refresh_from_db()
    assert deliverable.status == Deliverable.Status.ACCEPTED
    assert (decision.decision, decision.contact, decision.ip, decision.criteria_shown) == (
        DeliverableDecision.Decision.ACCEPTED,
        side.contact_a,
        "203.0.113.7",
        "Covers the five key journeys",
    )
    assert events("accepted", deliverable)[0].actor_contact == side.contact_a


def test_deliverable_submit_only_when_open(world):
    side = world.one
    deliverable = side.baseline["deliverable"]
    bs.deliverable_submit(actor=pm_of(side), deliverable=deliverable)

    with pytest.raises(ValidationError) as error:
        bs.deliverable_submit(actor=pm_of(side), deliverable=deliverable)

    assert error.value.code == "not_open"
    assert OutboundEmail.objects.filter(kind="deliverable_submitted").count() == 1


def test_internal_milestones_deliverable_cannot_go_to_the_client(world):
    side = world.one
    deliverable = side.baseline["internal_deliverable"]

    with pytest.raises(ValidationError):
        bs.deliverable_submit(actor=pm_of(side), deliverable=deliverable)

    deliverable.refresh_from_db()
    assert deliverable.status == Deliverable.Status.OPEN
    assert not OutboundEmail.objects.exists()


def test_deliverable_of_an_unpublished_project_cannot_be_submitted(world):
    side = world.one
    milestone = Milestone.objects.create(
        project=side.project_a_draft, name="Kick-off", baseline_date=D(2026, 2, 1)
    )
    deliverable = Deliverable.objects.create(
        project=side.project_a_draft,
        milestone=milestone,
        name="Plan",
        acceptance_criteria="Signed plan",
    )

    with pytest.raises(ValidationError):
        bs.deliverable_submit(actor=pm_of(side), deliverable=deliverable)

    deliverable.refresh_from_db()
    assert deliverable.status == Deliverable.Status.OPEN


def test_team_member_cannot_submit_a_deliverable(world):
    side = world.one

    with pytest.raises(PermissionDenied):
        bs.deliverable_submit(
            actor=side.actor(side.member), deliverable=side.baseline["deliverable"]
        )


def test_rejection_requires_a_reason_and_reopens_the_deliverable(world):
    side = world.one
    deliverable = side.baseline["deliverable"]
    bs.deliverable_submit(actor=pm_of(side), deliverable=deliverable)

    with pytest.raises(ValidationError) as error:
        bs.deliverable_decide(actor=approver_of(side), deliverable=deliverable, accept=False)
    assert "reason" in error.value.message_dict
    assert Deliverable.objects.get(pk=deliverable.pk).status == Deliverable.Status.SUBMITTED

    decision = bs.deliverable_decide(
        actor=approver_of(side),
        deliverable=deliverable,
        accept=False,
        reason="Journey 4 (returns) is missing",
    )

    deliverable.refresh_from_db()
    assert deliverable.status == Deliverable.Status.OPEN
    assert (decision.decision, decision.reason) == (
        DeliverableDecision.Decision.REJECTED,
        "Journey 4 (returns) is missing",
    )
    [event] = events("rejected", deliverable)
    assert event.changes["status"] == [Deliverable.Status.SUBMITTED, Deliverable.Status.OPEN]
    bs.deliverable_submit(actor=pm_of(side), deliverable=deliverable)  # it can go again


def test_deciding_twice_is_refused_and_nothing_changes(world):
    side = world.one
    deliverable = side.baseline["deliverable"]
    bs.deliverable_submit(actor=pm_of(side), deliverable=deliverable)
    bs.deliverable_decide(actor=approver_of(side), deliverable=deliverable, accept=True)

    for accept, reason in ((True, ""), (False, "Changed my mind")):
        with pytest.raises(ValidationError) as error:
            bs.deliverable_decide(
                actor=approver_of(side), deliverable=deliverable, accept=accept, reason=reason
            )
        assert error.value.code == "not_pending"

    assert Deliverable.objects.get(pk=deliverable.pk).status == Deliverable.Status.ACCEPTED
    assert deliverable.decisions.count() == 1


def test_decision_keeps_the_criteria_shown_when_they_change_later(world):
    side = world.one
    deliverable = side.baseline["deliverable"]
    bs.deliverable_submit(actor=pm_of(side), deliverable=deliverable)
    decision = bs.deliverable_decide(actor=approver_of(side), deliverable=deliverable, accept=True)

    bs.item_update(
        actor=pm_of(side), item=deliverable, acceptance_criteria="Covers the seven key journeys"
    )

    decision.refresh_from_db()
    assert decision.criteria_shown == "Covers the five key journeys"
    assert Deliverable.objects.get(pk=deliverable.pk).acceptance_criteria == (
        "Covers the seven key journeys"
    )


@pytest.mark.parametrize("who", ["non-approver", "other client's approver", "the pm"])
def test_only_the_clients_approver_decides_on_a_deliverable(world, who):
    side = world.one
    deliverable = side.baseline["deliverable"]
    bs.deliverable_submit(actor=pm_of(side), deliverable=deliverable)
    if who == "non-approver":
        actor = side.contact_actor(factories.portal_contact(side.client_a, is_approver=False))
    elif who == "other client's approver":
        actor = side.contact_actor(side.contact_b)
    else:
        actor = pm_of(side)

    with pytest.raises(PermissionDenied):
        bs.deliverable_decide(actor=actor, deliverable=deliverable, accept=True)

    assert Deliverable.objects.get(pk=deliverable.pk).status == Deliverable.Status.SUBMITTED
    assert not deliverable.decisions.exists()


# --- actuals and progress ------------------------------------------------------------------


def test_costs_and_time_roll_up_by_category_in_exact_decimals(world):
    side = world.one
    pm, project = pm_of(side), side.project_b
    bs.item_create(actor=pm, project=project, kind="budget_line", category="labour", amount="10000")
    bs.item_create(
        actor=pm, project=project, kind="budget_line", category="licences", amount="2000.00"
    )
    for category, amount in (("licences", "1200.10"), ("licences", "300.20"), ("travel", "99.99")):
        bs.cost_entry_create(
            actor=pm, project=project, category=category, date=D(2026, 2, 1), amount=amount
        )
    time = bs.time_entry_create(
        actor=pm,
        project=project,
        person_id=side.member.pk,
        date=D(2026, 2, 2),
        hours=Decimal("7.5"),
        rate=Decimal("95.00"),
    )

    result = progress.compute(project, as_of=D(2026, 3, 1))

    assert time.cost == Decimal("712.50")
    rows = {row.category: (row.budget, row.actual) for row in result.budget_rows}
    assert rows == {
        "labour": (Decimal("10000.00"), Decimal("712.50")),
        "licences": (Decimal("2000.00"), Decimal("1500.30")),
        "travel": (Decimal("0"), Decimal("99.99")),
    }
    assert result.ac == Decimal("2312.79")
    assert str(result.ac) == "2312.79"
    assert [str(row.actual) for row in result.budget_rows] == ["712.50", "1500.30", "99.99"]
    assert str(result.bac) == "12000.00"
    for row in result.budget_rows:
        assert isinstance(row.budget, Decimal) and isinstance(row.actual, Decimal)
    assert [row.burn_percent for row in result.budget_rows] == [7, 75, None]


def test_cost_in_another_currency_is_refused(world):
    side = world.one
    pm, project = pm_of(side), side.project_a  # kept in EUR

    with pytest.raises(ValidationError) as error:
        bs.cost_entry_create(
            actor=pm,
            project=project,
            category="travel",
            date=D(2026, 2, 1),
            amount=Decimal("10"),
            currency="USD",
        )
    assert "EUR" in error.value.message_dict["currency"][0]
    with pytest.raises(ValidationError):
        bs.time_entry_create(
            actor=pm,
            project=project,
            person_id=side.pm.pk,
            date=D(2026, 2, 1),
            hours=Decimal("1"),
            rate=Decimal("10"),
            currency="CNY",
        )
    bs.cost_entry_create(
        actor=pm,
        project=project,
        category="travel",
        date=D(2026, 2, 1),
        amount=Decimal("10"),
        currency="eur",
    )

    assert project.cost_entries.filter(category="travel").count() == 1
    assert project.time_entries.count() == 1


@pytest.mark.parametrize(
    "values",
    [
        {"amount": "abc"},
        {"amount": Decimal("-5")},
        {"amount": Decimal("1.001")},
        {"date": "yesterday"},
        {"category": "bribes"},
    ],
    ids=["non-numeric", "negative", "sub-cent", "bad-date", "bad-category"],
)
def test_bad_cost_entry_is_refused(world, values):
    side = world.one
    good = {"category": "travel", "date": D(2026, 2, 1), "amount": Decimal("10")}

    with pytest.raises(ValidationError):
        bs.cost_entry_create(actor=pm_of(side), project=side.project_a, **{**good, **values})

    assert side.project_a.cost_entries.count() == 1


@pytest.mark.parametrize(
    "values",
    [{"hours": "abc"}, {"hours": Decimal("0")}, {"hours": Decimal("25")}, {"rate": "-1"}],
    ids=["non-numeric", "zero", "over-a-day", "negative-rate"],
)
def test_bad_time_entry_is_refused(world, values):
    side = world.one
    good = {"date": D(2026, 2, 1), "hours": Decimal("1"), "rate": Decimal("10")}

    with pytest.raises(ValidationError):
        bs.time_entry_create(
            actor=pm_of(side),
            project=side.project_a,
            person_id=side.pm.pk,
            **{**good, **values},
        )

    assert side.project_a.time_entries.count() == 1


def test_time_of_someone_from_another_organisation_is_refused(world):
    side = world.one

    with pytest.raises(ValidationError) as error:
        bs.time_entry_create(
            actor=pm_of(side),
            project=side.project_a,
            person_id=world.two.pm.pk,
            date=D(2026, 2, 1),
            hours=Decimal("1"),
            rate=Decimal("10"),
        )

    assert "person" in error.value.message_dict


def test_actual_deleted_with_an_audit_event(world):
    side = world.one
    entry = side.baseline["cost_entry"]
    pk = entry.pk

    with pytest.raises(PermissionDenied):
        bs.actual_delete(actor=side.actor(side.member), entry=entry)
    bs.actual_delete(actor=pm_of(side), entry=entry)

    assert not CostEntry.objects.filter(pk=pk).exists()
    assert AuditEvent.objects.filter(
        action="deleted", object_id=str(pk), content_type__model="costentry"
    ).exists()


def hand_built_project(side: Any) -> Any:
    """Jan–Jun 2026, budget 10 000.00 over four milestones weighted 1, 1, 2, 1."""
    project = factories.ProjectFactory(
        client=side.client_a, pm=side.pm, start_date=D(2026, 1, 1), end_date=D(2026, 6, 30)
    )
    BudgetLine.objects.create(project=project, category="labour", amount=Decimal("8000.00"))
    BudgetLine.objects.create(project=project, category="licences", amount=Decimal("2000.00"))
    milestones = [
        # name, baseline, forecast, done, weight
        ("Kick-off", D(2026, 1, 31), None, D(2026, 1, 31), "1"),
        ("Design", D(2026, 2, 28), None, D(2026, 3, 10), "1"),
        ("Build", D(2026, 4, 30), D(2026, 5, 20), None, "2"),
        ("Launch", D(2026, 6, 30), D(2026, 7, 15), None, "1"),
    ]
    for name, baseline_date, forecast, done, weight in milestones:
        Milestone.objects.create(
            project=project,
            name=name,
            baseline_date=baseline_date,
            forecast_date=forecast,
            done_date=done,
            weight=Decimal(weight),
        )
    CostEntry.objects.create(
        project=project, category="licences", date=D(2026, 1, 15), amount=Decimal("2000.00")
    )
    CostEntry.objects.create(  # after the as-of date: burns the budget, not yet in AC
        project=project, category="travel", date=D(2026, 5, 15), amount=Decimal("500.00")
    )
    for day, hours in ((D(2026, 2, 10), "40"), (D(2026, 4, 20), "10")):
        TimeEntry.objects.create(
            project=project, person=side.pm, date=day, hours=Decimal(hours), rate=Decimal("80.00")
        )
    return project


def test_progress_and_earned_value_computed_on_the_documented_basis(world):
    project = hand_built_project(world.one)

    result = progress.compute(project, as_of=D(2026, 5, 1))

    # Milestones: two of four done; slips are expected minus baseline date.
    assert (result.milestones_done, result.milestones_total) == (2, 4)
    assert result.completion_percent == 50
    assert [row.slip_days for row in result.milestones] == [0, 10, 20, 15]
    assert [row.late for row in result.milestones] == [False, True, True, True]
    assert (result.baseline_end, result.forecast_end) == (D(2026, 6, 30), D(2026, 7, 15))
    assert result.end_slip_days == 15
    # BAC 10 000; weights total 5. PV: Kick-off, Design, Build due (4/5) = 8 000.
    # EV: Kick-off and Design done (2/5) = 4 000. AC up to 1 May: 2 000 + 40 h and 10 h
    # at 80.00 = 6 000 (the 500 travel on 15 May comes later).
    assert result.bac == Decimal("10000.00")
    assert result.pv == Decimal("8000.00")
    assert result.ev == Decimal("4000.00")
    assert result.ac == Decimal("6000.00")
    assert result.spi == Decimal("0.50")  # 4 000 / 8 000
    assert result.cpi == Decimal("0.67")  # 4 000 / 6 000
    assert result.eac == Decimal("15000.00")  # 10 000 / (4 000 / 6 000)
    assert result.burn_percent == 60
    actual = {row.category: row.actual for row in result.budget_rows}
    assert actual == {
        "labour": Decimal("4000.00"),
        "licences": Decimal("2000.00"),
        "travel": Decimal("500.00"),
    }
    money = [result.bac, result.pv, result.ev, result.ac, result.eac, result.spi, result.cpi]
    money += [value for _, value in result.cost_by_date]
    assert all(isinstance(value, Decimal) for value in money)
    assert str(result.eac) == "15000.00"


def test_progress_before_anything_is_due_spent_or_earned(world):
    project = hand_built_project(world.one)

    result = progress.compute(project, as_of=D(2026, 1, 10))

    assert (result.pv, result.ev, result.ac) == (Decimal("0.00"), Decimal("0.00"), Decimal("0"))
    assert (result.spi, result.cpi) == (None, None)
    assert result.eac == Decimal("10000.00")


def test_a_milestone_done_after_the_planned_end_moves_the_project_end(world):
    project = hand_built_project(world.one)
    project.milestones.filter(name="Build").update(done_date=D(2026, 5, 20))
    project.milestones.filter(name="Launch").update(done_date=D(2026, 7, 10))

    result = progress.compute(project, as_of=D(2026, 8, 1))

    assert result.forecast_end == D(2026, 7, 10)
    assert result.end_slip_days == 10
    assert result.completion_percent == 100
    assert result.ev == result.pv == result.bac


def test_project_currency_cannot_change_once_money_exists(world):
    side = world.one
    pm = pm_of(side)
    bs.item_create(
        actor=pm, project=side.project_b, kind="budget_line", category="travel", amount=1
    )

    with pytest.raises(ValidationError) as error:
        services.project_update(actor=pm, project=side.project_b, currency="usd")

    assert "currency" in error.value.message_dict
    side.project_b.refresh_from_db()
    assert side.project_b.currency == "EUR"


def test_project_currency_cannot_change_once_time_is_costed(world):
    side = world.one
    pm = pm_of(side)
    bs.time_entry_create(
        actor=pm,
        project=side.project_b,
        person_id=side.pm.pk,
        date=D(2026, 2, 1),
        hours=Decimal("1"),
        rate=Decimal("95.00"),
    )

    with pytest.raises(ValidationError) as error:
        services.project_update(actor=pm, project=side.project_b, currency="CNY")

    assert "currency" in error.value.message_dict


def test_project_currency_changes_freely_before_any_money(world):
    side = world.one

    services.project_update(actor=pm_of(side), project=side.project_b, currency="cny")

    side.project_b.refresh_from_db()
    assert side.project_b.currency == "CNY"
