"""axe-core in a real browser on the pages people open most — the PM's home, the portfolio, a
project, the client portal's home and a survey answered by personal link — in English and in
Chinese, on the demo organisation: no serious or critical violation."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from rapport.core.management.commands.demo import PASSWORD
from rapport.core.tokens import digest
from rapport.feedback import services as feedback
from rapport.projects.models import Project
from rapport.tenancy.actors import Actor
from rapport.tenancy.models import Membership
from tests.e2e import browser

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BLOCKING = {"serious", "critical"}
TOKEN = "axe-check-personal-link-0123456789abcdef"


def _violations(page: Any) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in results.response["violations"]
        if v["impact"] in BLOCKING
    ]


@pytest.fixture
def demo() -> dict[str, Any]:
    """The demo organisation, and a survey just sent to a client's contact in each language,
    with personal links this test knows (only their digests are stored)."""
    call_command("demo")
    pm = Membership.objects.get(user__email="pm@lumen.demo")
    actor = Actor.member(pm.user, pm.organisation, pm.role)
    published = Project.objects.filter(status="active", published_at__isnull=False)
    links = {}
    for language, code in (("en", "NWL-01"), ("zh-hans", "HCM-01")):
        project = published.get(code=code)
        contact = project.client.contacts.exclude(email="").order_by("pk").first()
        survey = feedback.survey_send(actor=actor, project=project, contact_ids=[contact.pk])
        token = f"{TOKEN}-{language}"
        survey.invitations.update(token_hash=digest(token))
        links[language] = f"/survey/{token}/"
    return {"project": published.get(code="NWL-01"), "survey_links": links}


@pytest.mark.parametrize(
    ("member", "contact"),
    [("pm@lumen.demo", "sarah@northwind.demo"), ("owner@lumen.demo", "zhangwei@huachen.demo")],
    ids=["english", "chinese"],
)
def test_the_daily_pages_have_no_serious_accessibility_violation(
    new_context: Any, demo: dict[str, Any], server_errors: list[str], member: str, contact: str
) -> None:
    found: dict[str, list[str]] = {}

    internal = new_context().new_page()
    browser.sign_in(internal, member, PASSWORD)
    for path in ("/app/", "/app/portfolio/", f"/app/projects/{demo['project'].pk}/"):
        internal.goto(path)
        found[f"{member} {path}"] = _violations(internal)

    portal = new_context().new_page()
    browser.sign_in(portal, contact, PASSWORD)
    portal.goto("/portal/")
    found[f"{contact} /portal/"] = _violations(portal)

    language = "zh-hans" if member.startswith("owner") else "en"
    link = demo["survey_links"].get(language)
    assert link, f"the demo has no unanswered survey for a contact writing in {language}"
    survey = new_context().new_page()
    survey.goto(link)
    assert survey.locator("form").count() >= 1
    found[f"survey ({language})"] = _violations(survey)

    assert not server_errors
    assert not {page: v for page, v in found.items() if v}, found
