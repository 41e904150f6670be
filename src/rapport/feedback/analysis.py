"""The analysis of client feedback, reproducible from the stored answers: scores per
dimension by month, the NPS (promoters 9–10, passives 7–8, detractors 0–6), the response
rate, and for free text the sentiment (snownlp for Chinese, vaderSentiment for English, the
language detected per answer) and the themes (jieba for Chinese words, stop words removed in
both languages) with example answers. Pure functions over plain values; no database.

The language models are big (snownlp alone is ~400 MB resident), so a comment is read once, by
the job worker, when it is recorded (``read_comment``, stored on the row); ``analyse`` only
aggregates the stored figures and never imports a model."""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from rapport.feedback.models import Dimension

CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_WORD = re.compile(r"[a-z][a-z'-]{2,}")
POSITIVE, NEGATIVE = Decimal("0.2"), Decimal("-0.2")
EXAMPLES = 3


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


ENGLISH_STOP_WORDS = _words(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further get got had has have having he her here hers him his how i if in into is
    it its itself just let me more most my no nor not now of off on once only or other our
    ours out over own really same she should so some such than that the their them then there
    these they this those through to too under until up very was we were what when where which
    while who whom why will with would you your yours project team think feel bit lot things
    thing much many well still like"""
)
CHINESE_STOP_WORDS = _words(
    """的 了 和 是 在 我 我们 你 你们 他 她 它 他们 这 那 这个 那个 有 也 就 都 而 及 与 着 或
    一个 没有 不 很 非常 太 比较 还 还是 但 但是 因为 所以 如果 就是 可以 这样 那样 什么 怎么 一些
    一下 已经 会 能 要 对 把 被 让 给 从 到 向 上 下 中 里 吗 呢 吧 啊 呀 哦 嗯 挺 更 最 又 再 得
    地 之 其 并 等 项目 团队 觉得 感觉 希望 目前 现在"""
)


def language_of(text: str) -> str:
    """``zh`` when Chinese characters make up a good part of the letters, else ``en``."""
    cjk = len(CJK.findall(text))
    latin = len(re.findall(r"[A-Za-z]", text))
    return "zh" if cjk and cjk * 3 >= latin else "en"


@cache
def _vader() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def sentiment(text: str) -> Decimal:
    """From -1 (negative) to 1 (positive), two places."""
    text = text.strip()
    if not text:
        return Decimal("0")
    if language_of(text) == "zh":
        from snownlp import SnowNLP

        value = SnowNLP(text).sentiments * 2 - 1  # snownlp: probability of positive
    else:
        value = _vader().polarity_scores(text)["compound"]
    return Decimal(str(value)).quantize(Decimal("0.01"))


def tone(score: Decimal) -> str:
    if score >= POSITIVE:
        return "positive"
    if score <= NEGATIVE:
        return "negative"
    return "neutral"


def terms(text: str) -> list[str]:
    """The meaningful words of one answer, each once."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    found: list[str] = []
    for word in ENGLISH_WORD.findall(text.lower()):
        word = word.strip("'-")
        if len(word) >= 3 and word not in ENGLISH_STOP_WORDS:
            found.append(word)
    for chunk in re.findall(r"[\u4e00-\u9fff]+", text):
        for word in jieba.cut(chunk):
            if len(word) >= 2 and word not in CHINESE_STOP_WORDS:
                found.append(word)
    return list(dict.fromkeys(found))


def read_comment(text: str) -> tuple[Decimal, list[str]]:
    """What the job stores of one comment: its sentiment and its terms. Loads the models."""
    return sentiment(text), terms(text.strip())


@dataclass(frozen=True)
class Answer:
    """One free-text answer as analysed."""

    text: str
    received_on: date
    language: str
    sentiment: Decimal
    terms: tuple[str, ...] = ()

    @property
    def tone(self) -> str:
        return tone(self.sentiment)


@dataclass(frozen=True)
class Theme:
    term: str
    count: int
    examples: list[str]


@dataclass(frozen=True)
class Nps:
    promoters: int
    passives: int
    detractors: int

    @property
    def responses(self) -> int:
        return self.promoters + self.passives + self.detractors

    @property
    def score(self) -> int | None:
        """% promoters − % detractors, rounded half away from zero; None without answers."""
        if not self.responses:
            return None
        value = Decimal(100 * (self.promoters - self.detractors)) / self.responses
        return int(value.quantize(Decimal("1"), rounding="ROUND_HALF_UP"))


def nps(scores: Iterable[int]) -> Nps:
    values = list(scores)
    return Nps(
        promoters=sum(1 for v in values if v >= 9),
        passives=sum(1 for v in values if 7 <= v <= 8),
        detractors=sum(1 for v in values if v <= 6),
    )


@dataclass(frozen=True)
class Entry:
    """What the analysis reads of one piece of feedback."""

    received_on: date
    scores: dict[str, int]
    nps: int | None
    comment: str
    sentiment: Decimal | None = None  # read_comment's figures, None until the job has read it
    terms: list[str] | None = None


@dataclass
class Analysis:
    entries: int
    by_month: dict[str, list[tuple[date, Decimal]]]
    averages: dict[str, Decimal]
    nps: Nps
    invited: int
    answered: int
    answers: list[Answer] = field(default_factory=list)
    themes: list[Theme] = field(default_factory=list)
    pending: int = 0  # comments the job has not read yet: not in the sentiment nor the themes

    @property
    def response_rate(self) -> Decimal | None:
        if not self.invited:
            return None
        return (Decimal(100 * self.answered) / self.invited).quantize(Decimal("0.1"))

    @property
    def sentiment_counts(self) -> dict[str, int]:
        counts = Counter(a.tone for a in self.answers)
        return {name: counts.get(name, 0) for name in ("positive", "neutral", "negative")}

    @property
    def average_sentiment(self) -> Decimal | None:
        if not self.answers:
            return None
        total = sum((a.sentiment for a in self.answers), Decimal("0"))
        return (total / len(self.answers)).quantize(Decimal("0.01"))


def _average(values: list[int]) -> Decimal:
    return (Decimal(sum(values)) / len(values)).quantize(Decimal("0.1"))


def themes(answers: list[Answer], *, top: int = 8) -> list[Theme]:
    """The most frequent meaningful terms (counted once per answer), with example answers."""
    counts: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    for answer in answers:
        for term in answer.terms:
            counts[term] += 1
            if len(examples.setdefault(term, [])) < EXAMPLES:
                examples[term].append(answer.text)
    ranked = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
    return [Theme(term, count, examples[term]) for term, count in ranked[:top] if count >= 1]


def analyse(entries: Iterable[Entry], *, invited: int = 0, answered: int = 0) -> Analysis:
    entries = sorted(entries, key=lambda e: e.received_on)
    monthly: dict[str, dict[date, list[int]]] = {name: {} for name in Dimension.values}
    overall: dict[str, list[int]] = {name: [] for name in Dimension.values}
    answers: list[Answer] = []
    pending = 0
    for entry in entries:
        month = entry.received_on.replace(day=1)
        for name, score in entry.scores.items():
            monthly[name].setdefault(month, []).append(score)
            overall[name].append(score)
        if not entry.comment.strip():
            continue
        if entry.sentiment is None or entry.terms is None:
            pending += 1
            continue
        answers.append(
            Answer(
                text=entry.comment.strip(),
                received_on=entry.received_on,
                language=language_of(entry.comment),
                sentiment=entry.sentiment,
                terms=tuple(entry.terms),
            )
        )
    return Analysis(
        entries=len(entries),
        by_month={
            name: [(month, _average(scores)) for month, scores in sorted(months.items())]
            for name, months in monthly.items()
            if months
        },
        averages={name: _average(values) for name, values in overall.items() if values},
        nps=nps(e.nps for e in entries if e.nps is not None),
        invited=invited,
        answered=answered,
        answers=answers,
        themes=themes(answers),
        pending=pending,
    )
