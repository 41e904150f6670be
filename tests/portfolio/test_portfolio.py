"""The portfolio: each column's number on fixed data, filters, sorting, the exports parsed back,
formula injection, and bad query strings."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from rapport.changes.models import ChangeRequest
from rapport.communication.models import Interaction
from rapport.core import export
from rapport.messaging.models import Thread
from rapport.projects.models import BudgetLine, CostEntry, Milestone, Project
from rapport.reports import health
from rapport.reports.data import gather
from rapport.reports.models import ProjectHealth, StatusReport
from rapport.tenancy.models import Membership, Role
from tests import factories
from tests.conftest import Side, World, login

pytestmark = pytest.mark.django_db
URL = "/app/portfolio/"


def _alpha(side: Side) -> Project:
    """A project 30 days late on its forecast, a quarter of its budget spent, two change
    requests waiting (a draft and an approved one do not count), a published report, a
    touchpoint three days ago and a message yesterday."""
    today = timezone.localdate()
    now = timezone.now()
    project = factories.ProjectFactory(
        client=side.client_a,
        pm=side.pm,
        code="ALPHA",
        name="Alpha rollout",
        start_date=today - timedelta(days=100),
        end_date=today + timedelta(days=100),
    )
    Milestone.objects.create(
        project=project,
        name="Go live",
        baseline_date=today - timedelta(days=10),
        forecast_date=today + timedelta(days=130),
    )
    BudgetLine.objects.create(project=project, category="labour", amount=Decimal("1000.00"))
    CostEntry.objects.create(
        project=project, category="licences", date=today - timedelta(days=5), amount=Decimal("250")
    )
    for number, state in enumerate(["submitted", "awaiting_approval", "draft", "approved"], 1):
        ChangeRequest.objects.create(
            project=project, number=number, title=f"Change {number}", description="x", state=state
        )
    published = now - timedelta(days=8)
    StatusReport.objects.create(
        project=project,
        number=1,
        period_start=today - timedelta(days=14),
        period_end=today - timedelta(days=8),
        state="published",
        published_at=published,
    )
    StatusReport.objects.create(
        project=project, number=2, period_start=today - timedelta(days=7), period_end=today
    )  # a draft: not a published report
    Interaction.objects.create(
        organisation=side.organisation,
        client=side.client_a,
        project=project,
        occurred_at=now - timedelta(days=3),
        channel="call",
        summary="Weekly call",
    )
    Thread.objects.create(
        project=project,
        subject="Question",
        created_by_user=side.pm,
        last_message_at=now - timedelta(days=1),
    )
    return project


def _rows(response: Any) -> list[Any]:
    return list(response.context["page"].object_list)


def _row(response: Any, code: str) -> Any:
    return next(row for row in _rows(response) if row.project.code == code)


def test_each_column_on_fixed_data(world: World) -> None:
    side = world.one
    project = _alpha(side)
    today = timezone.localdate()

    response = login(side.owner).get(URL)

    assert response.status_code == 200
    row = _row(response, "ALPHA")
    assert row.project.client.name == side.client_a.name
    assert row.baseline_end == project.end_date
    assert row.forecast_end == today + timedelta(days=130)
    assert row.slip_days == 30
    assert row.burn_percent == 25
    assert row.last_report == StatusReport.objects.get(project=project, number=1).published_at
    assert row.open_changes == 2
    assert timezone.localdate(row.last_contact) == today - timedelta(days=1)
    # 30 days on a 200-day plan is 15%: red above 10%
    assert row.colour("schedule") == health.RED
    assert row.colour("scope") == health.AMBER  # change requests pending
    assert row.colour("satisfaction") == health.GREY
    assert row.overall == health.RED
    content = response.content.decode()
    assert "Alpha rollout" in content and "25%" in content


def test_health_is_the_status_report_health(world: World) -> None:
    """The bulk computation agrees with a status report's, project by project."""
    from rapport.feedback.models import Feedback
    from rapport.risks.models import Issue, Risk

    side = world.one
    project = _alpha(side)
    today = timezone.localdate()
    for number in (1, 2):
        Risk.objects.create(
            project=project,
            number=number,
            title=f"Risk {number}",
            probability=4,
            impact=3 + number,
            score=4 * (3 + number),
            owner=side.pm,
        )
        Issue.objects.create(
            project=project,
            number=number,
            title=f"Issue {number}",
            owner=side.pm,
            due_date=today - timedelta(days=number * 10),
            affects_schedule=True,
        )
        Feedback.objects.create(
            organisation=side.organisation,
            project=project,
            source="call",
            received_on=today - timedelta(days=number),
            quality=number,
            nps=3,
        )
    response = login(side.owner).get(URL)
    rows = _rows(response)
    assert len(_row(response, "ALPHA").health["dimensions"]["risks_issues"]["reasons"]) == 3
    for row in rows:
        _snapshot, facts = gather(row.project, period_start=today, period_end=today, as_of=today)
        assert row.health == health.assess(facts, side.organisation.health_thresholds), (
            row.project.code
        )


def test_last_contact_without_messages_is_the_last_touchpoint(world: World) -> None:
    side = world.one
    project = _alpha(side)
    Thread.objects.filter(project=project).delete()
    row = _row(login(side.owner).get(URL), "ALPHA")
    assert timezone.localdate(row.last_contact) == timezone.localdate() - timedelta(days=3)


def test_only_projects_the_reader_may_see(world: World) -> None:
    side = world.one
    other_pm = factories.UserFactory()
    Membership.objects.create(organisation=side.organisation, user=other_pm, role=Role.PM)
    theirs = factories.ProjectFactory(client=side.client_b, pm=other_pm, code="THEIRS")
    shared = factories.ProjectFactory(client=side.client_b, pm=other_pm, code="SHARED")
    factories.ProjectMemberFactory(project=shared, user=side.pm)
    BudgetLine.objects.create(project=shared, category="labour", amount=Decimal("100"))

    codes = {row.project.code for row in _rows(login(side.pm).get(URL))}
    assert "SHARED" in codes and side.project_a.code in codes
    assert theirs.code not in codes
    assert not any(c.startswith("two-") for c in codes)
    # on another PM's project, the budget is not this PM's to see
    row = _row(login(side.pm).get(URL), "SHARED")
    assert row.burn_percent is None and not row.sees_financials
    owner_codes = {row.project.code for row in _rows(login(side.owner).get(URL))}
    assert {"THEIRS", "SHARED"} <= owner_codes


@pytest.mark.parametrize("role", ["member", "outsider"])
def test_team_members_are_refused(world: World, role: str) -> None:
    assert login(getattr(world.one, role)).get(URL).status_code == 403


def test_filters(world: World) -> None:
    side = world.one
    _alpha(side)
    http = login(side.owner)

    by_client = {r.project.code for r in _rows(http.get(URL, {"client": side.client_b.pk}))}
    assert by_client == {side.project_b.code}
    Project.objects.filter(code="ALPHA").update(status="on_hold")
    assert {r.project.code for r in _rows(http.get(URL, {"status": "on_hold"}))} == {"ALPHA"}
    red = _rows(http.get(URL, {"health": "red"}))
    assert [r.project.code for r in red] == ["ALPHA"]
    assert all(r.overall == "green" for r in _rows(http.get(URL, {"health": "green"})))
    other_pm = factories.UserFactory()
    Membership.objects.create(organisation=side.organisation, user=other_pm, role=Role.PM)
    factories.ProjectFactory(client=side.client_b, pm=other_pm, code="OTHER")
    assert {r.project.code for r in _rows(http.get(URL, {"pm": other_pm.pk}))} == {"OTHER"}


def test_sorting_by_each_column(world: World) -> None:
    side = world.one
    _alpha(side)
    http = login(side.owner)

    by_slip = _rows(http.get(URL, {"sort": "-slip"}))
    assert by_slip[0].project.code == "ALPHA"
    assert [r.slip_days for r in by_slip] == sorted((r.slip_days for r in by_slip), reverse=True)
    by_report = _rows(http.get(URL, {"sort": "-last_report"}))
    assert by_report[0].project.code == "ALPHA"  # the only one with a report; the rest last
    assert _rows(http.get(URL, {"sort": "last_report"}))[0].project.code == "ALPHA"
    names = [r.project.name.lower() for r in _rows(http.get(URL, {"sort": "project"}))]
    assert names == sorted(names)
    response = http.get(URL, {"sort": "-slip"})
    assert 'aria-sort="descending"' in response.content.decode()
    for key in (
        "client",
        "pm",
        "status",
        "health",
        "budget",
        "burn",
        "open_changes",
        "last_contact",
    ):
        for sort in (key, f"-{key}"):
            assert http.get(URL, {"sort": sort}).status_code == 200


@pytest.mark.parametrize(
    "params",
    [
        {"client": "99999999999999999999999"},
        {"client": "abc"},
        {"pm": "-1"},
        {"status": "nonsense"},
        {"health": "purple"},
        {"sort": "'; DROP TABLE projects_project;--"},
        {"sort": "-"},
        {"page": "x"},
        {"page": "99999"},
        {"client": "\x00"},
    ],
)
def test_bad_filter_values_are_ignored_with_a_message(world: World, params: dict[str, str]) -> None:
    side = world.one
    http = login(side.owner)
    every = {r.project.code for r in _rows(http.get(URL))}

    response = http.get(URL, params)

    assert response.status_code == 200
    assert {r.project.code for r in response.context["page"].paginator.object_list} == every
    if "page" not in params:
        assert "were not understood and were ignored" in response.content.decode()
    if "sort" in params:  # the next filtering does not carry the bad sort on
        assert '<input type="hidden" name="sort" value="code">' in response.content.decode()
    for export_url in (f"{URL}export.csv", f"{URL}export.xlsx"):
        assert http.get(export_url, params).status_code == 200


def test_another_organisations_client_is_not_a_filter(world: World) -> None:
    response = login(world.one.owner).get(URL, {"client": world.two.client_a.pk})
    assert response.status_code == 200
    assert "were not understood and were ignored" in response.content.decode()
    assert world.two.client_a.name not in response.content.decode()


def test_paginated_by_25(world: World) -> None:
    side = world.one
    for i in range(27):
        factories.ProjectFactory(client=side.client_a, pm=side.pm, code=f"Z-{i:02d}")
    http = login(side.owner)
    first = http.get(URL)
    assert len(_rows(first)) == 25
    assert first.context["total"] == 30
    assert len(_rows(http.get(URL, {"page": 2}))) == 5


def _csv(response: Any) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def _xlsx(response: Any) -> list[list[Any]]:
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    width = len(rows[0])  # a row ending in empty cells is read back shorter
    return [row + [None] * (width - len(row)) for row in rows]


def test_exports_hold_the_rows_of_the_page(world: World) -> None:
    side = world.one
    _alpha(side)
    http = login(side.owner)
    params = {"client": side.client_a.pk, "sort": "-slip"}
    page_codes = [r.project.code for r in _rows(http.get(URL, params))]

    csv_rows = _csv(http.get(f"{URL}export.csv", params))
    xlsx_rows = _xlsx(http.get(f"{URL}export.xlsx", params))

    assert csv_rows[0][:3] == ["Code", "Project", "Client"]
    assert xlsx_rows[0] == csv_rows[0]
    assert [line[0] for line in csv_rows[1:]] == page_codes
    assert [line[0] for line in xlsx_rows[1:]] == page_codes
    heading = csv_rows[0]
    alpha_csv = dict(zip(heading, csv_rows[1], strict=True))
    alpha_xlsx = dict(zip(heading, xlsx_rows[1], strict=True))
    today = timezone.localdate()
    assert alpha_csv["Slip (days)"] == "30" and alpha_xlsx["Slip (days)"] == 30
    assert alpha_csv["Budget burn (%)"] == "25" and alpha_xlsx["Budget burn (%)"] == 25
    assert alpha_csv["Open change requests"] == "2" and alpha_xlsx["Open change requests"] == 2
    assert alpha_csv["Overall health"] == "Red" == alpha_xlsx["Overall health"]
    assert alpha_csv["Client"] == side.client_a.name
    assert alpha_csv["Last client contact"] == (today - timedelta(days=1)).isoformat()
    assert alpha_xlsx["Forecast end"].date() == today + timedelta(days=130)


def test_exports_in_chinese(world: World) -> None:
    side = world.one
    side.owner.language = "zh-hans"
    side.owner.save()
    rows = _csv(login(side.owner).get(f"{URL}export.csv"))
    assert rows[0][0] != "Code"  # the heading is in the reader's language


def test_exports_never_start_a_cell_with_a_formula(world: World) -> None:
    side = world.one
    side.client_a.name = "+SUM(1,2)"
    side.client_a.save()
    side.pm.full_name = "@cmd"
    side.pm.save()
    factories.ProjectFactory(
        client=side.client_a, pm=side.pm, code="-EVIL", name='=HYPERLINK("http://x","y")'
    )
    http = login(side.owner)

    for rows in (_csv(http.get(f"{URL}export.csv")), _xlsx(http.get(f"{URL}export.xlsx"))):
        cells = [str(cell) for line in rows for cell in line if cell is not None]
        assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]
        assert '\'=HYPERLINK("http://x","y")' in cells
        assert "'+SUM(1,2)" in cells and "'@cmd" in cells and "'-EVIL" in cells


def test_exports_are_capped(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export, "MAX_ROWS", 2)
    http = login(world.one.owner)
    assert len(_csv(http.get(f"{URL}export.csv"))) == 1 + 2
    assert len(_xlsx(http.get(f"{URL}export.xlsx"))) == 1 + 2


def test_charts(world: World) -> None:
    from rapport.feedback.models import Feedback

    side = world.one
    _alpha(side)
    Feedback.objects.create(
        organisation=side.organisation,
        project=side.project_a,
        source="call",
        received_on=timezone.localdate(),
        progress=4,
        quality=2,
    )
    content = login(side.owner).get(URL).content.decode()
    assert "Projects by overall health" in content
    assert 'data-code="red"' in content and 'data-code="month"' in content
    assert "Client satisfaction by month" in content


def test_the_charts_and_the_count_are_of_the_rows_listed(world: World) -> None:
    """One query counts the rows for the paginator and both charts: the same figures as
    counting the rows shown, with and without a health filter."""
    from rapport.portfolio import charts

    side = world.one
    _alpha(side)  # 30 days late
    today = timezone.localdate()
    factories.ProjectFactory(client=side.client_b, pm=side.pm, code="BETA", end_date=today)
    http = login(side.owner)
    for params in ({}, {"health": health.AMBER}, {"health": health.GREEN}):
        response = http.get(URL, params)
        rows = _rows(response)
        counted = charts.counts(response.context["page"].paginator.object_list.query)
        assert response.context["total"] == counted.total == len(rows)
        assert counted.overall == {
            colour: sum(row.overall == colour for row in rows)
            for colour in (health.GREEN, health.AMBER, health.RED, health.GREY)
        }
        late = {code: 0 for code, _label, _most in charts.SLIP_BUCKETS}
        for row in rows:
            days = row.slip_days
            most = next(m for _c, _l, m in charts.SLIP_BUCKETS if m is None or days <= m)
            late[next(c for c, _l, m in charts.SLIP_BUCKETS if m == most)] += 1
        assert counted.slip == late
        if not params:
            assert late["month"] == 1 and counted.total > 2  # Alpha, 30 days late; the others
    assert charts.counts(ProjectHealth.objects.none()) == charts.Counts(
        0, dict.fromkeys(counted.overall, 0), dict.fromkeys(late, 0)
    )


def test_client_health_is_the_clients_latest_score(world: World) -> None:
    from rapport.clients.models import ClientHealthSnapshot

    side = world.one
    _alpha(side)
    today, now = timezone.localdate(), timezone.now()
    for days_ago, score in ((40, 81), (1, 35)):
        ClientHealthSnapshot.objects.create(
            organisation=side.organisation,
            client=side.client_a,
            day=today - timedelta(days=days_ago),
            score=score,
            computed_at=now,
        )
    factories.ProjectFactory(client=side.client_b, pm=side.pm, code="BETA")

    response = login(side.owner).get(URL, {"sort": "client_health"})

    assert _row(response, "ALPHA").client_health == 35
    assert _row(response, "BETA").client_health is None  # not scored yet: last in either order
    assert _rows(response)[0].project.code == "ALPHA"  # the only one scored
    assert f'href="/app/clients/{side.client_a.pk}/#health"' in response.content.decode()
    exported = _csv(login(side.owner).get(f"{URL}export.csv"))
    assert exported[0][-1] == "Client health"
    assert {row[0]: row[-1] for row in exported[1:]}["ALPHA"] == "35"


def test_the_satisfaction_trend_is_kept_until_feedback_is_recorded(world: World) -> None:
    """A second look reads the trend from the cache; feedback recorded through the service
    (here in the PM's project) shows at once, and only for those who see that project."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from rapport.feedback import services as feedback

    side = world.one
    http = login(side.owner)
    empty = http.get(URL).context["satisfaction_chart"]
    with CaptureQueriesContext(connection) as queries:
        assert http.get(URL).context["satisfaction_chart"] == empty
    assert not [q for q in queries.captured_queries if "feedback_feedback" in q["sql"]]

    other = world.two
    feedback.feedback_record(
        actor=other.actor(other.pm),
        project=other.project_a,
        source="call",
        received_on=timezone.localdate(),
        quality=1,
    )
    assert http.get(URL).context["satisfaction_chart"] == empty  # another organisation's

    feedback.feedback_record(
        actor=side.actor(side.pm),
        project=side.project_a,
        source="call",
        received_on=timezone.localdate(),
        quality=2,
    )
    moved = http.get(URL).context["satisfaction_chart"]
    assert moved != empty and "2.0" in moved
    outside = _other_pm_of(side)
    assert "2.0" not in login(outside).get(URL).context["satisfaction_chart"]


def _other_pm_of(side: Side) -> Any:
    pm = factories.UserFactory()
    Membership.objects.create(organisation=side.organisation, user=pm, role=Role.PM)
    return pm
