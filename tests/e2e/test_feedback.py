"""Client feedback in a real browser: the PM sends a survey, the contact opens the personal
link in a fresh browser without signing in and answers with a low score and a Chinese
comment; the PM sees the follow-up on the home page and the negative sentiment."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from rapport.feedback import analysis
from rapport.feedback.models import Feedback, Question
from rapport.notify.models import OutboundEmail
from tests import factories
from tests.e2e.browser import contoso_project, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def surveyed_project() -> Any:
    """Project "Data platform" of Contoso, managed by Pat, published."""
    return contoso_project(code="CON-9", contact=None).project


def test_a_low_answer_by_link_reaches_the_pms_home_with_its_sentiment(
    new_context: Any, live_server: Any, surveyed_project: Any, server_errors: list[str]
) -> None:
    project = surveyed_project
    # snownlp's model and jieba's dictionary load once per process (seconds on a busy machine)
    analysis.terms(str(analysis.sentiment("进度很好")))
    factories.ContactFactory(
        client=project.client, email="li@contoso.test", full_name="Li Na", language="zh-hans"
    )
    pm = new_context().new_page()
    sign_in(pm, "pm@e2e.test")
    pm.goto(f"/app/projects/{project.pk}/")
    pm.get_by_role("main").get_by_role("link", name="Client feedback").click()
    pm.get_by_role("link", name="Send a survey").click()
    pm.get_by_label(re.compile("Li Na")).check()
    pm.get_by_role("button", name="Send").click()
    expect(pm.get_by_text("The survey was sent to 1 contact.")).to_be_visible()

    email = OutboundEmail.objects.get(to="li@contoso.test")
    assert email.language == "zh-hans"
    link = re.search(r"/survey/[A-Za-z0-9_-]+/", email.body_text).group(0)

    # A fresh browser, nobody signed in: the personal link is enough.
    respondent = new_context().new_page()
    respondent.goto(link)
    questions = list(Question.objects.order_by("position"))
    for question in questions:
        name = f"q{question.pk}"
        if question.kind == Question.Kind.TEXT:
            respondent.locator(f'textarea[name="{name}"]').fill(
                "进度太慢，沟通很差，我们非常失望。"
            )
        else:
            low = "2" if question.kind == Question.Kind.RATING else "3"
            respondent.locator(f'input[name="{name}"][value="{low}"]').check()
    respondent.locator("form:has(fieldset) button[type=submit]").click()
    expect(respondent.get_by_text("进度太慢，沟通很差，我们非常失望。")).to_be_visible()
    assert respondent.context.cookies() == [] or all(
        c["name"] != "sessionid" for c in respondent.context.cookies()
    )
    assert Feedback.objects.get().quality == 2

    # The PM sees the follow-up on the home page, and the sentiment in the analysis.
    pm.goto("/app/")
    follow_ups = pm.get_by_test_id("feedback-follow-ups")
    expect(follow_ups.get_by_text(re.compile("进度太慢"))).to_be_visible()
    pm.goto(f"/app/projects/{project.pk}/feedback/analysis/")
    expect(pm.get_by_test_id("sentiment").locator(".sentiment-negative")).to_be_visible()
    expect(pm.get_by_text("0 positive, 0 neutral, 1 negative.")).to_be_visible()
    assert server_errors == []
