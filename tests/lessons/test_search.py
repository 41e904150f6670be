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


def _lesson(side, title: str, *, project=None, **values):
    return services.lesson_create(
        actor=side.actor(side.pm),
        project_id=project.pk if project else None,
        title=title,
        what_happened=values.pop("what_happened", "It happened."),
        recommendation=values.pop("recommendation", "Do better."),
        category="other",
        **values,
    )


def test_a_lesson_of_the_same_client_wins_a_tie_of_relevance(world):
    """The bonus of the same client adds to the lesson's relevance, wherever the lesson
    ranks in the whole library: many lessons as relevant, of other clients and newer, do
    not push it out."""
    from tests import factories

    side = world.one
    ours = _lesson(side, "Warehouse scanners arrive late", project=side.project_a)
    others = factories.ProjectFactory(client=side.client_b, pm=side.pm)
    for i in range(60):  # more than the library's fifty best, each as relevant and newer
        _lesson(side, f"Warehouse scanners arrive late {i}", project=others)
    for i in range(200):  # the rest of the library, so that the words are rare in it
        _lesson(side, f"Budget review {i}", project=others)
    new = factories.ProjectFactory(
        client=side.client_a, pm=side.pm, name="Warehouse scanners", description=""
    )
    found = selectors.suggestions(actor=side.actor(side.pm), project=new)
    assert found[0].pk == ours.pk
    assert len(found) == 5


def test_suggestions_are_kept_until_the_library_or_the_project_changes(world):
    from tests import factories

    side = world.one
    pm = side.actor(side.pm)
    new = factories.ProjectFactory(
        client=side.client_b, pm=side.pm, name="Data migration", description="legacy CRM"
    )
    assert selectors.suggestions(actor=pm, project=new) == []
    lesson = _lesson(side, "Data migration needs a dry run", project=side.project_a)
    assert [x.pk for x in selectors.suggestions(actor=pm, project=new)] == [lesson.pk]
    services.lesson_update(actor=pm, lesson=lesson, title="Hardware orders go early")
    assert selectors.suggestions(actor=pm, project=new) == []  # no word in common any more
    services.lesson_update(actor=pm, lesson=lesson, title="Legacy CRM exports are slow")
    assert [x.pk for x in selectors.suggestions(actor=pm, project=new)] == [lesson.pk]
    new.description = "a new website"  # the project's own words are part of what is kept
    new.name = "Website"
    assert selectors.suggestions(actor=pm, project=new) == []
    new.description = "legacy CRM"
    assert [x.pk for x in selectors.suggestions(actor=pm, project=new)] == [lesson.pk]
    services.lesson_delete(actor=pm, lesson=lesson)
    assert selectors.suggestions(actor=pm, project=new) == []


def test_the_librarys_figures_are_kept_until_a_lesson_changes(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    side = world.one
    organisation_id = side.organisation.pk
    _lesson(side, "Scope change needs a request")
    first = search.library(organisation_id, ["scope"])
    assert first.lessons >= 1 and "scope" in first.idf
    with CaptureQueriesContext(connection) as queries:
        assert search.library(organisation_id, ["scope"]) == first
    assert not [query for query in queries if "lessons_" in query["sql"]]  # kept
    assert search.library(organisation_id, ["scope", "request"]) != first  # other terms
    _lesson(side, "Scope creep again")
    after = search.library(organisation_id, ["scope"])
    assert after.lessons == first.lessons + 1 and after.idf["scope"] < first.idf["scope"]
    assert after == search.library_read(organisation_id, ["scope"])


def _brute_force(lessons, query: str, limit: int) -> list[tuple[int, float]]:
    """Every posting of the query's terms scored, over the organisation's library: what the
    threshold algorithm must return without reading them all."""
    wanted = search.query_terms(query)
    organisation_id = lessons.first().organisation_id
    library = search.library(organisation_id, wanted)
    gains: dict[int, dict[str, float]] = {}
    postings = LessonTerm.objects.filter(lesson__in=lessons, term__in=wanted)
    for lesson_id, term, count, length in postings.values_list(
        "lesson_id", "term", "count", "length"
    ):
        weight = search.weight(count, length, library.mean_length)
        gains.setdefault(lesson_id, {})[term] = library.idf[term] * weight
    scores = {  # summed in the query's order, as the search does
        pk: sum(found[term] for term in library.idf if term in found) for pk, found in gains.items()
    }
    best = sorted(scores.items(), key=lambda item: (-item[1], -item[0]))[:limit]
    return [(lesson_id, round(score, 6)) for lesson_id, score in best]


@pytest.mark.parametrize("limit", [1, 2])
def test_early_termination_gives_the_exact_top(world, monkeypatch, limit):
    """Postings read a few at a time, with impacts for about this corpus's mean length so that
    most queries stop early: in scope or filtered, the top is the one scoring every posting
    gives, ties included."""
    monkeypatch.setattr(search, "REFERENCE_LENGTH", 12)
    monkeypatch.setattr(search, "FIRST_CHUNK", 1)
    cursors = []
    advance = search._Cursor.advance

    def counted(cursor, *args):
        cursors.append(cursor)
        return advance(cursor, *args)

    monkeypatch.setattr(search._Cursor, "advance", counted)
    side = world.one
    _corpus(side)
    pm = side.actor(side.pm)
    for n in range(6):  # identical lessons: equal scores, the newest first
        services.lesson_create(
            actor=pm,
            title="Scope change",
            what_happened=f"Scope change number {n}.",
            recommendation="Change request.",
            category="change",
        )
    visible = selectors.lessons_visible_to(pm)
    queries = [*QUERIES, "scope change", "change request budget", "变更 scope 需求", "zzz"]
    stopped_early = 0
    for lessons in (visible, visible.filter(category="change"), visible.filter(language="en")):
        for query in queries:
            cursors.clear()
            hits = search.rank(lessons, query, organisation_ids=[side.organisation.pk], limit=limit)
            expected = _brute_force(lessons, query, limit)
            assert [(hit.lesson_id, hit.score) for hit in hits] == expected, query
            stopped_early += any(not cursor.exhausted for cursor in cursors)
    assert stopped_early >= 3  # else this tests nothing


@pytest.mark.parametrize("mean_length", [3.0, 20.0, 64.0, 71.6, 300.0])
def test_weight_bound_bounds_every_posting_below_an_impact(mean_length):
    postings = [(count, length) for count in range(1, 8) for length in range(count, 200, 7)]
    for count, length in postings:
        ceiling = search.weight_bound(search.impact(count, length), mean_length)
        for other_count, other_length in postings:
            if search.impact(other_count, other_length) <= search.impact(count, length):
                assert search.weight(other_count, other_length, mean_length) <= ceiling + 1e-12


def _postings_of(lesson: Lesson) -> set[tuple[str, int, int, float]]:
    counts = search.term_counts(*search.lesson_text(lesson))
    return {(p.term, p.count, p.length, p.impact) for p in search.postings(lesson, counts)}


def test_postings_follow_create_update_delete_and_the_migration_fills_them(world):
    side = world.one
    pm = side.actor(side.pm)
    lesson = services.lesson_create(
        actor=pm, title="短", what_happened="a b", recommendation="c", category="other"
    )
    lesson = services.lesson_update(
        actor=pm, lesson=lesson, what_happened="Longer words now, much longer words."
    )
    stored = LessonTerm.objects.filter(lesson=lesson).values_list(
        "term", "count", "length", "impact"
    )
    assert set(stored) == _postings_of(lesson) and lesson.length == 8
    other = services.lesson_create(
        actor=pm, title="Other", what_happened="x", recommendation="y", category="other"
    )
    LessonTerm.objects.update(length=0, impact=0.0)  # as before the migration

    from django.apps import apps

    migration = __import__(
        "rapport.lessons.migrations.0003_term_impact", fromlist=["fill_postings"]
    )
    migration.fill_postings(apps, None)
    for each in (lesson, other):
        stored = LessonTerm.objects.filter(lesson=each).values_list(
            "term", "count", "length", "impact"
        )
        expected = {(t, c, n, round(i, 12)) for t, c, n, i in _postings_of(each)}
        assert {(t, c, n, round(i, 12)) for t, c, n, i in stored} == expected
    services.lesson_delete(actor=pm, lesson=lesson)
    assert not LessonTerm.objects.filter(lesson_id=lesson.pk).exists()


def test_a_contact_searches_the_lessons_shared_with_them(world):
    side = world.one
    pm = side.actor(side.pm)
    shared = services.lesson_create(
        actor=pm,
        project_id=side.project_a.pk,
        title="需求变更要走流程",
        what_happened="需求变更太多。",
        recommendation="提交变更申请。",
        category="change",
        shared_with_client=True,
    )
    services.lesson_create(
        actor=pm,
        project_id=side.project_a.pk,
        title="需求变更的内部复盘",
        what_happened="需求变更。",
        recommendation="内部。",
        category="change",
    )
    contact = side.contact_actor(side.contact_a)
    assert [x.pk for x in selectors.lesson_search(actor=contact, query="需求变更")] == [shared.pk]
    assert selectors.lesson_search(actor=side.contact_actor(side.contact_b), query="需求") == []
