"""Closing a project in a real browser: the PM works through the checklist, writes the summary
and closes; the client's approver accepts the closure in the portal in a separate browser; the
PM captures a lesson in Chinese from the closure page, finds it with a Chinese query in the
library, and sees it suggested on the client's next project."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rapport.closure.models import Closure
from rapport.lessons import search
from rapport.lessons.models import Lesson
from rapport.projects.models import Project
from rapport.reports import services as reports
from tests import factories
from tests.e2e.browser import contoso_project, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LESSON_TITLE = "需求变更没有走变更流程"


@pytest.fixture
def finished_project() -> Any:
    """Project "Data platform" of Contoso, in the portal, its work done and its final status
    report published; Sam is the client's approver."""
    today = timezone.localdate()
    scene = contoso_project(code="CON-4", approver=True, days_from_today=(-120, -1))
    project, actor = scene.project, scene.pm_actor
    report = reports.report_draft(
        actor=actor,
        project=project,
        period_start=today - datetime.timedelta(days=14),
        period_end=today - datetime.timedelta(days=1),
    )
    reports.report_publish(actor=actor, report=report)
    return project


def test_close_accept_and_learn(
    new_context: Any, live_server: Any, finished_project: Any, server_errors: list[str]
) -> None:
    project = finished_project
    search.terms("预热")  # jieba's dictionary loads once per process (seconds on a busy machine)
    pm = new_context().new_page()
    sign_in(pm, "pm@e2e.test")
    pm.goto(f"/app/projects/{project.pk}/closure/")

    # The checklist: the final report is there, the budget not yet closed, nothing blocks.
    checklist = pm.locator("section", has=pm.get_by_role("heading", name="Closure checklist"))
    expect(checklist.locator(".check-final_report")).to_contain_text("✓")
    expect(checklist.locator(".check-budget")).to_contain_text("✗")
    expect(pm.get_by_role("heading", name="What blocks the closure")).to_have_count(0)
    pm.get_by_role("textbox", name="Project summary").fill(
        "The data platform went live on time; the client's analysts use it every day."
    )
    pm.get_by_label("The budget is closed: no more costs will be recorded").check()
    pm.get_by_role("button", name="Save").click()
    expect(pm.get_by_text("The closure is saved.")).to_be_visible()
    expect(checklist.locator(".check-budget")).to_contain_text("✓")
    pm.get_by_role("button", name="Close the project").click()
    expect(
        pm.get_by_text("The project is closed and its closure report is with the client.")
    ).to_be_visible()
    expect(pm.get_by_text("Waiting for the client.")).to_be_visible()
    project.refresh_from_db()
    assert project.status == Project.Status.CLOSED

    # The client's approver reads the closure report in the portal and accepts it.
    client = new_context().new_page()
    sign_in(client, "sam@contoso.test")
    client.goto(f"/portal/projects/{project.pk}/closure/")
    expect(client.get_by_text(re.compile("analysts use it every day"))).to_be_visible()
    client.get_by_role("textbox", name="Comment").fill("Thank you, well done.")
    client.get_by_role("button", name="Accept the closure").click()
    expect(client.get_by_role("button", name="Accept the closure")).to_have_count(0)
    assert Closure.objects.get(project=project).state == Closure.State.ACCEPTED
    pm.reload()
    expect(pm.get_by_text(re.compile("Accepted by Sam Client"))).to_be_visible()

    # The PM captures a lesson in Chinese from the closure page.
    pm.get_by_role("link", name="Capture a lesson").click()
    expect(pm.get_by_role("combobox", name="Project")).to_have_value(str(project.pk))
    pm.get_by_role("textbox", name="Title").fill(LESSON_TITLE)
    pm.get_by_role("combobox", name="Category").select_option("change")
    pm.get_by_role("combobox", name="Language").select_option("zh-hans")
    pm.get_by_role("textbox", name="What happened").fill(
        "客户在验收前口头提出新的报表需求，团队没有评估影响就开始开发。"
    )
    pm.get_by_role("textbox", name="Recommendation").fill(
        "所有需求变更都要提交变更申请，评估对进度和预算的影响后再开发。"
    )
    pm.get_by_role("textbox", name="Tags").fill("需求变更，范围")
    pm.get_by_label("The organisation and the project's client, in the portal").check()
    pm.get_by_role("button", name="Save").click()
    expect(pm.get_by_text("The lesson is in the library.")).to_be_visible()
    expect(pm.get_by_role("heading", name=LESSON_TITLE)).to_be_visible()
    lesson = Lesson.objects.get(title=LESSON_TITLE)
    assert (lesson.project_id, lesson.shared_with_client) == (project.pk, True)

    # A Chinese query finds it in the library.
    pm.goto("/app/lessons/")
    pm.get_by_role("main").get_by_role("searchbox", name="Search").fill("变更申请")
    pm.get_by_role("button", name="Search").click()
    expect(pm.get_by_role("link", name=LESSON_TITLE)).to_be_visible()

    # The client's next project suggests it.
    follow_up = factories.published(
        factories.ProjectFactory(
            client=project.client,
            pm=project.pm,
            code="CON-5",
            name="数据平台二期",
            description="新增报表和数据接口",
        )
    )
    pm.goto(f"/app/projects/{follow_up.pk}/")
    suggested = pm.get_by_test_id("suggested-lessons")
    expect(suggested.get_by_role("link", name=LESSON_TITLE)).to_be_visible()
    assert server_errors == []
