"""Lessons search: bilingual segmentation, BM25 ranking over the term table, filters, hostile
queries, and the search-quality bar (recall@5 at least 0.9 over a fixed set)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rapport.audit.models import AuditEvent
from rapport.lessons import search, selectors, services
from rapport.lessons.models import Lesson, LessonTerm
from tests.lessons.corpus import LESSONS, QUERIES

pytestmark = pytest.mark.django_db


def _corpus(side) -> dict[int, str]:
    pm = side.actor(side.pm)
    keys = {}
    for key, (language, category, title, happened, recommendation) in LESSONS.items():
        lesson = services.lesson_create(
            actor=pm,
            project_id=side.project_a.pk if key.endswith(("scope", "scope_creep")) else None,
            title=title,
            what_happened=happened,
            recommendation=recommendation,
            category=category,
            language=language,
        )
        keys[lesson.pk] = key
    return keys


def test_terms_segment_chinese_and_stem_english():
    assert {"需求", "变更"} <= set(search.terms("需求变更没有走流程"))
    assert search.terms("Estimates estimated") == ["estimat", "estimat"]
    assert search.terms("?!… ——；") == []


def test_search_quality_recall_at_5(world, capsys):
    side = world.one
    keys = _corpus(side)
    assert len(LESSONS) >= 40 and len(QUERIES) >= 15
    assert {lang for lang, *_ in LESSONS.values()} == {"en", "zh-hans"}
    recalls = []
    for query, expected in QUERIES.items():
        found = selectors.lesson_search(actor=side.actor(side.member), query=query, limit=5)
        top = {keys[lesson.pk] for lesson in found}
        recalls.append(len(expected & top) / len(expected))
    recall = sum(recalls) / len(recalls)
    with capsys.disabled():
        print(f"\nlessons search recall@5 = {recall:.3f} over {len(QUERIES)} queries")
    assert recall >= 0.9


def test_filters_and_other_organisation(world):
    side = world.one
    keys = _corpus(side)
    by_key = {key: pk for pk, key in keys.items()}
    member = side.actor(side.member)
    found = selectors.lesson_search(actor=member, query="需求变更", category="change")
    assert found and all(lesson.category == "change" for lesson in found)
    by_client = selectors.lesson_search(actor=member, query="需求", client_id=side.client_a.pk)
    assert [lesson.pk for lesson in by_client] == [by_key["zh_scope"]]
    assert selectors.lesson_search(actor=member, query="需求", year=1990) == []
    other = world.two
    assert selectors.lesson_search(actor=other.actor(other.owner), query="需求变更") == []
    assert selectors.lesson_search(actor=side.contact_actor(side.contact_a), query="需求") == []


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "?!.,;:'\"()[]{}<>",
        "。，！？；：",
        "x" * 10_000,
        "需求" * 5000,
        "'; DROP TABLE lessons_lesson; --",
        '"scope" AND NOT (creep OR *) NEAR/3 ^2 ~ -budget',
        "scope\x00creep",
        "%_\\",
    ],
)
def test_pathological_queries_are_safe(world, query):
    side = world.one
    _corpus(side)
    found = selectors.lesson_search(actor=side.actor(side.member), query=query)
    assert isinstance(found, list)
    assert Lesson.objects.count() == len(LESSONS)


def test_writes_are_audited_reindexed_and_checked(world):
    side = world.one
    pm = side.actor(side.pm)
    lesson = services.lesson_create(
        actor=pm,
        project_id=side.project_a.pk,
        title="Old words",
        what_happened="Nothing",
        recommendation="Something",
        category="other",
        tags="alpha, 标签",
    )
    assert lesson.client_id == side.client_a.pk
    assert LessonTerm.objects.filter(lesson=lesson, term="标签").exists()
    services.lesson_update(actor=pm, lesson=lesson, title="Fresh wording")
    assert not LessonTerm.objects.filter(lesson=lesson, term="old").exists()
    assert selectors.lesson_search(actor=pm, query="fresh")[0].pk == lesson.pk
    assert AuditEvent.objects.filter(object_id=str(lesson.pk), action="updated").exists()
    with pytest.raises(ValidationError):
        services.lesson_create(
            actor=pm, title="x", what_happened="y", recommendation="z", category="nope"
        )
    with pytest.raises(ValidationError):
        services.lesson_create(
            actor=pm,
            project_id=world.two.project_a.pk,
            title="x",
            what_happened="y",
            recommendation="z",
            category="other",
        )
    with pytest.raises(PermissionDenied):
        services.lesson_create(
            actor=side.actor(side.outsider),
            title="x",
            what_happened="y",
            recommendation="z",
            category="other",
        )
    assert Lesson.objects.count() == 1


def test_library_page_finds_a_chinese_query_and_survives_hostile_ones(world, login_as):
    side = world.one
    _corpus(side)
    browser = login_as(side.member)
    page = browser.get("/app/lessons/", {"q": "需求变更"}).content.decode()
    assert "需求变更没有走流程" in page
    for params in ({"q": "。，！"}, {"q": "x" * 10_000}, {"year": "abc", "client": "-1"}, {}):
        assert browser.get("/app/lessons/", params).status_code == 200
    assert "Type a word" in browser.get("/app/lessons/", {"q": "?!"}).content.decode()
    assert login_as(side.contact_a.user).get("/app/lessons/").status_code != 200


def test_suggestions_on_a_new_project_of_the_same_client(world, login_as):
    side = world.one
    pm = side.actor(side.pm)
    lesson = services.lesson_create(
        actor=pm,
        project_id=side.project_a.pk,
        title="客户期望需要尽早确认",
        what_happened="原型被误认为成品。",
        recommendation="演示时说明原型的范围。",
        category="expectations",
        language="zh-hans",
    )
    services.lesson_create(
        actor=pm,
        title="Unrelated hardware note",
        what_happened="Servers late.",
        recommendation="Order early.",
        category="other",
    )
    from tests import factories

    new = factories.ProjectFactory(
        client=side.client_a, pm=side.pm, name="第二期门户", description="新的客户门户"
    )
    found = selectors.suggestions(actor=pm, project=new)
    assert found[0].pk == lesson.pk
    page = login_as(side.pm).get(f"/app/projects/{new.pk}/").content.decode()
    assert "suggested-lessons" in page and "客户期望需要尽早确认" in page
    # a project never suggests its own lessons
    assert lesson.pk not in [x.pk for x in selectors.suggestions(actor=pm, project=side.project_a)]
