"""Bilingual search over lessons. Text is segmented (jieba for Chinese; words, lower-cased and
lightly stemmed, for English) into a table of terms per lesson, and a query is ranked by BM25
over that table, so SQLite and PostgreSQL give the same results. A query is just words: no
operator, quote or SQL character means anything, and its length is bounded."""

from __future__ import annotations

import heapq
import logging
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Avg, Count, F, QuerySet

from rapport.lessons.models import Lesson, LessonTerm

MAX_QUERY_CHARS = 500
MAX_QUERY_TERMS = 32
MAX_TERM_CHARS = 64
K1, B = 1.2, 0.75
TITLE_WEIGHT = 2

_WORD = re.compile(r"\w", re.UNICODE)
_HAN = re.compile(r"[\u3400-\u9fff]")
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "was",
        "we",
        "were",
        "what",
        "when",
        "which",
        "who",
        "will",
        "with",
        "our",
        "you",
        "的",
        "了",
        "和",
        "是",
        "在",
        "也",
        "就",
        "都",
        "而",
        "及",
        "与",
        "或",
        "一个",
        "我们",
        "他们",
        "对",
        "把",
        "被",
        "让",
        "给",
        "这",
        "那",
        "有",
        "没有",
        "不",
    ]
)


def _stem(word: str) -> str:
    """Enough English stemming for plurals and tenses to meet: "estimates" ~ "estimate"."""
    for suffix in ("ations", "ation", "ings", "ing", "ies", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)]
            return stem + "y" if suffix == "ies" else stem
    return word


def terms(text: str) -> list[str]:
    """The searchable terms of a text, in order (repeats kept)."""
    import jieba  # loaded on first use: its dictionary takes a moment

    jieba.setLogLevel(logging.WARNING)
    result = []
    for token in jieba.lcut_for_search(text.lower()):
        token = token.strip()
        if not token or not _WORD.search(token) or token in STOPWORDS:
            continue
        if not _HAN.search(token):
            if token.isdigit() or len(token) < 2:
                continue
            token = _stem(token)
        result.append(token[:MAX_TERM_CHARS])
    return result


def lesson_text(lesson: Lesson) -> tuple[str, str]:
    body = " ".join(
        [
            lesson.what_happened,
            lesson.impact,
            lesson.root_cause,
            lesson.recommendation,
            " ".join(str(tag) for tag in lesson.tags),
        ]
    )
    return lesson.title, body


def term_counts(title: str, body: str) -> Counter[str]:
    """How often each term occurs in a lesson, its title's terms counting double."""
    counts: Counter[str] = Counter()
    for term in terms(title):
        counts[term] += TITLE_WEIGHT
    counts.update(terms(body))
    return counts


def index(lesson: Lesson) -> None:
    """(Re)build a lesson's terms; called by every service that writes a lesson."""
    counts = term_counts(*lesson_text(lesson))
    LessonTerm.objects.filter(lesson=lesson).delete()
    LessonTerm.objects.bulk_create(
        LessonTerm(lesson=lesson, organisation_id=lesson.organisation_id, term=term, count=count)
        for term, count in counts.items()
    )
    Lesson.objects.filter(pk=lesson.pk).update(length=sum(counts.values()))
    lesson.length = sum(counts.values())


def query_terms(query: str) -> list[str]:
    cleaned = (query or "").replace("\x00", "")[:MAX_QUERY_CHARS]
    return list(dict.fromkeys(terms(cleaned)))[:MAX_QUERY_TERMS]


@dataclass(frozen=True)
class Hit:
    lesson_id: int
    score: float


def rank(lessons: QuerySet[Lesson], query: str, *, limit: int = 50) -> list[Hit]:
    """BM25 over the lessons given (already scoped and filtered), best first; ties by the
    newest lesson. An empty list for a query with no word in it."""
    wanted = query_terms(query)
    if not wanted:
        return []
    stats = lessons.aggregate(n=Count("id"), avg=Avg("length"))
    n, avgdl = stats["n"] or 0, float(stats["avg"] or 0) or 1.0
    if not n:
        return []
    # Joined from the lessons, with the term's own copy of the organisation equal to the
    # lesson's: the database then reads only the wanted terms' postings through the
    # (organisation, term) index instead of probing every lesson in scope.
    postings = list(
        lessons.filter(terms__term__in=wanted, terms__organisation_id=F("organisation_id"))
        .order_by()
        .values_list("pk", "terms__term", "terms__count", "length")
    )
    df = Counter(term for _lesson_id, term, _count, _length in postings)  # one row per lesson
    idf = {term: math.log(1 + (n - found + 0.5) / (found + 0.5)) for term, found in df.items()}
    scores: dict[int, float] = defaultdict(float)
    for lesson_id, term, count, length in postings:
        tf = count * (K1 + 1) / (count + K1 * (1 - B + B * length / avgdl))
        scores[lesson_id] += idf[term] * tf
    best = heapq.nsmallest(limit, scores.items(), key=lambda item: (-item[1], -item[0]))
    return [Hit(lesson_id, round(score, 6)) for lesson_id, score in best]
