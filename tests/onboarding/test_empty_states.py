"""Every list a new project starts with explains, while it is empty, what belongs there and
offers the first action: a new PM learns the practice from the page itself."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.conftest import login
from tests.factories import (
    ClientFactory,
    MembershipFactory,
    OrganisationFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# (URL name, takes the project id) — the lists of a project and of the organisation.
LISTS = [
    ("changes:list", True),
    ("reports:list", True),
    ("communication:overview", True),
    ("communication:log", True),
    ("messages_app:list", True),
    ("meetings:list", True),
    ("risks:register", True),
    ("risks:issue_log", True),
    ("feedback:list", True),
    ("feedback:schedules", True),
    ("feedback:improvements", True),
    ("feedback:gap", True),
    ("projects:baseline", True),
    ("lessons:library", False),
    ("risks:conflicts", False),  # of one client: conflicts are recorded on a client
]


class Empties(HTMLParser):
    """The text of every element with the class ``empty``, and the page's primary actions."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self.depth = 0
        self.actions = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if self.depth:
            self.depth += 1
        elif "empty" in classes:
            self.depth = 1
            self.texts.append("")
        if tag in {"a", "button"} and "primary" in classes:
            self.actions += 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.texts[-1] += data


def words(text: str) -> int:
    """Words of English, or characters of Chinese counted in twos."""
    return len(re.findall(r"[A-Za-z]+", text)) + len(re.findall(r"[\u4e00-\u9fff]", text)) // 2


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_empty_lists_of_a_new_project_teach_and_offer_the_first_action(language: str) -> None:
    organisation = OrganisationFactory()
    pm = UserFactory(language=language)
    MembershipFactory(organisation=organisation, user=pm, role="pm")
    client = ClientFactory(organisation=organisation)
    project = ProjectFactory(organisation=organisation, client=client, pm=pm)
    http = login(pm)
    short = []
    for name, of_project in LISTS:
        url = reverse(name, args=[project.pk] if of_project else [])
        query = {"client": client.pk} if name == "risks:conflicts" else {}
        response = http.get(url, query)
        assert response.status_code == 200, url
        page = Empties()
        page.feed(response.content.decode())
        assert page.texts, f"{url}: nothing says the list is empty"
        short += [(url, text.strip()) for text in page.texts if words(text) < 8]
        assert page.actions, f"{url}: no first action offered"
    assert not short, f"empty states that do not explain: {short}"
