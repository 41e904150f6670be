"""The organisation's survey templates: worded in both languages, with rating, recommendation
and free-text questions. A template keeps at least one question, and one that a survey or a
schedule uses cannot be deleted (the answers refer to its questions)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from rapport.audit import services as audit
from rapport.core.services import require
from rapport.feedback import permissions
from rapport.feedback.models import Dimension, Question, Survey, SurveyTemplate
from rapport.feedback.schedule_models import SurveySchedule
from rapport.tenancy.actors import Actor

MAX_QUESTIONS = 30
NAME = 200
QUESTION_TEXT = 300


def templates_of(*, actor: Actor) -> QuerySet[SurveyTemplate]:
    """The actor's organisation's templates (none for anyone else)."""
    if not actor.is_member:
        return SurveyTemplate.objects.none()
    return SurveyTemplate.objects.filter(organisation_id=actor.organisation_id).order_by(
        "-is_default", "name", "pk"
    )


def _text(value: Any, limit: int) -> str | None:
    """The trimmed text, or None when it is missing, too long or holds a NUL."""
    text = str(value or "").strip()
    if not text or len(text) > limit or "\x00" in text:
        return None
    return text


def _question(row: dict[str, Any], number: int) -> tuple[dict[str, Any], list[str]]:
    errors: list[str] = []
    prefix = _("Question %(number)d:") % {"number": number}
    kind = str(row.get("kind") or "")
    if kind not in Question.Kind.values:
        errors.append(f"{prefix} {_('choose a kind of question.')}")
    dimension = str(row.get("dimension") or "")
    if kind == Question.Kind.RATING and dimension not in Dimension.values:
        errors.append(f"{prefix} {_('choose the dimension a rating measures.')}")
    if kind != Question.Kind.RATING:
        dimension = ""
    text_en, text_zh = (
        _text(row.get("text_en"), QUESTION_TEXT),
        _text(row.get("text_zh"), QUESTION_TEXT),
    )
    if text_en is None or text_zh is None:
        errors.append(
            f"{prefix} "
            + _("write the question in English and in Chinese, at most %(max)d characters each.")
            % {"max": QUESTION_TEXT}
        )
    values = {
        "kind": kind,
        "dimension": dimension,
        "text_en": text_en,
        "text_zh": text_zh,
        "required": bool(row.get("required", True)),
    }
    return values, errors


def _check(name: Any, questions: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Everything checked before any write: the name, each question, and the whole."""
    errors: dict[str, Any] = {}
    checked_name = _text(name, NAME)
    if checked_name is None:
        errors["name"] = _("Give the template a name of at most %(max)d characters.") % {
            "max": NAME
        }
    rows: list[dict[str, Any]] = []
    problems: list[str] = []
    for number, row in enumerate(questions, start=1):
        values, row_errors = _question(row, number)
        rows.append(values)
        problems += row_errors
    if not questions:
        problems.append(_("A template needs at least one question."))
    elif len(questions) > MAX_QUESTIONS:
        problems.append(_("A template has at most %(max)d questions.") % {"max": MAX_QUESTIONS})
    measured = [r["dimension"] for r in rows if r["kind"] == Question.Kind.RATING]
    if len(measured) != len(set(measured)):
        problems.append(_("Each dimension can be rated by one question only."))
    if sum(r["kind"] == Question.Kind.NPS for r in rows) > 1:
        problems.append(_("A template has at most one recommendation question."))
    if problems:
        errors["questions"] = problems
    if errors or checked_name is None:
        raise ValidationError(errors)
    return checked_name, rows


def _write_questions(template: SurveyTemplate, rows: list[dict[str, Any]], ids: list[Any]) -> None:
    """Keep the questions named by id (answers already given refer to them), create the new
    ones, delete the ones left out; positions follow the order given."""
    existing = {q.pk: q for q in template.questions.all()}
    kept: set[int] = set()
    for position, (values, pk) in enumerate(zip(rows, ids, strict=True), start=1):
        question = existing.get(_int(pk) or 0)
        if question is None or question.pk in kept:
            question = Question(template=template)
        for name, value in values.items():
            setattr(question, name, value)
        question.position = position
        question.save()
        kept.add(question.pk)
    template.questions.exclude(pk__in=kept).delete()


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return None


def _summary(template: SurveyTemplate) -> list[str]:
    return [
        f"{q.kind}/{q.dimension or '-'}: {q.text_en} | {q.text_zh}"
        for q in template.questions.all()
    ]


@transaction.atomic
def template_save(
    *,
    actor: Actor,
    template: SurveyTemplate | None = None,
    name: Any,
    questions: list[dict[str, Any]],
    is_default: bool = False,
) -> SurveyTemplate:
    """Create a template, or reword one; ``questions`` in order, each a dict of kind,
    dimension, text_en, text_zh, required and (to keep an existing question) id."""
    require(permissions.can_edit_templates(actor))
    if template is not None and template.organisation_id != actor.organisation_id:
        raise SurveyTemplate.DoesNotExist
    checked_name, rows = _check(name, questions)
    created = template is None
    if template is None:
        template = SurveyTemplate(organisation_id=actor.organisation_id)
        before: dict[str, Any] = {}
    else:
        template = SurveyTemplate.objects.select_for_update().get(pk=template.pk)
        before = {
            **audit.snapshot(template, ("name", "is_default")),
            "questions": _summary(template),
        }
    template.name = checked_name
    if is_default:
        templates_of(actor=actor).exclude(pk=template.pk).update(is_default=False)
        template.is_default = True
    template.save()
    _write_questions(template, rows, [row.get("id") for row in questions])
    after = {**audit.snapshot(template, ("name", "is_default")), "questions": _summary(template)}
    audit.record(
        actor=actor,
        action="survey_template_created" if created else "survey_template_updated",
        obj=template,
        changes=audit.diff(before, after),
    )
    return template


@transaction.atomic
def template_duplicate(*, actor: Actor, template: SurveyTemplate) -> SurveyTemplate:
    """A copy to reword, never the default."""
    require(permissions.can_edit_templates(actor))
    questions = [
        {name: getattr(q, name) for name in ("kind", "dimension", "text_en", "text_zh", "required")}
        for q in template.questions.all()
    ]
    name = (_("%(name)s (copy)") % {"name": template.name})[:NAME]
    return template_save(actor=actor, name=name, questions=questions)


def template_in_use(template: SurveyTemplate) -> bool:
    return (
        Survey.objects.filter(template=template).exists()
        or SurveySchedule.objects.filter(template=template).exists()
    )


@transaction.atomic
def template_delete(*, actor: Actor, template: SurveyTemplate) -> None:
    """Refused while a survey or a schedule uses the template: its answers refer to it."""
    require(permissions.can_edit_templates(actor))
    template = SurveyTemplate.objects.select_for_update().get(pk=template.pk)
    if template_in_use(template):
        raise ValidationError(
            _(
                "This template has been used to send surveys or is scheduled, so it cannot be "
                "deleted: the answers refer to its questions. Duplicate it to make a new one."
            ),
            code="in_use",
        )
    audit.record(
        actor=actor,
        action="survey_template_deleted",
        obj=template,
        changes={"name": [template.name, None], "questions": [_summary(template), None]},
    )
    template.delete()
