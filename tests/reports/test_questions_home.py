"""The PM's home page lists the client's questions on status reports until they are answered."""

import pytest
from django.utils import timezone

from rapport.reports import services as reports
from rapport.reports import threads
from tests.conftest import login

pytestmark = pytest.mark.django_db


def test_a_question_waits_on_the_pms_home_until_answered(world):
    side = world.one
    pm = side.actor(side.pm)
    today = timezone.localdate()
    report = reports.report_draft(
        actor=pm, project=side.project_a, period_start=today, period_end=today
    )
    reports.report_update(actor=pm, report=report, problems="Way forward: agreed.")
    report = reports.report_publish(actor=pm, report=report)
    thread = threads.report_thread_open(
        actor=side.contact_actor(side.contact_a), report=report, body="Why amber?"
    )
    heading = "Client questions on status reports waiting for an answer"
    page = login(side.pm).get("/app/").content.decode()
    assert heading in page and f"#thread-{thread.pk}" in page
    assert heading in login(side.owner).get("/app/").content.decode()
    assert heading not in login(side.member).get("/app/").content.decode()
    assert heading not in login(world.two.owner).get("/app/").content.decode()

    threads.report_thread_answer(actor=pm, thread=thread, body="A late invoice.")
    assert heading not in login(side.pm).get("/app/").content.decode()
