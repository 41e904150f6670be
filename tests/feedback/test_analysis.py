"""The analysis on a fixed set of answers: NPS arithmetic, sentiment direction in Chinese and
English, themes with their examples, scores by month, response rate; the comments are read by
the job when recorded, and the pages never load a language model."""

import io
from datetime import date
from decimal import Decimal

import pytest

from rapport.feedback import analysis
from rapport.feedback.analysis import Entry
from tests.fresh import WITH_OWNER, run_fresh


def read(day, scores, nps, text):
    """An entry as the page reads it once the job has read its comment."""
    return Entry(day, scores, nps, text, *analysis.read_comment(text))


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
    result = analysis.analyse(read(day, {}, None, text) for text in comments)
    counts = {theme.term: theme.count for theme in result.themes}
    assert counts["进度"] == 2 and counts["deadlines"] == 2 and counts["slip"] == 2
    assert "the" not in counts and "and" not in counts and "但是" not in counts
    example = next(t for t in result.themes if t.term == "进度").examples
    assert example == ["进度太慢，希望加快进度", "沟通及时，但是进度落后"]


def test_scores_by_month_and_response_rate():
    entries = [
        Entry(date(2026, 1, 5), {"quality": 2, "progress": 3}, 5, ""),
        Entry(date(2026, 1, 20), {"quality": 4}, 9, ""),
        read(date(2026, 2, 3), {"quality": 5}, 10, "很好"),
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


def test_comments_not_read_yet_are_counted_apart():
    day = date(2026, 3, 1)
    result = analysis.analyse(
        [
            read(day, {}, 9, "Great work, very happy"),
            Entry(day, {}, 3, "进度太慢，沟通很差"),  # the job has not read it yet
            Entry(day, {}, 8, "  "),
        ]
    )
    assert result.pending == 1 and result.entries == 3
    assert [a.text for a in result.answers] == ["Great work, very happy"]
    assert result.sentiment_counts == {"positive": 1, "neutral": 0, "negative": 0}
    assert "进度" not in {theme.term for theme in result.themes}


@pytest.mark.django_db
def test_the_project_analysis_page_reads_the_stored_answers(
    world, login_as, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from rapport.feedback import services

    side = world.one
    for quality, nps, comment in [
        (2, 3, "进度太慢，沟通很差，非常失望"),
        (5, 10, "Great work, very happy with the quality"),
    ]:
        with django_capture_on_commit_callbacks(execute=True):  # the job reads the comment
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


@pytest.mark.django_db
def test_comments_recorded_before_the_job_are_read_by_the_backfill(world, login_as):
    from django.core.management import call_command
    from django.utils import timezone

    from rapport.feedback.models import Feedback
    from rapport.feedback.tasks import read_pending_feedback_comments

    side = world.one
    base = f"/app/projects/{side.project_a.pk}/feedback/analysis/"
    for comment in ["Terrible communication, very disappointed", "交付质量很好，我们很满意", ""]:
        Feedback.objects.create(  # as rows stood before the job existed: not read
            organisation=side.organisation,
            project=side.project_a,
            source="call",
            received_on=timezone.localdate(),
            quality=3,
            comment=comment,
        )
    body = login_as(side.pm).get(base).content.decode()
    assert "2 comments are still being analysed and are not counted yet." in body
    assert "0 positive, 0 neutral, 0 negative." in body
    from tests.feedback.test_api import _api

    api = _api(side, side.pm)
    figures_url = f"/api/v1/projects/{side.project_a.pk}/feedback/analysis"
    assert api.get(figures_url).json()["comments_being_analysed"] == 2

    assert read_pending_feedback_comments.enqueue().return_value == 2
    body = login_as(side.pm).get(base).content.decode()
    assert "still being analysed" not in body
    assert "1 positive, 0 neutral, 1 negative." in body
    figures = api.get(figures_url).json()
    assert figures["comments_being_analysed"] == 0 and figures["sentiment"]["negative"] == 1
    out = io.StringIO()
    call_command("read_feedback_comments", stdout=out)
    assert out.getvalue().strip() == "0 comment(s) read."  # nothing left
    assert not Feedback.objects.filter(terms__isnull=True).exclude(comment="").exists()


PAGES_WITHOUT_MODELS = (
    WITH_OWNER
    + """
from decimal import Decimal
from rapport.feedback.models import Feedback

project = factories.ProjectFactory(client__organisation=organisation, pm=owner)
for comment, sentiment, terms in [
    ("进度太慢，沟通很差", Decimal("-0.80"), ["进度", "沟通"]),
    ("Great work", Decimal("0.62"), ["great", "work"]),
    ("Not read yet", None, None),
]:
    Feedback.objects.create(
        organisation=project.organisation, project=project, source="call",
        received_on="2026-03-01", quality=4, comment=comment, sentiment=sentiment, terms=terms,
    )
bodies = [
    http.get(path)
    for path in (
        "/app/feedback/analysis/",
        f"/app/clients/{project.client_id}/feedback/analysis/",
        f"/app/projects/{project.pk}/feedback/analysis/",
    )
]
print(json.dumps({
    "status": [page.status_code for page in bodies],
    "counted": all("1 positive, 0 neutral, 1 negative." in p.content.decode() for p in bodies),
    "loaded": sorted(m for m in ("snownlp", "vaderSentiment", "jieba") if m in sys.modules),
}))
"""
)


def test_the_analysis_pages_load_no_language_model(tmp_path):
    """In a fresh interpreter, as a web worker: the pages aggregate the stored figures, and
    neither snownlp nor vaderSentiment nor jieba is imported."""
    figures = run_fresh(PAGES_WITHOUT_MODELS, tmp_path)
    assert figures == {"status": [200, 200, 200], "counted": True, "loaded": []}
