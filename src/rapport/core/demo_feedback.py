"""Demo client feedback: a year of monthly survey answers per active project with a trend
(communication recovers after a bad spring, quality stays high), comments in the client's
language, a follow-up handled and one still open, improvement actions shown to the client,
and the PM's own rating with a gap."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from rapport.feedback import followups, services
from rapport.feedback.followup_models import FollowUp
from rapport.feedback.models import Feedback, Question, Survey, SurveyInvitation
from rapport.projects.models import Project
from rapport.tenancy.actors import Actor

MONTHS = 12
# months ago → (progress, quality, communication, nps)
SCORES = {
    12: (4, 4, 3, 8),
    11: (4, 5, 3, 8),
    10: (3, 4, 2, 6),
    9: (3, 4, 2, 5),
    8: (2, 4, 2, 4),
    7: (3, 4, 3, 7),
    6: (3, 5, 3, 7),
    5: (4, 5, 4, 8),
    4: (4, 5, 4, 9),
    3: (4, 4, 4, 9),
    2: (5, 5, 4, 10),
    1: (4, 5, 5, 9),
}
COMMENTS = {
    "en": {
        10: "Status updates arrive late and we hear about problems from our own staff first.",
        9: "Communication is poor; we had to chase the team for answers twice this month.",
        8: "The schedule slipped again and nobody told us in time. Very disappointed.",
        6: "Better: the weekly call helps, but the reports are still too long.",
        4: "Great progress and the weekly demo is very useful. Thank you!",
        2: "Excellent quality and clear communication, we are very happy.",
        1: "Very good collaboration, the team is responsive and the demos are clear.",
    },
    "zh-hans": {
        10: "进度汇报总是滞后，问题往往是我们自己的员工先发现的。",
        9: "沟通很差，这个月我们两次追着团队要答复。",
        8: "进度又延误了，而且没有人及时告诉我们，非常失望。",
        6: "有所改善：每周的电话会有帮助，但报告还是太长。",
        4: "进展很好，每周演示非常有用，谢谢！",
        2: "质量很高，沟通清楚，我们非常满意。",
        1: "合作非常愉快，团队响应及时，演示清晰。",
    },
}
ACTIONS = {
    "en": (
        "Weekly status call and a one-page report",
        "Status updates arrive late and the reports are too long.",
        "Since June a 30-minute call every Monday and a one-page summary every Friday.",
    ),
    "zh-hans": (
        "每周例会和一页纸周报",
        "进度汇报滞后，报告太长。",
        "从六月起每周一召开 30 分钟例会，每周五发送一页纸摘要。",
    ),
}
HANDLED = {
    "en": "Called the sponsor, agreed a weekly call and a shorter report.",
    "zh-hans": "已致电项目发起人，商定每周例会并精简报告。",
}


def _answers(survey: Survey, scores: tuple[int, int, int, int], comment: str) -> dict[str, str]:
    progress, quality, communication, nps = scores
    by_dimension = {"progress": progress, "quality": quality, "communication": communication}
    values = {}
    for question in survey.template.questions.all():
        if question.kind == Question.Kind.RATING:
            values[f"q{question.pk}"] = str(by_dimension.get(question.dimension, 4))
        elif question.kind == Question.Kind.NPS:
            values[f"q{question.pk}"] = str(nps)
        else:
            values[f"q{question.pk}"] = comment
    return values


def tell_feedback(project: Project, *, pm: Actor, today: date) -> None:
    if project.published_at is None or project.status != Project.Status.ACTIVE:
        return
    contact = project.client.contacts.exclude(email="").order_by("pk").first()
    if contact is None:
        return
    language = "zh-hans" if contact.language.startswith("zh") else "en"
    comments = COMMENTS[language]
    now = timezone.now()
    for months_ago in range(MONTHS, 0, -1):
        survey = services.survey_send(
            actor=pm,
            project=project,
            contact_ids=[contact.pk],
            title=("月度满意度调查" if language == "zh-hans" else "Monthly check-in"),
        )
        invitation = survey.invitations.get()
        feedback = services.survey_answer(
            invitation=invitation,
            values=_answers(survey, SCORES[months_ago], comments.get(months_ago, "")),
            actor=Actor.contact(contact.user, frozenset({contact.pk}))
            if contact.user
            else Actor.anonymous(),
        )
        day = today - timedelta(days=30 * months_ago)
        sent = now - timedelta(days=30 * months_ago + 2)
        Survey.objects.filter(pk=survey.pk).update(
            created_at=sent, expires_at=sent + timedelta(days=21)
        )
        SurveyInvitation.objects.filter(pk=invitation.pk).update(
            answered_at=now - timedelta(days=30 * months_ago), last_sent_at=sent
        )
        Feedback.objects.filter(pk=feedback.pk).update(received_on=day)
        FollowUp.objects.filter(feedback=feedback).update(due_date=day + timedelta(days=3))
    for follow_up in FollowUp.objects.filter(project=project).select_related("project"):
        followups.follow_up_handle(actor=pm, follow_up=follow_up, handling=HANDLED[language])
    # what the PM heard this week, still to follow up
    services.feedback_record(
        actor=pm,
        project=project,
        source="call",
        received_on=today,
        communication=2,
        comment=(
            "上线时间没有提前通知我们的客服团队。"
            if language == "zh-hans"
            else "Our support desk was not told about the release date."
        ),
        contact_id=contact.pk,
    )
    title, you_said, we_did = ACTIONS[language]
    source = Feedback.objects.filter(project=project, communication__lte=2).order_by("pk").first()
    followups.improvement_save(
        actor=pm,
        project=project,
        title=title,
        owner_id=project.pm_id,
        due_date=today - timedelta(days=150),
        status="done",
        you_said=you_said,
        we_did=we_did,
        shareable=True,
        feedback_id=source.pk if source else None,
    )
    followups.pm_rating_record(
        actor=pm,
        project=project,
        period_start=today - timedelta(days=30 * 10),
        period_end=today - timedelta(days=30 * 8),
        progress=4,
        quality=4,
        communication=4,
    )
