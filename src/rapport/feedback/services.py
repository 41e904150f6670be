"""Client feedback: one function per action. A survey gives each chosen contact a personal
link (a random token, stored hashed, expiring, for one survey and one contact, answered once);
the answer is stored as a feedback entry like the ones the PM records after an interview."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.audit import services as audit
from rapport.clients.health_services import recompute_later
from rapport.clients.models import Contact
from rapport.core.services import require
from rapport.core.tokens import digest, new_secret
from rapport.feedback import followups, permissions
from rapport.feedback.models import (
    NPS,
    RATING,
    TEXT,
    Dimension,
    Feedback,
    Question,
    Survey,
    SurveyInvitation,
    SurveyTemplate,
)
from rapport.feedback.org_settings import feedback_settings_of
from rapport.notify.services import email_queue
from rapport.projects.models import Project
from rapport.tenancy.actors import Actor
from rapport.tenancy.models import Organisation
from rapport.webhooks import payloads as webhook_payloads

TOKEN_BYTES = 24  # 192 bits
MAX_REMINDERS = 2
EXPIRY_DAYS = (1, 90)
DEFAULT_QUESTIONS = (
    (
        Question.Kind.RATING,
        Dimension.PROGRESS,
        "How satisfied are you with the progress of the project?",
        "您对项目进度满意吗？",
        True,
    ),
    (
        Question.Kind.RATING,
        Dimension.QUALITY,
        "How satisfied are you with the quality of what we delivered?",
        "您对我们交付成果的质量满意吗？",
        True,
    ),
    (
        Question.Kind.RATING,
        Dimension.COMMUNICATION,
        "How satisfied are you with our communication?",
        "您对我们的沟通满意吗？",
        True,
    ),
    (
        Question.Kind.NPS,
        "",
        "How likely are you to recommend us to a colleague (0–10)?",
        "您向同事推荐我们的可能性有多大（0–10）？",
        True,
    ),
    (
        Question.Kind.TEXT,
        "",
        "What should we improve?",
        "我们应该改进什么？",
        False,
    ),
)


# --- templates ----------------------------------------------------------------------------


def template_default(*, organisation: Organisation) -> SurveyTemplate:
    """The organisation's default questionnaire, created the first time it is needed."""
    template = SurveyTemplate.objects.filter(organisation=organisation, is_default=True).first()
    if template is not None:
        return template
    template = SurveyTemplate.objects.create(
        organisation=organisation, name=_("Client satisfaction survey"), is_default=True
    )
    Question.objects.bulk_create(
        Question(
            template=template,
            position=position,
            kind=kind,
            dimension=dimension,
            text_en=text_en,
            text_zh=text_zh,
            required=required,
        )
        for position, (kind, dimension, text_en, text_zh, required) in enumerate(
            DEFAULT_QUESTIONS, start=1
        )
    )
    audit.record(
        actor=Actor.system(organisation),
        action="survey_template_created",
        obj=template,
        changes={"name": [None, template.name]},
        organisation_id=organisation.pk,
    )
    return template


# --- sending ------------------------------------------------------------------------------


def answer_url(token: str) -> str:
    return settings.SITE_URL + reverse("feedback_public:answer", args=[token])


def _send_link(invitation: SurveyInvitation, token: str, *, reminder: bool) -> None:
    contact, survey = invitation.contact, invitation.survey
    email_queue(
        to=contact.email,
        template="survey_reminder" if reminder else "survey_invitation",
        context={
            "contact_name": contact.full_name,
            "project_name": survey.project.name,
            "title": survey.title,
            "url": answer_url(token),
            "expires_at": survey.expires_at,
        },
        language=contact.language,
        kind="survey",
        organisation_id=survey.organisation_id,
    )


@transaction.atomic
def survey_send(
    *,
    actor: Actor,
    project: Project,
    contact_ids: list[Any],
    title: str = "",
    expires_in_days: Any = 21,
    remind_after_days: Any = None,
    template_id: Any = None,
) -> Survey:
    """Send one of the organisation's templates (by default its default one) to chosen
    contacts of the project's client, each with their own link by email in their language."""
    require(permissions.can_send(actor, project))
    errors: dict[str, str] = {}
    try:
        ids = {int(pk) for pk in contact_ids}
    except (TypeError, ValueError, OverflowError):
        ids = set()
    contacts = list(
        Contact.objects.filter(client_id=project.client_id, pk__in=ids)
        .exclude(email="")
        .order_by("pk")
    )
    if not contacts or len(contacts) != len(ids):
        errors["contacts"] = _("Choose contacts of the project's client who have an email.")
    try:
        days = int(str(expires_in_days).strip())
    except (TypeError, ValueError):
        days = 0
    if not EXPIRY_DAYS[0] <= days <= EXPIRY_DAYS[1]:
        errors["expires_in_days"] = _("Enter a number of days from 1 to 90.")
    if remind_after_days in (None, ""):
        remind_after_days = feedback_settings_of(project.organisation_id).remind_after_days
    try:
        remind = int(str(remind_after_days).strip())
    except (TypeError, ValueError):
        remind = 0
    if not 1 <= remind <= 30:
        errors["remind_after_days"] = _("Enter a number of days from 1 to 30.")
    title = (title or "").strip()
    if len(title) > 200 or "\x00" in title:
        errors["title"] = _("Enter a title of at most 200 characters.")
    template = _template_of(project, template_id)
    if template is None:
        errors["template"] = _("Choose a survey template of your organisation.")
    if errors or template is None:
        raise ValidationError(errors)
    survey = survey_create(
        project=project,
        template=template,
        contacts=contacts,
        title=title,
        days=days,
        remind_after_days=remind,
        sent_by=actor.user,
    )
    audit.record(
        actor=actor,
        action="survey_sent",
        obj=survey,
        changes={
            "contacts": [None, [c.full_name for c in contacts]],
            "days": [None, days],
            "template": [None, template.name],
        },
    )
    return survey


def _template_of(project: Project, template_id: Any) -> SurveyTemplate | None:
    if template_id in (None, ""):
        return template_default(organisation=project.organisation)
    try:
        return SurveyTemplate.objects.filter(
            organisation_id=project.organisation_id, pk=int(template_id)
        ).first()
    except (TypeError, ValueError, OverflowError):
        return None


def survey_create(
    *,
    project: Project,
    template: SurveyTemplate,
    contacts: list[Contact],
    title: str,
    days: int,
    remind_after_days: int,
    sent_by: Any = None,
) -> Survey:
    """The survey and a personal link emailed to each contact; the caller has checked the
    values and writes the audit event (a person sending it, or a schedule)."""
    now = timezone.now()
    survey = Survey.objects.create(
        organisation_id=project.organisation_id,
        project=project,
        template=template,
        title=title or _("How are we doing?"),
        sent_by=sent_by,
        expires_at=now + timedelta(days=days),
        remind_after_days=remind_after_days,
    )
    for contact in contacts:
        token = new_secret(TOKEN_BYTES)
        invitation = SurveyInvitation.objects.create(
            survey=survey, contact=contact, token_hash=digest(token), last_sent_at=now
        )
        _send_link(invitation, token, reminder=False)
    return survey


def survey_remind_due(*, now: datetime) -> int:
    """Remind the contacts who have not answered ``remind_after_days`` after the last email,
    at most twice; a reminder carries a fresh link (the first one's token is not kept)."""
    sent = 0
    due = (
        SurveyInvitation.objects.filter(
            answered_at__isnull=True,
            reminders_sent__lt=MAX_REMINDERS,
            survey__expires_at__gt=now,
        )
        .select_related("survey__project", "contact")
        .order_by("pk")
    )
    for invitation in due:
        if invitation.last_sent_at and now - invitation.last_sent_at < timedelta(
            days=invitation.survey.remind_after_days
        ):
            continue
        with transaction.atomic():
            token = new_secret(TOKEN_BYTES)
            invitation.token_hash = digest(token)
            invitation.reminders_sent += 1
            invitation.last_sent_at = now
            invitation.save(update_fields=["token_hash", "reminders_sent", "last_sent_at"])
            _send_link(invitation, token, reminder=True)
            audit.record(
                actor=Actor.system(),
                action="survey_reminded",
                obj=invitation.survey,
                changes={"contact": [None, invitation.contact.full_name]},
                organisation_id=invitation.survey.organisation_id,
            )
        sent += 1
    return sent


# --- answering ----------------------------------------------------------------------------


def invitation_from_token(token: str) -> SurveyInvitation | None:
    """The invitation a personal link names, whatever its state; ``None`` for any other
    string. Only the hash is compared, so a guessed or altered token finds nothing."""
    if not token or len(token) > 128:
        return None
    return (
        SurveyInvitation.objects.select_related("survey__template", "survey__project", "contact")
        .filter(token_hash=digest(token))
        .first()
    )


def is_expired(invitation: SurveyInvitation, now: datetime | None = None) -> bool:
    return (now or timezone.now()) >= invitation.survey.expires_at


def _score(value: Any, low: int, high: int) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError
    number = int(str(value).strip())
    if not low <= number <= high:
        raise ValueError
    return number


def check_answers(questions: list[Question], values: dict[str, Any]) -> dict[int, Any]:
    """Each question's answer, checked: keyed ``q<id>``. Returns ``{question_id: value}``."""
    errors: dict[str, str] = {}
    checked: dict[int, Any] = {}
    for question in questions:
        key = f"q{question.pk}"
        raw = values.get(key)
        if question.kind == Question.Kind.TEXT:
            text = str(raw or "").strip()
            if len(text) > TEXT:
                errors[key] = _("Write at most %(max)d characters.") % {"max": TEXT}
            elif "\x00" in text:
                errors[key] = _("The text contains a character that cannot be stored.")
            elif question.required and not text:
                errors[key] = _("Please answer this question.")
            else:
                checked[question.pk] = text
            continue
        low, high = RATING if question.kind == Question.Kind.RATING else NPS
        try:
            score = _score(raw, low, high)
        except (TypeError, ValueError, OverflowError):
            errors[key] = _("Choose a score from %(low)d to %(high)d.") % {"low": low, "high": high}
            continue
        if score is None and question.required:
            errors[key] = _("Please answer this question.")
        else:
            checked[question.pk] = score
    if errors:
        raise ValidationError(errors)
    return checked


def _feedback_from_answers(
    questions: list[Question], checked: dict[int, Any], language: str
) -> tuple[dict[str, int | None], list[str], list[dict[str, Any]]]:
    scores: dict[str, int | None] = dict.fromkeys((*Dimension.values, "nps"))
    comments: list[str] = []
    answers: list[dict[str, Any]] = []
    for question in questions:
        value = checked.get(question.pk)
        answers.append(
            {
                "question": question.pk,
                "kind": question.kind,
                "text": question.text(language),
                "value": value,
            }
        )
        if value in (None, ""):
            continue
        if question.kind == Question.Kind.NPS:
            scores["nps"] = value
        elif question.kind == Question.Kind.RATING:
            scores[question.dimension or Dimension.CUSTOM] = value
        else:
            comments.append(str(value))
    return scores, comments, answers


@transaction.atomic
def survey_answer(
    *, invitation: SurveyInvitation, values: dict[str, Any], actor: Actor
) -> Feedback:
    """A contact answers through their link (or in the portal): once, before expiry."""
    invitation = (
        SurveyInvitation.objects.select_for_update().select_related("contact").get(pk=invitation.pk)
    )
    survey = Survey.objects.select_related("template", "project").get(pk=invitation.survey_id)
    if invitation.answered_at is not None:
        raise ValidationError(_("You have already answered this survey. Thank you!"), "answered")
    if timezone.now() >= survey.expires_at:
        raise ValidationError(
            _("This survey is closed: answers were accepted until %(when)s.")
            % {"when": timezone.localtime(survey.expires_at).strftime("%Y-%m-%d")},
            "expired",
        )
    questions = list(survey.template.questions.all())
    checked = check_answers(questions, values)
    scores, comments, answers = _feedback_from_answers(
        questions, checked, invitation.contact.language
    )
    now = timezone.now()
    feedback = Feedback.objects.create(
        organisation_id=survey.organisation_id,
        project=survey.project,
        source=Feedback.Source.SURVEY,
        invitation=invitation,
        contact_id=invitation.contact_id,
        received_on=timezone.localdate(now),
        comment="\n\n".join(comments),
        answers=answers,
        **scores,
    )
    invitation.answered_at = now
    invitation.save(update_fields=["answered_at"])
    audit.record(
        actor=actor,
        action="survey_answered",
        obj=feedback,
        changes={"scores": [None, feedback.scores()], "nps": [None, feedback.nps]},
        organisation_id=survey.organisation_id,
        contact_id=invitation.contact_id,
    )
    followups.follow_up_open_if_low(feedback=feedback, actor=actor)
    webhook_payloads.feedback_received(feedback)
    recompute_later(feedback.project.client_id)
    read_comment_later(feedback)
    return feedback


# --- feedback recorded by the PM ----------------------------------------------------------

RECORDED_SOURCES = (
    Feedback.Source.INTERVIEW,
    Feedback.Source.CALL,
    Feedback.Source.MEETING,
    Feedback.Source.EMAIL,
)


@transaction.atomic
def feedback_record(
    *,
    actor: Actor,
    project: Project,
    source: str,
    received_on: Any,
    comment: str = "",
    contact_id: Any = None,
    **scores: Any,
) -> Feedback:
    """What a client said in an interview, a call, a meeting or an email, on the same
    dimensions as a survey (every score optional)."""
    require(permissions.can_record(actor, project))
    unknown = set(scores) - {*Dimension.values, "nps"}
    if unknown:
        raise TypeError(f"unknown scores: {sorted(unknown)}")
    errors: dict[str, str] = {}
    if source not in RECORDED_SOURCES:
        errors["source"] = _("Choose where the feedback came from.")
    checked: dict[str, int | None] = {}
    for name, value in scores.items():
        low, high = NPS if name == "nps" else RATING
        try:
            checked[name] = _score(value, low, high)
        except (TypeError, ValueError, OverflowError):
            errors[name] = _("Choose a score from %(low)d to %(high)d.") % {
                "low": low,
                "high": high,
            }
    day: date | None = None
    if isinstance(received_on, date):
        day = received_on
    else:
        try:
            day = date.fromisoformat(str(received_on or "").strip())
        except ValueError:
            errors["received_on"] = _("Enter a valid date (YYYY-MM-DD).")
    if day is not None and day > timezone.localdate():
        errors["received_on"] = _("The date cannot be in the future.")
    comment = (comment or "").strip()
    if len(comment) > TEXT:
        errors["comment"] = _("Write at most %(max)d characters.") % {"max": TEXT}
    elif "\x00" in comment:
        errors["comment"] = _("The text contains a character that cannot be stored.")
    contact = None
    if contact_id not in (None, ""):
        try:
            contact = Contact.objects.filter(
                client_id=project.client_id, pk=int(contact_id)
            ).first()
        except (TypeError, ValueError, OverflowError):
            contact = None
        if contact is None:
            errors["contact"] = _("Choose a contact of the project's client.")
    if not errors and not comment and all(v is None for v in checked.values()):
        errors["comment"] = _("Give at least one score or write what the client said.")
    if errors or day is None:
        raise ValidationError(errors)
    feedback = Feedback.objects.create(
        organisation_id=project.organisation_id,
        project=project,
        source=source,
        contact=contact,
        received_on=day,
        comment=comment,
        recorded_by=actor.user,
        **checked,
    )
    audit.record(
        actor=actor,
        action="feedback_recorded",
        obj=feedback,
        changes={"source": [None, source], "scores": [None, feedback.scores()]},
    )
    followups.follow_up_open_if_low(feedback=feedback, actor=actor)
    webhook_payloads.feedback_received(feedback)
    recompute_later(feedback.project.client_id)
    read_comment_later(feedback)
    return feedback


# --- the comments' sentiment and terms, read by the job worker ----------------------------


def read_comment_later(feedback: Feedback) -> None:
    """After the caller's transaction commits, the job worker reads the comment (sentiment,
    terms) and stores what it found on the row: the language models stay out of the web."""
    if not feedback.comment.strip():
        return
    from rapport.feedback.tasks import read_feedback_comment

    feedback_id = feedback.pk
    transaction.on_commit(lambda: read_feedback_comment.enqueue(feedback_id=feedback_id))


def feedback_comment_read(*, feedback_id: int) -> bool:
    """Store the sentiment and terms of one feedback's comment (in the job worker only: it
    loads snownlp, vaderSentiment and jieba). False when the row is gone or has no comment."""
    from rapport.feedback import analysis

    row = Feedback.objects.filter(pk=feedback_id).values_list("comment", flat=True).first()
    if row is None or not row.strip():
        return False
    sentiment, terms = analysis.read_comment(row)
    # The comment it was read from: a row whose comment changed meanwhile is read again.
    return bool(
        Feedback.objects.filter(pk=feedback_id, comment=row).update(
            sentiment=sentiment, terms=terms
        )
    )


UNREAD_BATCH = 500


def feedback_comments_read_pending() -> int:
    """Read every comment not read yet (rows recorded before the job existed, or whose job was
    lost), in batches by primary key; how many were read. Each batch is read outside any
    transaction and written in one short one, so writers elsewhere are not held up."""
    from rapport.feedback import analysis

    done, after = 0, 0
    while True:
        rows = list(
            Feedback.objects.filter(pk__gt=after, terms__isnull=True)
            .exclude(comment="")
            .order_by("pk")
            .values_list("pk", "comment")[:UNREAD_BATCH]
        )
        if not rows:
            return done
        figures = [
            (pk, comment, *analysis.read_comment(comment))
            for pk, comment in rows
            if comment.strip()
        ]
        with transaction.atomic():
            for pk, comment, sentiment, terms in figures:
                # the comment it was read from: a comment changed meanwhile is read again
                done += Feedback.objects.filter(pk=pk, comment=comment).update(
                    sentiment=sentiment, terms=terms
                )
        after = rows[-1][0]
