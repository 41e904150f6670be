"""Global search: scoped to what the actor may open, both languages, literal wildcards, bad
input never an error, and a fixed number of queries whatever the data size."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.changes.models import ChangeRequest
from rapport.projects.models import Project
from rapport.search import selectors
from rapport.search.highlight import highlight, snippet
from rapport.search.query import MAX_QUERY_CHARS, parse
from tests.conftest import Side, World, login
from tests.search.records import every_kind

pytestmark = pytest.mark.django_db

URL = "/app/search/"
KINDS = {"clients", "contacts", "changes", "reports", "meetings", "lessons", "messages"}


def _found(side: Side, user: Any, text: str) -> dict[str, int]:
    groups = selectors.search(actor=side.actor(user), query=parse(text))
    return {group.kind: len(group.hits) for group in groups}


def _titles(side: Side, text: str, kind: str = "changes") -> list[str]:
    groups = selectors.search(actor=side.actor(side.pm), query=parse(text))
    titles = [str(hit.title) for group in groups if group.kind == kind for hit in group.hits]
    return [title.split(" · ", 1)[1] for title in titles]  # without the "CR-001 · " prefix


def _change(project: Project, title: str, description: str = "Details") -> ChangeRequest:
    number = ChangeRequest.objects.filter(project=project).count() + 1
    return ChangeRequest.objects.create(
        project=project, number=number, title=title, description=description, state="submitted"
    )


# --- scope -----------------------------------------------------------------------------------


def test_every_kind_is_found_for_the_projects_manager(world: World) -> None:
    one = world.one
    every_kind(one.project_a, pm=one.actor(one.pm), phrase="Quokka")

    assert _found(one, one.pm, "quokka") == dict.fromkeys(KINDS, 1)
    assert _found(one, one.pm, one.project_b.code) == {"projects": 1}


def test_another_organisations_records_never_appear(world: World) -> None:
    two = world.two
    every_kind(two.project_a, pm=two.actor(two.pm), phrase="Quokka")
    one = world.one

    for user in (one.owner, one.admin, one.pm, one.member, one.outsider):
        assert _found(one, user, "quokka") == {}
        response = login(user).get(URL, {"q": "quokka"})
        assert response.status_code == 200
        assert "Quokka" not in response.content.decode()


def test_a_project_the_member_does_not_work_on_never_appears(world: World) -> None:
    one = world.one
    every_kind(one.project_b, pm=one.actor(one.pm), phrase="Quokka")

    assert _found(one, one.pm, "quokka") == dict.fromkeys(KINDS, 1)
    # The lessons library is the organisation's, for every member; nothing else of project B.
    assert _found(one, one.member, "quokka") == {"lessons": 1}
    assert _found(one, one.outsider, "quokka") == {"lessons": 1}
    page = login(one.member).get(URL, {"q": "quokka", "kind": "changes"})
    assert page.status_code == 200 and "Quokka change" not in page.content.decode()


def test_portal_contacts_get_no_search(world: World) -> None:
    response = login(world.one.contact_a.user).get(URL, {"q": "Client"})
    assert response.status_code == 404


# --- languages -------------------------------------------------------------------------------


def test_a_chinese_substring_finds_the_change_request(world: World) -> None:
    one = world.one
    _change(one.project_a, "需求变更：增加导出功能", "客户希望导出报表")
    _change(one.project_a, "界面调整")

    assert _titles(one, "需求") == ["<mark>需求</mark>变更：增加导出功能"]
    assert _titles(one, "导出") == ["需求变更：增加<mark>导出</mark>功能"]
    response = login(one.pm).get(URL, {"q": "需求"})
    assert "<mark>需求</mark>变更" in response.content.decode()


def test_english_is_case_insensitive_and_every_word_must_match(world: World) -> None:
    one = world.one
    _change(one.project_a, "Export to Excel", "The finance team asks for it")
    _change(one.project_a, "Export to PDF")

    assert _titles(one, "EXPORT excel") == ["<mark>Export</mark> to <mark>Excel</mark>"]
    assert len(_titles(one, "export")) == 2
    assert _titles(one, "FINANCE") == ["Export to Excel"]


def test_a_title_match_comes_before_a_match_in_the_text(world: World) -> None:
    one = world.one
    _change(one.project_a, "Data migration", "Move the invoices")
    _change(one.project_a, "Invoices archive")

    assert _titles(one, "invoices") == ["<mark>Invoices</mark> archive", "Data migration"]


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("50%", "50% off"), ("a_b", "a_b flag"), ("back\\slash", "back\\slash path")],
)
def test_like_wildcards_and_backslash_are_taken_literally(
    world: World, text: str, expected: str
) -> None:
    one = world.one
    for title in ("50% off", "500 units", "a_b flag", "axb flag", "back\\slash path", "backslash"):
        _change(one.project_a, title)

    found = [title.replace("<mark>", "").replace("</mark>", "") for title in _titles(one, text)]
    assert found == [expected]


def test_an_empty_search_shows_the_help(world: World) -> None:
    response = login(world.one.pm).get(URL)
    assert response.status_code == 200
    assert 'data-testid="search-help"' in response.content.decode()


def test_only_punctuation_asks_for_a_word(world: World) -> None:
    _change(world.one.project_a, "Why?!")
    response = login(world.one.pm).get(URL, {"q": "?! %_ \\ ..."})
    assert response.status_code == 200
    assert "Type a word to search for." in response.content.decode()


def test_a_very_long_search_is_shortened_with_a_message(world: World) -> None:
    response = login(world.one.pm).get(URL, {"q": "需" * 10_000})
    body = response.content.decode()
    assert response.status_code == 200
    assert f"only its first {MAX_QUERY_CHARS} characters were used" in body
    assert "需" * (MAX_QUERY_CHARS + 1) not in body
    assert parse("x" * 10_000).text == "x" * MAX_QUERY_CHARS


def test_emoji_control_characters_and_markup_are_harmless(world: World) -> None:
    one = world.one
    _change(one.project_a, "🚀 <b>launch</b> day")
    http = login(one.pm)

    rocket = http.get(URL, {"q": "🚀"}).content.decode()
    assert "<mark>🚀</mark> &lt;b&gt;launch&lt;/b&gt; day" in rocket
    markup = http.get(URL, {"q": "<b>launch"}).content.decode()
    assert "<mark>&lt;b&gt;launch</mark>" in markup and "<b>launch" not in markup
    for text in ("nul\x00byte", "\u202eevil", "'; DROP TABLE clients; --", "９９９"):
        assert http.get(URL, {"q": text}).status_code == 200


# --- full lists and the query bound ----------------------------------------------------------


def test_more_leads_to_the_full_paginated_list_of_the_kind(world: World) -> None:
    one = world.one
    for i in range(30):
        _change(one.project_a, f"Budget item {i:02d}")
    http = login(one.pm)

    overview = http.get(URL, {"q": "budget"}).content.decode()
    assert overview.count("</mark> item") == selectors.PER_KIND
    assert "/app/search/?q=budget&amp;kind=changes" in overview

    first = http.get(URL, {"q": "budget", "kind": "changes"}).content.decode()
    second = http.get(URL, {"q": "budget", "kind": "changes", "page": "2"}).content.decode()
    assert first.count("</mark> item") == 25 and second.count("</mark> item") == 5
    assert "(30)" in first


def _queries(http: Any, query: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert http.get(URL, query).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("query", [{"q": "Quokka"}, {"q": "Quokka", "kind": "messages"}])
def test_a_search_runs_a_fixed_number_of_queries(world: World, query: dict[str, str]) -> None:
    one = world.one
    http = login(one.pm)
    every_kind(one.project_a, pm=one.actor(one.pm), phrase="Quokka")
    _queries(http, query)  # warm up: session, caches
    few = _queries(http, query)

    for _ in range(12):
        every_kind(one.project_a, pm=one.actor(one.pm), phrase="Quokka")
    _queries(http, query)  # the new records' audit events reset the navigation's counts
    assert _queries(http, query) == few


# --- pieces ----------------------------------------------------------------------------------


def test_highlight_escapes_everything_but_its_marks() -> None:
    assert str(highlight("a <i>(x+)</i> b", ["(x+)"])) == "a &lt;i&gt;<mark>(x+)</mark>&lt;/i&gt; b"
    assert str(highlight("Ünïcode ünïcode", ["ÜNÏ"])) == "<mark>Ünï</mark>code <mark>ünï</mark>code"


def test_a_snippet_is_cut_around_the_first_match() -> None:
    text = "word " * 50 + "needle " + "word " * 50
    piece = str(snippet(["", text], ["needle"]))
    assert piece.startswith("…") and piece.endswith("…") and "<mark>needle</mark>" in piece
    assert len(piece) < 200
