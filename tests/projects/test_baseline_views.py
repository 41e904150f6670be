"""The baseline's pages, in the app and in the portal: what each person sees, which errors
they get and where, and that nothing is saved when something is refused. The rules themselves
are the services' (tests/projects/test_baseline_services.py)."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from rapport.audit.models import AuditEvent
from rapport.projects import baseline_services as services
from rapport.projects.models import (
    BaselineVersion,
    BudgetLine,
    CostEntry,
    Deliverable,
    Milestone,
    Objective,
    ProjectMember,
)
from tests import factories

pytestmark = pytest.mark.django_db


def _url(name: str, *args: object) -> str:
    return reverse(name, args=args)


def _submit(side) -> BaselineVersion:
    return services.baseline_submit(actor=side.actor(side.pm), project=side.project_a)


def _sign(side, version: BaselineVersion) -> BaselineVersion:
    return services.baseline_sign(actor=side.contact_actor(side.contact_a), version=version)


def _field_errors(html: str, field: str) -> str:
    """The error block rendered right after the named field's input."""
    match = re.search(
        rf'id="id_{field}".*?<div class="errors" role="alert">(.*?)</div>', html, re.DOTALL
    )
    assert match, f"no error next to {field}"
    return match.group(1)


def _milestone_form(milestone: Milestone, **changes: str) -> dict[str, str]:
    data = {
        "name": milestone.name,
        "baseline_date": milestone.baseline_date.isoformat(),
        "client_visible": "on" if milestone.client_visible else "",
        "weight": str(milestone.weight),
        "forecast_date": "",
        "done_date": "",
    }
    return {**data, **changes}


# --- item forms: errors next to the field, nothing saved -------------------------------------


def test_milestone_outside_the_project_gets_the_error_next_to_the_date(world, login_as):
    side = world.one
    http = login_as(side.pm)
    response = http.post(
        _url("projects:item_create", side.project_a.pk, "milestone"),
        {"name": "Go-live", "baseline_date": "2027-03-01", "weight": "1", "client_visible": "on"},
    )
    assert response.status_code == 200
    assert "must fall within the project" in _field_errors(
        response.content.decode(), "baseline_date"
    )
    assert not Milestone.objects.filter(name="Go-live").exists()


@pytest.mark.parametrize(
    ("language", "amount", "message"),
    [
        ("en", "-5", "Ensure this value is greater than or equal to 0."),
        ("en", "lots", "Enter a number."),
        ("zh-hans", "-5", "确保该值大于或等于0。"),
        ("zh-hans", "lots", "输入一个数字。"),
    ],
)
def test_bad_budget_amount_gets_the_error_in_the_readers_language(
    world, login_as, language, amount, message
):
    side = world.one
    side.pm.language = language
    side.pm.save(update_fields=["language"])
    response = login_as(side.pm).post(
        _url("projects:item_create", side.project_a.pk, "budget_line"),
        {"category": "travel", "description": "Flights", "amount": amount},
    )
    assert response.status_code == 200
    assert message in _field_errors(response.content.decode(), "amount")
    assert not BudgetLine.objects.filter(description="Flights").exists()


def test_a_deliverable_can_only_go_under_a_milestone_of_its_project(world, login_as):
    side = world.one
    foreign = world.one.baseline["milestone"]
    other = factories.ProjectFactory(client=side.client_a, pm=side.pm, code="OTHER")
    response = login_as(side.pm).post(
        _url("projects:item_create", other.pk, "deliverable"),
        {"milestone": foreign.pk, "name": "Smuggled", "acceptance_criteria": "None"},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in _field_errors(response.content.decode(), "milestone")
    assert not Deliverable.objects.filter(name="Smuggled").exists()


def test_quality_standard_offers_only_this_projects_deliverables(world, login_as):
    side = world.one
    response = login_as(side.pm).get(
        _url("projects:item_create", side.project_a.pk, "quality_standard")
    )
    html = response.content.decode()
    assert "Clickable prototype" in html
    assert world.two.baseline["deliverable"].name in html  # same factory names in both worlds
    assert f'value="{world.two.baseline["deliverable"].pk}"' not in html


# --- SMART letters ---------------------------------------------------------------------------


def _letters(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-testid="smart-([SMART])" data-passed="(true|false)"', html))


def test_smart_check_answers_with_the_five_letters_as_typed(world, login_as):
    side = world.one
    response = login_as(side.pm).post(
        _url("projects:smart_check", side.project_a.pk),
        {
            "statement": "Cut the time to answer a support ticket by half",
            "metric": "",
            "target_value": "4",
            "relevance": "Customers wait too long",
            "achievability": "A triage rota",
            "due_date": "2026-06-30",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html  # a partial
    assert _letters(html) == {"S": "true", "M": "false", "A": "true", "R": "true", "T": "true"}
    assert "A metric and a target value." in html


def test_objective_form_shows_the_letters_after_a_refused_submit_without_javascript(
    world, login_as
):
    side = world.one
    response = login_as(side.pm).post(
        _url("projects:item_create", side.project_a.pk, "objective"),
        {"statement": "improve things", "target_value": "not a number", "due_date": "2030-01-01"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a number." in _field_errors(html, "target_value")
    assert _letters(html) == {"S": "false", "M": "false", "A": "false", "R": "false", "T": "false"}
    assert not Objective.objects.filter(statement="improve things").exists()


def test_baseline_page_shows_each_objectives_letters_and_why_one_fails(world, login_as):
    side = world.one
    objective = side.baseline["objective"]
    Objective.objects.filter(pk=objective.pk).update(metric="")
    html = login_as(side.pm).get(_url("projects:baseline", side.project_a.pk)).content.decode()
    letters = _letters(html)
    assert letters["M"] == "false" and letters["S"] == "true"
    assert "Measurable</strong>: A metric and a target value." in html


# --- a locked baseline -----------------------------------------------------------------------


def test_locked_baseline_refuses_agreed_edits_but_takes_forecast_dates(world, login_as):
    side = world.one
    milestone = side.baseline["milestone"]
    _submit(side)
    http = login_as(side.pm)
    url = _url("projects:item_edit", side.project_a.pk, "milestone", milestone.pk)

    form = http.get(url).content.decode()
    assert re.search(r'name="name"[^>]*disabled', form)
    assert not re.search(r'name="forecast_date"[^>]*disabled', form)

    refused = http.post(url, _milestone_form(milestone, name="Renamed", forecast_date="2026-03-10"))
    assert refused.status_code == 200
    assert "The baseline is awaiting sign-off or signed" in refused.content.decode()
    milestone.refresh_from_db()
    assert (milestone.name, milestone.forecast_date) == ("Design approved", None)

    saved = http.post(url, _milestone_form(milestone, forecast_date="2026-03-10"))
    assert saved.status_code == 302
    milestone.refresh_from_db()
    assert milestone.forecast_date == datetime.date(2026, 3, 10)


def test_adding_to_a_signed_baseline_shows_the_services_reason(world, login_as):
    side = world.one
    _sign(side, _submit(side))
    response = login_as(side.pm).post(
        _url("projects:item_create", side.project_a.pk, "milestone"),
        {"name": "Extra", "baseline_date": "2026-05-01", "weight": "1"},
    )
    assert response.status_code == 200
    assert "re-baseline with a reason" in response.content.decode()
    assert not Milestone.objects.filter(name="Extra").exists()


def test_team_member_tracks_forecasts_but_not_what_was_agreed(world, login_as):
    side = world.one
    milestone = side.baseline["milestone"]
    http = login_as(side.member)
    url = _url("projects:item_edit", side.project_a.pk, "milestone", milestone.pk)
    response = http.post(url, _milestone_form(milestone, name="Mine now"))
    assert response.status_code == 403
    response = http.post(url, _milestone_form(milestone, forecast_date="2026-03-05"))
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert (milestone.name, milestone.forecast_date) == (
        "Design approved",
        datetime.date(2026, 3, 5),
    )
    assert http.get(_url("projects:item_create", side.project_a.pk, "milestone")).status_code == 403


# --- versions ----------------------------------------------------------------------------------


def test_submit_then_re_baseline_needs_a_reason_and_the_page_says_so(world, login_as):
    side = world.one
    http = login_as(side.pm)
    page = _url("projects:baseline", side.project_a.pk)
    response = http.post(_url("projects:baseline_submit", side.project_a.pk), {"reason": ""})
    assert response.status_code == 302
    html = http.get(page).content.decode()
    assert "Awaiting sign-off · version 1" in html
    assert "Withdraw version 1" in html
    _sign(side, side.project_a.baseline_versions.get())

    response = http.post(
        _url("projects:rebaseline", side.project_a.pk), {"reason": ""}, follow=True
    )
    assert "Say why the signed baseline changes." in response.content.decode()
    response = http.post(
        _url("projects:rebaseline", side.project_a.pk), {"reason": "Second market"}, follow=True
    )
    html = response.content.decode()
    assert "Re-baselining" in html and "Second market" in html
    side.project_a.refresh_from_db()
    assert side.project_a.rebaseline_reason == "Second market"


def test_version_comparison_highlights_the_moved_milestone(world, login_as):
    side = world.one
    first = _sign(side, _submit(side))
    pm = side.actor(side.pm)
    services.project_rebaseline(actor=pm, project=side.project_a, reason="Design takes longer")
    services.item_update(
        actor=pm, item=side.baseline["milestone"], baseline_date=datetime.date(2026, 4, 15)
    )
    second = _submit(side)
    response = login_as(side.member).get(
        _url("projects:compare", side.project_a.pk), {"a": second.pk, "b": first.pk}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(
        r'<td class="diff-cell-changed">2026-03-02</td>\s*'
        r'<td class="diff-cell-changed">2026-04-15</td>',
        html,
    )
    assert "Design takes longer" in html
    assert "Budget" not in html  # the member does not see money


def test_a_foreign_version_in_a_comparison_is_a_404(world, login_as):
    side = world.one
    mine = _submit(side)
    theirs = services.baseline_submit(
        actor=world.two.actor(world.two.pm), project=world.two.project_a
    )
    response = login_as(side.pm).get(
        _url("projects:compare", side.project_a.pk), {"a": mine.pk, "b": theirs.pk}
    )
    assert response.status_code == 404


# --- actuals and who sees money --------------------------------------------------------------


def test_financials_are_granted_per_team_member_and_audited(world, login_as):
    side = world.one
    member = ProjectMember.objects.get(project=side.project_a, user=side.member)
    member_http = login_as(side.member)
    assert member_http.get(_url("projects:actuals", side.project_a.pk)).status_code == 403
    page = member_http.get(_url("projects:baseline", side.project_a.pk)).content.decode()
    assert "Design and build" not in page  # a budget line

    response = login_as(side.pm).post(
        _url("projects:member_financials", side.project_a.pk, member.pk), {"allowed": "1"}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.can_see_financials
    event = AuditEvent.objects.get(object_id=str(member.pk), action="updated")
    assert event.changes == {"can_see_financials": [False, True]}
    assert member_http.get(_url("projects:actuals", side.project_a.pk)).status_code == 200
    page = member_http.get(_url("projects:baseline", side.project_a.pk)).content.decode()
    assert "Design and build" in page


def test_time_entry_errors_sit_next_to_their_fields(world, login_as):
    side = world.one
    response = login_as(side.pm).post(
        _url("projects:actual_create", side.project_a.pk, "time_entry"),
        {
            "time-person": world.two.pm.pk,
            "time-date": "2026-02-30",
            "time-hours": "30",
            "time-rate": "-1",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Select a valid choice" in _field_errors(html, "time-person")
    assert "Enter a valid date." in _field_errors(html, "time-date")
    assert "less than or equal to 24" in _field_errors(html, "time-hours")
    assert "greater than or equal to 0" in _field_errors(html, "time-rate")


def test_cost_entry_is_recorded_and_deleted(world, login_as):
    side = world.one
    http = login_as(side.pm)
    response = http.post(
        _url("projects:actual_create", side.project_a.pk, "cost_entry"),
        {"cost-category": "travel", "cost-date": "2026-02-03", "cost-amount": "123.45"},
    )
    assert response.status_code == 302
    entry = CostEntry.objects.get(amount=Decimal("123.45"))
    response = http.post(
        _url("projects:actual_delete", side.project_a.pk, "cost_entry", entry.pk), follow=True
    )
    assert "Entry deleted." in response.content.decode()
    assert not CostEntry.objects.filter(pk=entry.pk).exists()


def test_progress_card_shows_earned_value_to_financial_readers_only(world, login_as):
    side = world.one
    url = _url("projects:detail", side.project_a.pk)
    pm_html = login_as(side.pm).get(url).content.decode()
    assert 'data-testid="earned-value"' in pm_html
    assert pm_html.count('role="img" class="chart"') == 2
    assert "Budget burn" in pm_html
    member_html = login_as(side.member).get(url).content.decode()
    assert "Milestones done" in member_html
    assert 'data-testid="earned-value"' not in member_html
    assert member_html.count('role="img" class="chart"') == 1


# --- the portal ------------------------------------------------------------------------------

INTERNAL = [
    "Internal code freeze",  # an internal milestone
    "Release candidate build",  # its deliverable
    "New triage rota",  # an achievability note
    "95.00",  # an hourly rate
    "1,200.00",  # a cost entry
]


def test_portal_shows_the_agreed_baseline_and_nothing_internal(world, login_as):
    side = world.one
    first = _sign(side, _submit(side))
    pm = side.actor(side.pm)
    services.project_rebaseline(actor=pm, project=side.project_a, reason="Internal milestone moves")
    services.item_update(
        actor=pm, item=side.baseline["internal_milestone"], name="Internal code freeze moved"
    )
    services.item_update(
        actor=pm, item=side.baseline["milestone"], forecast_date=datetime.date(2026, 3, 9)
    )
    second = _submit(side)
    http = login_as(side.contact_a.user)
    pages = [
        _url("portal:project", side.project_a.pk),
        _url("portal:version", side.project_a.pk, first.pk),
        _url("portal:version", side.project_a.pk, second.pk),
        _url("portal:compare", side.project_a.pk) + f"?a={first.pk}&b={second.pk}",
    ]
    for page in pages:
        response = http.get(page)
        html = response.content.decode()
        assert response.status_code == 200, page
        leaked = [text for text in INTERNAL if text in html]
        assert not leaked, f"{page} shows {leaked}"
    html = http.get(pages[0]).content.decode()
    assert "Design approved" in html and "Clickable prototype" in html
    assert "WCAG 2.2 AA on every page" in html
    assert "50,000.00" in html  # the agreed budget is the client's to see
    assert "2026-03-09" in html  # the forecast of a client-visible milestone
    assert "Signed off by" in html and side.contact_a.full_name in html


def test_withdrawn_versions_never_reach_the_portal(world, login_as):
    side = world.one
    version = _submit(side)
    services.baseline_withdraw(actor=side.actor(side.pm), version=version)
    http = login_as(side.contact_a.user)
    assert http.get(_url("portal:version", side.project_a.pk, version.pk)).status_code == 404
    assert (
        "awaits your sign-off"
        not in http.get(_url("portal:project", side.project_a.pk)).content.decode()
    )


def test_approver_signs_and_a_second_signature_changes_nothing(world, login_as):
    side = world.one
    version = _submit(side)
    http = login_as(side.contact_a.user)
    page = http.get(_url("portal:project", side.project_a.pk)).content.decode()
    assert "awaits your sign-off" in page and "Send back" in page
    url = _url("portal:baseline_sign", side.project_a.pk, version.pk)
    response = http.post(url, {"comment": "Agreed"}, follow=True, REMOTE_ADDR="203.0.113.9")
    assert "You signed off version 1" in response.content.decode()
    version.refresh_from_db()
    signed_at = version.decided_at
    assert (version.status, version.decision_ip) == ("signed", "203.0.113.9")

    again = http.post(url, {"comment": "Twice"}, follow=True)
    assert "is no longer awaiting sign-off" in again.content.decode()
    version.refresh_from_db()
    assert (version.decided_at, version.decision_comment) == (signed_at, "Agreed")


def test_sending_back_needs_a_comment(world, login_as):
    side = world.one
    version = _submit(side)
    http = login_as(side.contact_a.user)
    url = _url("portal:baseline_return", side.project_a.pk, version.pk)
    response = http.post(url, {"comment": "  "}, follow=True)
    assert "Say what should change." in response.content.decode()
    version.refresh_from_db()
    assert version.status == "submitted"
    http.post(url, {"comment": "Move the design date"})
    version.refresh_from_db()
    assert (version.status, version.decision_comment) == ("returned", "Move the design date")


def test_a_non_approver_reads_the_version_and_is_told_who_signs(world, login_as):
    side = world.one
    version = _submit(side)
    reader = factories.portal_contact(side.client_a, full_name="Reader Only", is_approver=False)
    http = login_as(reader.user)
    html = http.get(_url("portal:project", side.project_a.pk)).content.decode()
    assert "awaits your sign-off" in html
    assert _url("portal:baseline_sign", side.project_a.pk, version.pk) not in html
    assert "signing it off is for your organisation's approvers" in html.replace("&#x27;", "'")
    assert side.contact_a.full_name in html
    response = http.post(_url("portal:baseline_sign", side.project_a.pk, version.pk))
    assert response.status_code == 403
    version.refresh_from_db()
    assert version.status == "submitted"


def test_a_contact_of_another_client_cannot_sign(world, login_as):
    side = world.one
    version = _submit(side)
    response = login_as(side.contact_b.user).post(
        _url("portal:baseline_sign", side.project_a.pk, version.pk)
    )
    assert response.status_code == 404
    version.refresh_from_db()
    assert version.status == "submitted"


def test_deliverable_rejection_needs_reasons_and_reopens_it(world, login_as):
    side = world.one
    deliverable = side.baseline["deliverable"]
    login_as(side.pm).post(_url("projects:deliverable_submit", side.project_a.pk, deliverable.pk))
    deliverable.refresh_from_db()
    assert deliverable.status == "submitted"
    http = login_as(side.contact_a.user)
    page = http.get(_url("portal:project", side.project_a.pk)).content.decode()
    assert "Covers the five key journeys" in page
    url = _url("portal:deliverable_decide", side.project_a.pk, deliverable.pk)

    response = http.post(url, {"decision": "reject", "comment": ""}, follow=True)
    assert "Say which acceptance criteria are not met." in response.content.decode()
    deliverable.refresh_from_db()
    assert deliverable.status == "submitted"

    http.post(url, {"decision": "reject", "comment": "The returns journey is missing"})
    deliverable.refresh_from_db()
    assert deliverable.status == "open"
    again = http.post(url, {"decision": "accept"}, follow=True)
    assert "no longer awaiting acceptance" in again.content.decode()
    pm_page = login_as(side.pm).get(_url("projects:baseline", side.project_a.pk)).content.decode()
    assert "The returns journey is missing" in pm_page


def test_an_internal_deliverable_is_a_404_in_the_portal(world, login_as):
    side = world.one
    internal = side.baseline["internal_deliverable"]
    Deliverable.objects.filter(pk=internal.pk).update(status="submitted")
    response = login_as(side.contact_a.user).post(
        _url("portal:deliverable_decide", side.project_a.pk, internal.pk), {"decision": "accept"}
    )
    assert response.status_code == 404


def test_a_reason_for_the_change_is_asked_only_once_a_version_exists(world, login_as):
    side = world.one
    http = login_as(side.pm)
    first = http.get(_url("projects:baseline", side.project_a.pk)).content.decode()
    assert "Submit to the client" in first and 'name="reason"' not in first

    version = _submit(side)
    services.baseline_withdraw(actor=side.actor(side.pm), version=version)
    again = http.get(_url("projects:baseline", side.project_a.pk)).content.decode()
    assert "Submit to the client" in again and 'name="reason"' in again


def test_the_project_page_links_each_area_on_its_own(world, login_as):
    html = login_as(world.one.pm).get(_url("projects:detail", world.one.project_a.pk))
    nav = re.search(r'<nav class="area-nav"[^>]*>(.*?)</nav>', html.content.decode(), re.DOTALL)
    assert nav, "the project's areas are one navigation"
    links = re.findall(r"<a [^>]*>(.*?)</a>", nav.group(1), re.DOTALL)
    texts = [re.sub(r"<[^>]+>", "", link).split()[0] for link in links]
    assert {"Baseline", "Messages", "Meetings", "Risks", "Closure"} <= set(texts)
    assert all("<a " not in link for link in links)  # no link inside another
