"""A published report not acknowledged within the organisation's window is flagged: on its
acknowledgements page (who is waiting, for how long) and on the project's report list
("acknowledged x of y")."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from rapport.reports import selectors
from rapport.reports import services as reports
from rapport.reports.models import StatusReport
from rapport.tenancy.models import Organisation
from tests import factories
from tests.conftest import login

pytestmark = pytest.mark.django_db

PUBLISHED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def publish(side, start=date(2026, 2, 1), *, at=PUBLISHED):
    pm = side.actor(side.pm)
    report = reports.report_draft(
        actor=pm, project=side.project_a, period_start=start, period_end=start + timedelta(6)
    )
    report = reports.report_publish(actor=pm, report=report)
    StatusReport.objects.filter(pk=report.pk).update(published_at=at)
    report.refresh_from_db()
    return report


def window(side, days):
    Organisation.objects.filter(pk=side.organisation.pk).update(report_acknowledgement_days=days)
    side.organisation.refresh_from_db()


def listed(side, *, now):
    return {
        report.number: report
        for report in selectors.with_acknowledgement_status(
            StatusReport.objects.filter(project=side.project_a),
            organisation=side.organisation,
            now=now,
        )
    }


# --- the rule, at fixed moments -------------------------------------------------------------


def test_a_report_is_overdue_only_after_the_window(world):
    side = world.one
    report = publish(side)
    just_in = selectors.acknowledgement_wait(
        report=report, organisation=side.organisation, now=PUBLISHED + timedelta(days=5)
    )
    assert just_in is not None
    assert (just_in.days, just_in.window, just_in.overdue) == (5, 5, False)
    late = selectors.acknowledgement_wait(
        report=report,
        organisation=side.organisation,
        now=PUBLISHED + timedelta(days=5, minutes=1),
    )
    assert late is not None
    assert (late.days, late.overdue) == (5, True)
    assert listed(side, now=PUBLISHED + timedelta(days=5))[1].acknowledgement_overdue is False
    assert (
        listed(side, now=PUBLISHED + timedelta(days=5, minutes=1))[1].acknowledgement_overdue
        is True
    )


def test_the_window_is_the_organisations(world):
    side = world.one
    report = publish(side)
    window(side, 10)
    now = PUBLISHED + timedelta(days=8)
    wait = selectors.acknowledgement_wait(report=report, organisation=side.organisation, now=now)
    assert wait is not None and (wait.days, wait.window, wait.overdue) == (8, 10, False)
    assert listed(side, now=now)[1].acknowledgement_overdue is False
    window(side, 7)
    assert listed(side, now=now)[1].acknowledgement_overdue is True


def test_a_draft_is_never_waiting(world):
    side = world.one
    draft = reports.report_draft(
        actor=side.actor(side.pm),
        project=side.project_a,
        period_start=date(2026, 2, 1),
        period_end=date(2026, 2, 7),
    )
    later = PUBLISHED + timedelta(days=60)
    assert (
        selectors.acknowledgement_wait(report=draft, organisation=side.organisation, now=later)
        is None
    )
    assert listed(side, now=later)[1].acknowledgement_overdue is False


def test_counts_are_of_the_clients_portal_contacts_and_all_acknowledged_is_not_overdue(world):
    side = world.one
    second = factories.portal_contact(side.client_a)
    factories.ContactFactory(client=side.client_a)  # no portal access: not a recipient
    factories.portal_contact(side.client_b)  # another client's contact
    report = publish(side)
    reports.report_acknowledge(actor=side.contact_actor(side.contact_a), report=report)
    now = PUBLISHED + timedelta(days=30)
    row = listed(side, now=now)[1]
    assert (row.recipients_acknowledged, row.recipients, row.acknowledgement_overdue) == (
        1,
        2,
        True,
    )
    reports.report_acknowledge(actor=side.contact_actor(second), report=report)
    row = listed(side, now=now)[1]
    assert (row.recipients_acknowledged, row.recipients, row.acknowledgement_overdue) == (
        2,
        2,
        False,
    )


def test_a_contact_who_lost_portal_access_counts_no_more(world):
    side = world.one
    second = factories.portal_contact(side.client_a)
    report = publish(side)
    reports.report_acknowledge(actor=side.contact_actor(second), report=report)
    second.portal_access = False
    second.save(update_fields=["portal_access"])
    row = listed(side, now=PUBLISHED + timedelta(days=1))[1]
    assert (row.recipients_acknowledged, row.recipients) == (0, 1)


# --- the pages ----------------------------------------------------------------------------


def test_the_acknowledgements_page_flags_who_is_waiting_after_the_window(world):
    side = world.one
    second = factories.portal_contact(side.client_a, full_name="Quentin Waits")
    report = publish(side, at=timezone.now() - timedelta(days=6, hours=1))
    reports.report_acknowledge(actor=side.contact_actor(side.contact_a), report=report)
    page = (
        login(side.pm)
        .get(f"/app/projects/{side.project_a.pk}/reports/{report.number}/acknowledgements/")
        .content.decode()
    )
    waiting = page.split("Not yet acknowledged")[1]
    assert second.full_name in waiting and side.contact_a.full_name not in waiting
    assert "not acknowledged after 5 days" in waiting
    assert "waiting 6 days" in waiting
    assert "a reminder may help" in waiting


def test_the_acknowledgements_page_does_not_flag_within_the_window(world):
    side = world.one
    report = publish(side, at=timezone.now() - timedelta(days=4, hours=23))
    page = (
        login(side.member)
        .get(f"/app/projects/{side.project_a.pk}/reports/{report.number}/acknowledgements/")
        .content.decode()
    )
    waiting = page.split("Not yet acknowledged")[1]
    assert side.contact_a.full_name in waiting
    assert "waiting 4 days" in waiting
    assert "not acknowledged after" not in waiting


def test_the_list_shows_acknowledged_x_of_y_and_flags_overdue_reports(world):
    side = world.one
    factories.portal_contact(side.client_a)
    window(side, 3)
    overdue = publish(side, date(2026, 2, 1), at=timezone.now() - timedelta(days=4))
    recent = publish(side, date(2026, 2, 8), at=timezone.now() - timedelta(days=2))
    reports.report_acknowledge(actor=side.contact_actor(side.contact_a), report=recent)
    reports.report_draft(
        actor=side.actor(side.pm),
        project=side.project_a,
        period_start=date(2026, 2, 15),
        period_end=date(2026, 2, 21),
    )
    page = login(side.pm).get(f"/app/projects/{side.project_a.pk}/reports/").content.decode()
    rows = {
        number: page.split(f"<code>SR-00{number}</code>")[1].split("</tr>")[0]
        for number in (overdue.number, recent.number, 3)
    }
    assert "0 of 2" in rows[overdue.number]
    assert "not acknowledged after 3 days" in rows[overdue.number]
    assert "1 of 2" in rows[recent.number]
    assert "not acknowledged after" not in rows[recent.number]
    assert " of " not in rows[3]  # a draft: nobody acknowledges it yet
