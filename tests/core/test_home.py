"""The home page ("today"): each section's line appears, links to where it is handled, and
disappears once the real service handles it; nobody sees another PM's or another
organisation's lines; a team member sees only what is theirs."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rapport.changes import services as changes
from rapport.closure.models import CheckIn
from rapport.feedback import followups
from rapport.feedback import services as feedback
from rapport.meetings import minutes
from rapport.messaging import services as messaging
from rapport.projects import baseline_services
from rapport.projects.models import Project
from rapport.reports import services as reports
from rapport.risks import conflicts
from rapport.risks.models import Conflict
from rapport.tenancy.models import Membership, Role
from tests import factories
from tests.conftest import Side, World, login
from tests.meetings.helpers import held

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _lines(user, key: str) -> list:
    response = login(user).get("/app/")
    assert response.status_code == 200
    return next((s.lines for s in response.context["sections"] if s.section.key == key), [])


def _titles(user, key: str) -> list[str]:
    return [line.title for line in _lines(user, key)]


def _assert_link(user, key: str, url: str) -> None:
    """The line links to ``url``, the page renders the link, and the link opens."""
    assert url in [line.url for line in _lines(user, key)]
    http = login(user)
    assert f'href="{url}"' in http.get("/app/").content.decode()
    assert http.get(url).status_code == 200


def _other_pm(side: Side):
    pm = factories.UserFactory()
    Membership.objects.create(organisation=side.organisation, user=pm, role=Role.PM)
    return pm


def _nobody_else_sees(world: World, key: str) -> None:
    side = world.one
    for user in (side.member, side.outsider, _other_pm(side), world.two.pm, world.two.owner):
        assert _lines(user, key) == [], user


def _client_raises(side: Side):
    return changes.change_request_create(
        actor=side.contact_actor(side.contact_a),
        project=side.project_a,
        title="Export to Excel",
        description="Every report exportable",
        reason="Board asks for it",
    )


def test_a_change_request_waits_on_the_pm_then_on_the_client_then_leaves(world):
    side = world.one
    request = _client_raises(side)
    url = reverse("changes:detail", args=[side.project_a.pk, request.number])
    assert _titles(side.pm, "on-you") == [str(request)]
    _assert_link(side.pm, "on-you", url)
    _nobody_else_sees(world, "on-you")

    changes.change_request_evaluate(
        actor=side.actor(side.pm),
        change_request=request,
        schedule_days=3,
        recommendation="approve",
        scope_added="Excel export",
    )
    assert _titles(side.pm, "on-you") == [str(request)]  # evaluated, not yet sent
    changes.change_request_send_for_approval(actor=side.actor(side.pm), change_request=request)
    assert _lines(side.pm, "on-you") == []
    assert _titles(side.pm, "on-client") == [str(request)]
    _assert_link(side.pm, "on-client", url)
    _nobody_else_sees(world, "on-client")

    changes.change_request_decide(
        actor=side.contact_actor(side.contact_a), change_request=request, decision="approve"
    )
    assert _lines(side.pm, "on-client") == []


def test_a_costly_change_request_waits_on_the_admins_internal_approval(world):
    side = world.one
    side.organisation.change_approval_threshold = Decimal("100")
    side.organisation.save()
    request = _client_raises(side)
    changes.change_request_evaluate(
        actor=side.actor(side.pm),
        change_request=request,
        schedule_days=3,
        recommendation="approve",
        scope_added="Excel export",
        costs={"labour": "5000"},
    )
    changes.change_request_send_for_approval(actor=side.actor(side.pm), change_request=request)
    url = reverse("changes:detail", args=[side.project_a.pk, request.number])

    assert _titles(side.admin, "on-you") == [str(request)]
    assert _titles(side.owner, "on-you") == [str(request)]
    _assert_link(side.admin, "on-you", url)
    assert _lines(side.pm, "on-you") == []  # waiting on an admin, not on the PM
    for user in (side.member, world.two.owner, world.two.admin):
        assert _lines(user, "on-you") == [], user

    changes.change_request_internal_decide(
        actor=side.actor(side.admin), change_request=request, approve=True
    )
    assert _lines(side.admin, "on-you") == []
    assert _titles(side.pm, "on-client") == [str(request)]


def test_a_baseline_waits_for_sign_off(world):
    side = world.one
    version = baseline_services.baseline_submit(actor=side.actor(side.pm), project=side.project_a)
    assert _titles(side.pm, "on-client") == [str(version)]
    _assert_link(
        side.pm, "on-client", reverse("projects:version", args=[side.project_a.pk, version.pk])
    )
    _nobody_else_sees(world, "on-client")
    baseline_services.baseline_sign(actor=side.contact_actor(side.contact_a), version=version)
    assert _lines(side.pm, "on-client") == []


def test_a_deliverable_waits_for_acceptance(world):
    side = world.one
    deliverable = side.baseline["deliverable"]
    baseline_services.deliverable_submit(actor=side.actor(side.pm), deliverable=deliverable)
    assert _titles(side.pm, "on-client") == [deliverable.name]
    url = reverse("projects:baseline", args=[side.project_a.pk]) + f"#deliverable-{deliverable.pk}"
    assert url in [line.url for line in _lines(side.pm, "on-client")]
    assert f'id="deliverable-{deliverable.pk}"' in login(side.pm).get(url).content.decode()
    _nobody_else_sees(world, "on-client")
    deliverable.refresh_from_db()
    baseline_services.deliverable_decide(
        actor=side.contact_actor(side.contact_a), deliverable=deliverable, accept=True
    )
    assert _lines(side.pm, "on-client") == []


def test_minutes_wait_for_confirmation_and_a_correction_waits_on_the_pm(world):
    side = world.one
    meeting = held(side)
    minutes.minutes_publish(actor=side.actor(side.pm), meeting=meeting)
    url = reverse("meetings:minutes", args=[side.project_a.pk, meeting.number])
    assert _titles(side.pm, "on-client") == [meeting.title]
    _assert_link(side.pm, "on-client", url)
    _nobody_else_sees(world, "on-client")

    minutes.minutes_respond(
        actor=side.contact_actor(side.contact_a),
        meeting=meeting,
        confirm=False,
        comment="The launch is on the 12th.",
    )
    assert _lines(side.pm, "on-client") == []  # every attendee answered
    assert _titles(side.pm, "on-you") == [meeting.title]
    _assert_link(side.pm, "on-you", url)
    _nobody_else_sees(world, "on-you")

    minutes.minutes_record(
        actor=side.actor(side.pm),
        meeting=meeting,
        present_user_ids=[side.pm.pk, side.member.pk],
        present_contact_ids=[side.contact_a.pk],
        summary="We agreed the launch plan: launch on the 12th.",
        reason="The launch date, as the client corrected it.",
    )
    assert _lines(side.pm, "on-you") == []
    assert _titles(side.pm, "on-client") == [meeting.title]  # the correction to confirm
    minutes.minutes_respond(actor=side.contact_actor(side.contact_a), meeting=meeting, confirm=True)
    assert _lines(side.pm, "on-client") == []


def test_overdue_action_items_of_the_pm_and_the_client(world):
    side = world.one
    pm = side.actor(side.pm)
    late = TODAY - timedelta(days=3)
    clients = minutes.action_item_create(
        actor=pm,
        project=side.project_a,
        what="Send the test data",
        due_date=late,
        owner_contact_id=side.contact_a.pk,
        confirm_past_due=True,
    )
    members = minutes.action_item_create(
        actor=pm,
        project=side.project_a,
        what="Fix the login page",
        due_date=late,
        owner_user_id=side.member.pk,
        confirm_past_due=True,
    )
    minutes.action_item_create(
        actor=pm,
        project=side.project_a,
        what="Not due yet",
        due_date=TODAY + timedelta(days=1),
        owner_user_id=side.pm.pk,
    )
    assert _titles(side.pm, "action-items") == ["Send the test data"]
    assert _titles(side.member, "action-items") == ["Fix the login page"]
    assert _lines(side.pm, "action-items")[0].overdue_days == 3
    url = reverse("meetings:action_item_close", args=[clients.pk])
    _assert_link(side.pm, "action-items", url)
    for user in (side.outsider, _other_pm(side), world.two.pm, world.two.owner):
        assert _lines(user, "action-items") == []

    minutes.action_item_close(actor=pm, action_item=clients, note="Received.")
    minutes.action_item_close(actor=side.actor(side.member), action_item=members, note="Fixed.")
    assert _lines(side.pm, "action-items") == []
    assert _lines(side.member, "action-items") == []


def test_a_report_is_due_at_its_cadence_then_drafted_then_published(world):
    side = world.one
    Project.objects.filter(pk=side.project_a.pk).update(
        report_cadence=Project.ReportCadence.WEEKLY, start_date=TODAY - timedelta(days=30)
    )
    due = _lines(side.pm, "reports")
    assert [line.title for line in due] == ["Weekly"] and due[0].overdue_days == 24
    _assert_link(side.pm, "reports", reverse("reports:create", args=[side.project_a.pk]))
    _nobody_else_sees(world, "reports")

    report = reports.report_draft(
        actor=side.actor(side.pm),
        project=side.project_a,
        period_start=TODAY - timedelta(days=6),
        period_end=TODAY,
    )
    assert _titles(side.pm, "reports") == [str(report)]  # drafted, no longer due
    _assert_link(
        side.pm, "reports", reverse("reports:detail", args=[side.project_a.pk, report.number])
    )
    reports.report_update(actor=side.actor(side.pm), report=report, problems="Way forward: ok.")
    reports.report_publish(actor=side.actor(side.pm), report=report)
    assert _lines(side.pm, "reports") == []


def test_an_open_conflict_until_closed(world):
    side = world.one
    conflict = conflicts.conflict_create(
        actor=side.actor(side.pm),
        client=side.client_a,
        project_id=side.project_a.pk,
        title="Scope dispute",
        root_causes=["expectations"],
    )
    assert _titles(side.pm, "conflicts") == [str(conflict)]
    _assert_link(side.pm, "conflicts", reverse("risks:conflict_detail", args=[conflict.pk]))
    _nobody_else_sees(world, "conflicts")
    conflicts.conflict_close(actor=side.actor(side.pm), conflict=conflict, resolution="Agreed.")
    assert _lines(side.pm, "conflicts") == []


def test_an_expectation_gap_until_the_pm_rates_closer(world):
    side = world.one
    pm = side.actor(side.pm)
    feedback.feedback_record(
        actor=pm, project=side.project_a, source="call", received_on=TODAY, progress=1
    )
    week = {"period_start": TODAY - timedelta(days=6), "period_end": TODAY}
    followups.pm_rating_record(actor=pm, project=side.project_a, progress=5, **week)
    gaps = _lines(side.pm, "gaps")
    assert len(gaps) == 1 and "5 / 1.0" in gaps[0].title
    _assert_link(side.pm, "gaps", reverse("feedback:gap", args=[side.project_a.pk]))
    _nobody_else_sees(world, "gaps")
    followups.pm_rating_record(actor=pm, project=side.project_a, progress=2, **week)
    assert _lines(side.pm, "gaps") == []


def test_a_client_message_waits_with_how_long(world):
    side = world.one
    thread = messaging.thread_open(
        actor=side.contact_actor(side.contact_a),
        project=side.project_a,
        subject="Where is the test data?",
        body="We cannot find it.",
    )
    lines = _lines(side.pm, "messages")
    assert [line.title for line in lines] == ["Where is the test data?"]
    assert lines[0].waited is not None and "waiting" in login(side.pm).get("/app/").content.decode()
    _assert_link(
        side.pm, "messages", reverse("messages_app:thread", args=[side.project_a.pk, thread.pk])
    )
    assert _titles(side.member, "messages") == ["Where is the test data?"]  # on the team
    for user in (side.outsider, _other_pm(side), world.two.pm, world.two.owner):
        assert _lines(user, "messages") == []
    messaging.message_post(actor=side.actor(side.pm), thread=thread, body="In the shared folder.")
    assert _lines(side.pm, "messages") == []


def test_a_due_checkin_until_recorded(world):
    from rapport.closure import checkins

    side = world.one
    project = factories.ProjectFactory(client=side.client_a, pm=side.pm, status="closed")
    checkin = CheckIn.objects.create(
        project=project, contact=side.contact_a, months=1, due_on=TODAY - timedelta(days=2)
    )
    assert _titles(side.pm, "checkins") == [side.contact_a.full_name]
    _assert_link(side.pm, "checkins", reverse("closure:detail", args=[project.pk]) + "#checkins")
    _nobody_else_sees(world, "checkins")
    checkins.checkin_record(
        actor=side.actor(side.pm), checkin=checkin, channel="phone", summary="All well."
    )
    assert _lines(side.pm, "checkins") == []


def test_sections_come_in_priority_order_and_the_navigation_counts_them(world):
    side = world.one
    _client_raises(side)
    baseline_services.baseline_submit(actor=side.actor(side.pm), project=side.project_a)
    conflicts.conflict_create(
        actor=side.actor(side.pm),
        client=side.client_a,
        title="Late invoices",
        root_causes=["other"],
    )
    response = login(side.pm).get("/app/")
    assert [s.section.key for s in response.context["sections"]] == [
        "on-you",
        "on-client",
        "conflicts",
    ]
    page = response.content.decode()
    assert 'aria-labelledby="today-on-you"' in page and '<th scope="col">' in page
    assert 'data-testid="waiting-count">3<' in page
    # another page counts the same, with the same sources
    assert 'data-testid="waiting-count">3<' in login(side.pm).get("/app/projects/").content.decode()
    assert "waiting-count" not in login(side.outsider).get("/app/projects/").content.decode()
    # handled elsewhere: the count of every page follows at once, without the home page
    conflict = response.context["sections"][2].lines[0]
    conflicts.conflict_close(
        actor=side.actor(side.pm),
        conflict=Conflict.objects.get(title="Late invoices"),
        resolution="Paid.",
    )
    assert conflict.title.endswith("Late invoices")
    assert 'data-testid="waiting-count">2<' in login(side.pm).get("/app/projects/").content.decode()


def test_a_long_section_shows_ten_and_a_link_to_the_rest(world):
    side = world.one
    for i in range(12):
        conflicts.conflict_create(
            actor=side.actor(side.pm),
            client=side.client_a,
            title=f"Dispute {i}",
            root_causes=["other"],
        )
    response = login(side.pm).get("/app/")
    shown = response.context["sections"][0]
    assert len(shown.lines) == 10 and shown.more == 2
    assert 'href="?section=conflicts"' in response.content.decode()
    full = login(side.pm).get("/app/?section=conflicts")
    assert len(full.context["page"].object_list) == 12
    assert full.context["page"].paginator.count == 12
    assert login(side.pm).get("/app/?section=nonsense").status_code == 404
    assert len(login(world.two.pm).get("/app/?section=conflicts").context["page"].object_list) == 0


def test_nothing_waiting_says_so(world):
    page = login(world.one.outsider).get("/app/").content.decode()
    assert 'data-testid="nothing-waiting"' in page


def _queries(http, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = http.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_sections_are_kept_until_something_in_the_organisation_changes(world):
    """The home page does not run its sources again for a second look; a change made through
    any service (here by the client, and in the other organisation) is seen at once."""
    side = world.one
    request = _client_raises(side)
    http = login(side.pm)
    first, _page = _queries(http, "/app/")
    again, page = _queries(http, "/app/")
    assert again <= first - 15, (first, again)  # every source counts (and lists): not again
    assert str(request) in page

    other = world.two
    conflicts.conflict_create(
        actor=other.actor(other.pm), client=other.client_a, title="Elsewhere", root_causes=["other"]
    )
    assert _queries(http, "/app/")[0] == again  # another organisation's change: still kept

    changes.change_request_withdraw(
        actor=side.contact_actor(side.contact_a), change_request=request
    )
    _count, page = _queries(http, "/app/")
    assert str(request) not in page and 'data-testid="nothing-waiting"' in page


def test_a_change_works_out_again_only_the_sections_reading_its_app(world):
    """A client's message moves ``messaging`` on: the message section is worked out again and
    shows it, the others are read from the cache; a change to a project (which every section
    reads: who sees what) works every section out again."""
    from rapport.projects import services as project_services

    side = world.one
    _client_raises(side)
    http = login(side.pm)
    everything, _page = _queries(http, "/app/")
    kept, _page = _queries(http, "/app/")

    messaging.thread_open(
        actor=side.contact_actor(side.contact_a),
        project=side.project_a,
        subject="Where is the test data?",
        body="We cannot find it.",
    )
    one_section, page = _queries(http, "/app/")
    assert "Where is the test data?" in page and "Export to Excel" in page
    assert kept < one_section <= kept + 3, (kept, one_section)  # the message source: 2 queries

    project_services.project_update(actor=side.actor(side.pm), project=side.project_b, name="B2")
    assert _queries(http, "/app/")[0] >= everything - 1


def test_a_change_on_a_project_works_out_again_only_the_sections_of_those_who_see_it(
    world, monkeypatch
):
    """A client's message on the PM's project: the message section is worked out again for
    the PM, the project's team member and the owner (who sees every project); another
    manager's sections stay kept. A conflict on a client, of no project, is worked out again
    for everyone."""
    from rapport.core import today

    worked_out: list[tuple[str, str]] = []
    shown = today.shown

    def spy(section, moment, *args):
        worked_out.append((moment.actor.user.email, section.key))
        return shown(section, moment, *args)

    monkeypatch.setattr(today, "shown", spy)
    side = world.one
    other = _other_pm(side)
    factories.ProjectFactory(client=side.client_b, pm=other)
    readers = {user: login(user) for user in (side.pm, side.member, side.owner, other)}

    def look() -> dict:
        worked_out.clear()
        pages = {user: http.get("/app/").content.decode() for user, http in readers.items()}
        assert len(worked_out) == len(set(worked_out))  # each section once at most
        return pages

    look()
    look()
    assert worked_out == []  # all kept
    messaging.thread_open(
        actor=side.contact_actor(side.contact_a),
        project=side.project_a,
        subject="Where is the test data?",
        body="We cannot find it.",
    )
    pages = look()
    assert "Where is the test data?" in pages[side.pm]
    assert "Where is the test data?" not in pages[other]
    assert sorted(worked_out) == sorted(
        (user.email, "messages") for user in (side.pm, side.member, side.owner)
    )  # another manager's sections are still kept

    conflicts.conflict_create(
        actor=side.actor(side.pm), client=side.client_b, title="Invoices", root_causes=["scope"]
    )
    look()
    assert sorted(worked_out) == sorted((user.email, "conflicts") for user in readers)


def test_every_section_reads_apps_with_their_own_version():
    from rapport.core import today, waiting_cache

    for section in today.SECTIONS:
        assert section.reads and set(section.reads) <= waiting_cache.SECTION_APPS, section.key
    assert {app for section in today.SECTIONS for app in section.reads} == (
        waiting_cache.SECTION_APPS
    )


def test_the_kept_sections_are_plain_text(world):
    """What the cache keeps of a section unpickles without building models or lazy
    translations (a lazy string's class is built again for each one unpickled)."""
    import pickle

    from rapport.core import today

    side = world.one
    _client_raises(side)
    conflicts.conflict_create(
        actor=side.actor(side.pm), client=side.client_a, title="Late", root_causes=["other"]
    )
    sections = today.today(side.actor(side.pm))
    assert {shown.key for shown in sections} >= {"on-you", "conflicts"}
    kept = pickle.dumps(sections)
    assert b"django.db.models" not in kept and b"_lazy_proxy_unpickle" not in kept
    on_you = next(shown for shown in sections if shown.key == "on-you")
    assert on_you.section is today.BY_KEY["on-you"]
    line = on_you.lines[0]
    assert (line.project_name, line.client_name) == (side.project_a.name, side.client_a.name)
    assert type(line.what) is str


def test_the_kept_sections_are_the_readers_language(world):
    from rapport.communication import services as communication

    side = world.one
    communication.plan_item_create(
        actor=side.actor(side.pm),
        project=side.project_a,
        audience=[side.contact_a],
        owner_id=side.pm.pk,
        title="Weekly call",
        channel="phone",
        cadence_days=7,
        starts_on=TODAY - timedelta(days=2),
    )
    http = login(side.pm)
    assert "Phone call" in http.get("/app/").content.decode()
    side.pm.language = "zh-hans"
    side.pm.save(update_fields=["language"])  # the setting alone, as the language menu does
    page = http.get("/app/").content.decode()
    assert "电话" in page and "Phone call" not in page


def test_a_version_the_cache_dropped_comes_back_as_one_never_used():
    from rapport.core import versions

    first = versions.version_of("version:9:messaging")
    versions.record_changed(9, "messaging")
    assert versions.version_of("version:9:messaging") == first + 1  # again at the commit
    cache.delete("version:9:messaging")  # culled
    again = versions.version_of("version:9:messaging")
    assert again not in range(first - 10, first + 10) and again > 1000


def test_one_machine_shares_its_cache_between_processes(tmp_path, settings):
    """Without Redis, the web workers, the job worker and the scheduler share one cache on
    disk: a change recorded by one process moves its app's version for all of them."""
    import os
    import subprocess
    import sys

    from django.core.cache import cache

    env = {**os.environ, "RAPPORT_VAR_DIR": str(tmp_path)}
    env.pop("REDIS_URL", None)
    env.pop("DATABASE_URL", None)
    script = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "from rapport.core import versions\n"
        "print(settings.CACHES['default']['BACKEND'])\n"
        "first = versions.version_of('version:7:projects')\n"
        "versions.record_changed(7, 'projects')\n"
        "print(first)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={**env, "DJANGO_SETTINGS_MODULE": "rapport.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    backend, first = done.stdout.split()
    assert backend == "rapport.core.sqlite_cache.SQLiteCache"
    settings.CACHES = {
        "default": {
            "BACKEND": "rapport.core.sqlite_cache.SQLiteCache",
            "LOCATION": tmp_path / "cache.sqlite3",
        }
    }
    assert cache.get("version:7:projects") == int(first) + 2  # moved now, and at the commit


def test_the_navigation_count_follows_every_change_at_once_and_counts_only_what_it_reads(
    world, monkeypatch
):
    """The count beside Home on every page: a change by the client or by the member shows at
    once. A second page counts nothing again, a change counts again only the sections reading
    its app, and the sections the home page keeps give their totals."""
    from rapport.core import today

    counted: list[str] = []
    lines = today.Section.lines

    def spy(section, moment, start, stop):
        if not stop:
            counted.append(section.key)
        return lines(section, moment, start, stop)

    monkeypatch.setattr(today.Section, "lines", spy)
    side = world.one
    http = login(side.pm)

    def count_on(url: str) -> str:
        counted.clear()
        page = http.get(url).content.decode()
        return page.split('data-testid="waiting-count">', 1)[1].split("<", 1)[0]

    request = _client_raises(side)
    assert count_on("/app/projects/") == "1"
    assert sorted(counted) == sorted(section.key for section in today.SECTIONS)
    assert count_on("/app/clients/") == "1" and counted == []  # kept

    _client_raises(side)  # the client again: counted at once, only where changes are read
    assert count_on("/app/projects/") == "2"
    assert sorted(counted) == ["action-items", "on-client", "on-you"]

    assert count_on("/app/") == "2" and counted == []  # the home page lists its sections…
    _client_raises(side)
    assert count_on("/app/") == "3" and counted == []
    assert count_on("/app/projects/") == "3" and counted == []  # …which give their totals

    changes.change_request_evaluate(  # the PM's own change: counted again at once
        actor=side.actor(side.pm), change_request=request, schedule_days=1, recommendation="approve"
    )
    changes.change_request_send_for_approval(actor=side.actor(side.pm), change_request=request)
    assert count_on("/app/projects/") == "3"  # now waiting on the client: still three lines
    assert sorted(counted) == ["action-items", "on-client", "on-you"]
    conflicts.conflict_create(  # of a client, of no project: counted again for everyone
        actor=side.actor(side.pm), client=side.client_a, title="Late", root_causes=["other"]
    )
    assert count_on("/app/projects/") == "4" and counted == ["conflicts"]
    assert "waiting-count" not in login(side.outsider).get("/app/projects/").content.decode()
