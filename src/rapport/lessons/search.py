"""Bilingual search over lessons. Text is segmented (jieba for Chinese; words, lower-cased and
lightly stemmed, for English) into a table of terms per lesson (``LessonTerm``, a posting per
lesson and term), and a query is ranked by BM25 over that table, so SQLite and PostgreSQL give
the same results. A query is just words: no operator, quote or SQL character means anything,
and its length is bounded.

Ranking is exact BM25 over the organisation's whole library (lesson count, mean length and
each term's document frequency are the library's, whatever the filters): a lesson's score does
not depend on the filters, which only decide which lessons may be returned. Scoring every
posting of a common term (tens of thousands of lessons contain "change") is what made search
slow, so the best ``limit`` lessons are found by reading few postings (a threshold algorithm):

* Each posting stores its lesson's length and its *impact*: the BM25 term-frequency weight
  the posting would have if the library's mean length were ``REFERENCE_LENGTH``. Impact only
  depends on the posting, so it never needs recomputing when the library grows, and the index
  (organisation, term, impact DESC, lesson DESC) gives any term's postings best first.
* For each query term, the postings in scope are read in impact order, a chunk at a time; a
  posting read gives its term's exact weight in its lesson (from its count and length, at the
  library's real mean length). A lesson's other terms are unknown until read: its score lies
  between what is known (lower bound) and that plus the most each unread term could add.
* A posting not read yet has an impact at most that of the last one read in its term, and
  ``weight_bound`` turns an impact into the highest real weight it can hide. When the
  ``limit``-th best lower bound (the floor) beats the sum of those bounds, no lesson unseen can
  enter the top and reading stops; otherwise each term reads a chunk four times as large.
* Lessons are scored exactly (their postings of all the query terms, fetched by lesson) only
  when they may reach the top: the best few by upper bound every round, which raises the
  floor, then at the end every lesson whose upper bound reaches the floor.

The top is the same as scoring every posting: ties between equal scores go to the newest
lesson, and the stop test keeps a small margin for rounding, so it only ever reads more."""

from __future__ import annotations

import hashlib
import heapq
import logging
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from django.core.cache import cache
from django.db.models import Avg, Count, QuerySet

from rapport.core import versions
from rapport.lessons.models import Lesson, LessonTerm

MAX_QUERY_CHARS = 500
MAX_QUERY_TERMS = 32
MAX_TERM_CHARS = 64
K1, B = 1.2, 0.75
REFERENCE_LENGTH = 64  # terms; about a lesson's, so that the bounds are tight
FIRST_CHUNK = 50  # postings read per term at first
CHUNK_GROWTH = 4  # and this many times more every round
MARGIN = 1e-9  # relative, for rounding in the stop test
SCORE_BATCH = 1000  # lessons scored per query
LIBRARY_KEPT = 3600  # seconds; the library's version moves on whenever a lesson changes
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


def weight(count: int, length: int, mean_length: float) -> float:
    """BM25's saturated, length-normalised weight of a term occurring ``count`` times."""
    return count * (K1 + 1) / (count + K1 * (1 - B + B * length / mean_length))


def impact(count: int, length: int) -> float:
    """A posting's weight at the reference mean length: the order postings are read in."""
    return weight(count, length, REFERENCE_LENGTH)


def weight_bound(impact: float, mean_length: float) -> float:
    """The highest weight, at ``mean_length``, of a posting whose impact is at most ``impact``.

    With d = (K1 + 1) / weight = 1 + K1(1 - B)/count + K1 B length/(count mean), shrinking the
    mean length by a factor r <= 1 cannot shrink d - 1 below r times what it was."""
    d_minus_1 = (K1 + 1) / impact - 1
    return (K1 + 1) / (1 + d_minus_1 * min(1.0, REFERENCE_LENGTH / mean_length))


def postings(lesson: Lesson, counts: Counter[str]) -> list[LessonTerm]:
    length = sum(counts.values())
    return [
        LessonTerm(
            lesson=lesson,
            organisation_id=lesson.organisation_id,
            term=term,
            count=count,
            length=length,
            impact=impact(count, length),
        )
        for term, count in counts.items()
    ]


def index(lesson: Lesson) -> None:
    """(Re)build a lesson's terms; called by every service that writes a lesson."""
    counts = term_counts(*lesson_text(lesson))
    LessonTerm.objects.filter(lesson=lesson).delete()
    LessonTerm.objects.bulk_create(postings(lesson, counts))
    Lesson.objects.filter(pk=lesson.pk).update(length=sum(counts.values()))
    lesson.length = sum(counts.values())
    library_changed(lesson.organisation_id)


def _library_key(organisation_id: int | None) -> str:
    return f"lessons:library:{organisation_id}"


def library_changed(organisation_id: int | None) -> None:
    """A lesson was written or removed: what was ranked against the library is ranked again."""
    versions.move_on(_library_key(organisation_id))


def library_version(organisation_id: int | None) -> int:
    return versions.version_of(_library_key(organisation_id))


def project_text(name: str, description: str) -> str:
    """The words of a project its lesson suggestions are found by."""
    return f"{name} {description}"


def text_digest(text: str) -> str:
    """What a text's terms are kept under (``ProjectTerms``, the suggestions' cache)."""
    return hashlib.sha256(text.encode()).hexdigest()


def query_terms(query: str) -> list[str]:
    cleaned = (query or "").replace("\x00", "")[:MAX_QUERY_CHARS]
    return list(dict.fromkeys(terms(cleaned)))[:MAX_QUERY_TERMS]


@dataclass(frozen=True)
class Hit:
    lesson_id: int
    score: float


@dataclass(frozen=True)
class Library:
    """What BM25 needs to know of an organisation's whole library for one query."""

    lessons: int
    mean_length: float
    idf: dict[str, float]  # the query's terms that occur in the library


def library(organisation_id: int, wanted: list[str]) -> Library:
    """``library_read``, kept in the cache until a lesson of the organisation is written or
    removed (its library's version moves on)."""
    key = f"lessons:stats:{organisation_id}:{library_version(organisation_id)}:" + text_digest(
        "\n".join(wanted)
    )
    return cast(
        Library, cache.get_or_set(key, lambda: library_read(organisation_id, wanted), LIBRARY_KEPT)
    )


def library_read(organisation_id: int, wanted: list[str]) -> Library:
    """Two index-only reads: (organisation, length) of lessons, (organisation, term) of terms."""
    stats = Lesson.objects.filter(organisation_id=organisation_id).aggregate(
        n=Count("*"), avg=Avg("length")
    )
    n, mean_length = stats["n"] or 0, float(stats["avg"] or 0) or 1.0
    documents = (
        LessonTerm.objects.filter(organisation_id=organisation_id, term__in=wanted)
        .order_by()
        .values_list("term")
        .annotate(found=Count("*"))
    )
    found = dict(documents)
    idf = {  # in the query's order
        term: math.log(1 + (n - found[term] + 0.5) / (found[term] + 0.5))
        for term in wanted
        if term in found
    }
    return Library(n, mean_length, idf)


@dataclass
class _Cursor:
    """A query term's postings in scope, read best first, a chunk at a time."""

    term: str
    idf: float
    read: int = 0
    last_impact: float = math.inf
    exhausted: bool = False

    def advance(
        self, scope: QuerySet[Lesson], organisation_id: int, count: int
    ) -> list[tuple[int, int, int]]:
        """The next ``count`` (lesson, count, length) of the term, by impact, newest first; one
        more is asked for, to know whether these are the last."""
        rows = list(
            scope.filter(terms__organisation_id=organisation_id, terms__term=self.term)
            .order_by("-terms__impact", "-terms__lesson_id")
            .values_list("pk", "terms__count", "terms__length", "terms__impact")[
                self.read : self.read + count + 1
            ]
        )
        self.exhausted = len(rows) <= count
        rows = rows[:count]
        self.read += len(rows)
        if rows:
            self.last_impact = rows[-1][3]
        return [(lesson_id, count, length) for lesson_id, count, length, _impact in rows]

    def bound(self, mean_length: float) -> float:
        """The most this term can add to the score of a lesson not read in it yet."""
        return 0.0 if self.exhausted else self.idf * weight_bound(self.last_impact, mean_length)


class _Candidates:
    """The lessons read so far, with what each query term is known to add to their scores.
    ``known`` (a lower bound) is for pruning; a score is summed in the query's order, so that
    it is the same number however its postings were found."""

    def __init__(self, library: Library, cursors: list[_Cursor]) -> None:
        self.library = library
        self.cursors = cursors  # in the query's order, as library.idf
        self.bits = {cursor.term: 1 << i for i, cursor in enumerate(cursors)}
        self.gains: dict[int, dict[str, float]] = defaultdict(dict)
        self.known: dict[int, float] = defaultdict(float)
        self.seen: dict[int, int] = defaultdict(int)  # bits of the terms read in a lesson

    def add(self, term: str, rows: Iterable[tuple[int, int, int]]) -> None:
        idf, mean_length, bit = self.library.idf[term], self.library.mean_length, self.bits[term]
        for lesson_id, count, length in rows:
            if not self.seen[lesson_id] & bit:
                gain = idf * weight(count, length, mean_length)
                self.gains[lesson_id][term] = gain
                self.known[lesson_id] += gain
                self.seen[lesson_id] |= bit

    def uppers(self) -> dict[int, float]:
        """The most each lesson's score can be: its known gains, and the bounds of the rest."""
        bounds = [cursor.bound(self.library.mean_length) for cursor in self.cursors]
        missing: dict[int, float] = {}
        for seen in set(self.seen.values()):
            missing[seen] = sum(b for i, b in enumerate(bounds) if not seen >> i & 1)
        return {pk: known + missing[self.seen[pk]] for pk, known in self.known.items()}

    def complete(self, lesson_ids: Iterable[int]) -> None:
        """Read the lessons' postings of the terms that may still be missing from them."""
        unread = sum(self.bits[c.term] for c in self.cursors if not c.exhausted)
        lesson_ids = [pk for pk in lesson_ids if ~self.seen[pk] & unread]
        wanted = list(self.library.idf)
        for start in range(0, len(lesson_ids), SCORE_BATCH):
            rows = LessonTerm.objects.filter(
                lesson_id__in=lesson_ids[start : start + SCORE_BATCH], term__in=wanted
            ).values_list("term", "lesson_id", "count", "length")
            for term, lesson_id, count, length in rows:
                self.add(term, [(lesson_id, count, length)])
        everything = sum(self.bits.values())
        for lesson_id in lesson_ids:
            self.seen[lesson_id] = everything  # a term not found is not in the lesson

    def floor(self, limit: int) -> float:
        """At most the ``limit``-th best score: the ``limit``-th best lower bound."""
        best = heapq.nlargest(limit, self.known.values())
        return best[-1] * (1 - MARGIN) if len(best) == limit else 0.0

    def best(self, lesson_ids: Iterable[int], limit: int) -> list[tuple[int, float]]:
        scores = self.library.idf
        return _best(
            (
                (pk, sum(self.gains[pk][t] for t in scores if t in self.gains[pk]))
                for pk in lesson_ids
            ),
            limit,
        )


def _best(scores: Iterable[tuple[int, float]], limit: int) -> list[tuple[int, float]]:
    return heapq.nsmallest(limit, scores, key=lambda item: (-item[1], -item[0]))


def _rank_library(
    lessons: QuerySet[Lesson], wanted: list[str], organisation_id: int, limit: int
) -> list[tuple[int, float]]:
    """The best ``limit`` lessons of one organisation's library (see the module docstring)."""
    library_ = library(organisation_id, wanted)
    cursors = [_Cursor(term, idf) for term, idf in library_.idf.items()]
    candidates = _Candidates(library_, cursors)
    scope = lessons.filter(organisation_id=organisation_id)
    chunk = max(limit, FIRST_CHUNK)
    while True:
        for cursor in cursors:
            if not cursor.exhausted:
                candidates.add(cursor.term, cursor.advance(scope, organisation_id, chunk))
        uppers = candidates.uppers()
        candidates.complete(heapq.nlargest(2 * limit, uppers, key=uppers.__getitem__))
        floor = candidates.floor(limit)
        unseen = sum(cursor.bound(library_.mean_length) for cursor in cursors)
        if not unseen or unseen * (1 + MARGIN) < floor:
            break
        chunk *= CHUNK_GROWTH
    # Every lesson that could still reach the floor is scored exactly; no other can.
    uppers = candidates.uppers()
    contenders = [pk for pk, upper in uppers.items() if upper * (1 + MARGIN) >= floor]
    candidates.complete(contenders)
    return candidates.best(contenders, limit)


def rank(
    lessons: QuerySet[Lesson], query: str, *, organisation_ids: list[int], limit: int = 50
) -> list[Hit]:
    """BM25 over the lessons given (already scoped and filtered) of these organisations, each
    ranked in its own library; best first, ties to the newest lesson. An empty list for a query
    with no word in it."""
    return rank_terms(lessons, query_terms(query), organisation_ids=organisation_ids, limit=limit)


def rank_terms(
    lessons: QuerySet[Lesson], wanted: list[str], *, organisation_ids: list[int], limit: int = 50
) -> list[Hit]:
    """``rank`` for a query already made into terms (``query_terms``)."""
    if not wanted or limit < 1:
        return []
    scores: dict[int, float] = {}
    for organisation_id in organisation_ids:
        scores.update(_rank_library(lessons, wanted, organisation_id, limit))
    return [Hit(lesson_id, round(score, 6)) for lesson_id, score in _best(scores.items(), limit)]
