"""The analysis on a fixed set of answers: NPS arithmetic, sentiment direction in Chinese and
English, themes with their examples, scores by month, response rate."""

from datetime import date
from decimal import Decimal

import pytest

from rapport.feedback import analysis
from rapport.feedback.analysis import Entry


def test_nps_arithmetic():
    result = analysis.nps([10, 9, 9, 8, 7, 6, 0, 3, 10, 5])
    assert (result.promoters, result.passives, result.detractors) == (4, 2, 4)
    assert result.score == 0
    assert analysis.nps([10, 10, 7]).score == 67  # 66.67 rounds to 67
    assert analysis.nps([6, 8, 9]).score == 0
    assert analysis.nps([0]).score == -100
    assert analysis.nps([]).score is None


@pytest.mark.parametrize(
    ("text", "language", "direction"),
    [
        ("交付质量很好，团队非常专业，我们很满意。", "zh", "positive"),
        ("进度太慢了，沟通很差，我们非常失望。", "zh", "negative"),
        ("Great work, the team is very responsive and we are delighted.", "en", "positive"),
        ("Terrible communication, deadlines missed, very disappointed.", "en", "negative"),
    ],
)
def test_sentiment_direction_in_both_languages(text, language, direction):
    assert analysis.language_of(text) == language
    assert analysis.tone(analysis.sentiment(text)) == direction


def test_themes_are_the_frequent_meaningful_terms_with_examples():
    day = date(2026, 3, 1)
    comments = [
        "进度太慢，希望加快进度",
        "沟通及时，但是进度落后",
        "The communication is slow and the deadlines slip",
        "Deadlines slip every month",
    ]
    result = analysis.analyse(Entry(day, {}, None, text) for text in comments)
    counts = {theme.term: theme.count for theme in result.themes}
    assert counts["进度"] == 2 and counts["deadlines"] == 2 and counts["slip"] == 2
    assert "the" not in counts and "and" not in counts and "但是" not in counts
    example = next(t for t in result.themes if t.term == "进度").examples
    assert example == ["进度太慢，希望加快进度", "沟通及时，但是进度落后"]


def test_scores_by_month_and_response_rate():
    entries = [
        Entry(date(2026, 1, 5), {"quality": 2, "progress": 3}, 5, ""),
        Entry(date(2026, 1, 20), {"quality": 4}, 9, ""),
        Entry(date(2026, 2, 3), {"quality": 5}, 10, "很好"),
    ]
    result = analysis.analyse(entries, invited=4, answered=3)
    assert result.by_month["quality"] == [
        (date(2026, 1, 1), Decimal("3.0")),
        (date(2026, 2, 1), Decimal("5.0")),
    ]
    assert result.averages == {"quality": Decimal("3.7"), "progress": Decimal("3.0")}
    assert result.nps.score == 33
    assert result.response_rate == Decimal("75.0")
    assert [a.language for a in result.answers] == ["zh"]


@pytest.mark.django_db
def test_the_project_analysis_page_reads_the_stored_answers(world, login_as):
    from django.utils import timezone

    from rapport.feedback import services

    side = world.one
    for quality, nps, comment in [
        (2, 3, "进度太慢，沟通很差，非常失望"),
        (5, 10, "Great work, very happy with the quality"),
    ]:
        services.feedback_record(
            actor=side.actor(side.pm),
            project=side.project_a,
            source="interview",
            received_on=timezone.localdate(),
            quality=quality,
            nps=nps,
            comment=comment,
        )
    page = login_as(side.pm).get(f"/app/projects/{side.project_a.pk}/feedback/analysis/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in body and "进度太慢" in body
    assert "1 positive, 0 neutral, 1 negative." in body
    assert "sentiment-negative" in body and "sentiment-positive" in body
    assert (
        login_as(side.pm).get(f"/app/clients/{side.client_a.pk}/feedback/analysis/").status_code
        == 200
    )
    other = login_as(world.two.pm).get(f"/app/projects/{side.project_a.pk}/feedback/analysis/")
    assert other.status_code == 404
