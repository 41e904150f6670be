"""Acting on feedback: the follow-up a low score opens, its handling, improvement actions
("you said, we did") and the PM's own rating behind the expectation gap."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.audit import services as audit
from rapport.core.services import require
from rapport.feedback import permissions
from rapport.feedback.followup_models import (
    GAP_POINTS,
    NOTE,
    FollowUp,
    ImprovementAction,
    PmRating,
)
from rapport.feedback.models import RATING, Dimension, Feedback
from rapport.feedback.org_settings import feedback_settings_of
from rapport.feedback.schedule_models import FeedbackSettings
from rapport.projects.models import Project
from rapport.projects.selectors import managed_by
from rapport.tenancy.actors import Actor

GAP_DIMENSIONS = ("progress", "quality", "communication")


def low_scores(feedback: Feedback, settings: FeedbackSettings) -> dict[str, int]:
    """The scores at or below the organisation's thresholds (by default any dimension ≤ 2, a
    recommendation ≤ 6)."""
    low = {name: score for name, score in feedback.scores().items() if score <= settings.low_rating}
    if feedback.nps is not None and feedback.nps <= settings.low_nps:
        low["nps"] = feedback.nps
    return low


def follow_up_open_if_low(*, feedback: Feedback, actor: Actor) -> FollowUp | None:
    """Called by the services that store feedback, in their transaction."""
    settings = feedback_settings_of(feedback.organisation_id)
    low = low_scores(feedback, settings)
    if not low:
        return None
    project = Project.objects.only("pm_id", "organisation_id").get(pk=feedback.project_id)
    follow_up = FollowUp.objects.create(
        feedback=feedback,
        project_id=feedback.project_id,
        assignee_id=project.pm_id,
        due_date=feedback.received_on + timedelta(days=settings.follow_up_days),
        low_scores=low,
    )
    audit.record(
        actor=actor,
        action="follow_up_opened",
        obj=follow_up,
        changes={"low_scores": [None, low], "due_date": [None, follow_up.due_date.isoformat()]},
        organisation_id=project.organisation_id,
    )
    return follow_up


def _text(value: Any, field: str, *, required: bool = False, limit: int = NOTE) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError({field: _("This field is required.")})
    if len(text) > limit:
        raise ValidationError({field: _("Write at most %(max)d characters.") % {"max": limit}})
    if "\x00" in text:
        raise ValidationError({field: _("The text contains a character that cannot be stored.")})
    return text


@transaction.atomic
def follow_up_handle(*, actor: Actor, follow_up: FollowUp, handling: str) -> FollowUp:
    """The PM records what they did (called the client, agreed a fix…); it leaves the home."""
    require(permissions.can_send(actor, follow_up.project))
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if follow_up.handled_at is not None:
        raise ValidationError({"handling": _("This follow-up has already been handled.")})
    follow_up.handling = _text(handling, "handling", required=True)
    follow_up.handled_at = timezone.now()
    follow_up.handled_by = actor.user
    follow_up.save(update_fields=["handling", "handled_at", "handled_by", "updated_at"])
    audit.record(
        actor=actor,
        action="follow_up_handled",
        obj=follow_up,
        changes={"handling": [None, follow_up.handling]},
    )
    return follow_up


def follow_ups_open(*, actor: Actor) -> QuerySet[FollowUp]:
    """The PM's follow-ups still to handle, the most overdue first (for the home page)."""
    if not actor.is_member:
        return FollowUp.objects.none()
    return (
        FollowUp.objects.filter(
            assignee=actor.user,
            handled_at__isnull=True,
            project__organisation_id=actor.organisation_id,
        )
        .select_related("project__client", "feedback__contact")
        .order_by("due_date", "pk")
    )


# --- improvement actions ------------------------------------------------------------------


def _date(value: Any, field: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError({field: _("Enter a valid date (YYYY-MM-DD).")}) from None


def _owner(project: Project, owner_id: Any) -> Any:
    from rapport.risks.selectors import owners_for

    try:
        owner = owners_for(project=project).filter(pk=int(owner_id)).first()
    except (TypeError, ValueError, OverflowError):
        owner = None
    if owner is None:
        raise ValidationError({"owner": _("Choose someone on the project's team.")})
    return owner


@transaction.atomic
def improvement_save(
    *,
    actor: Actor,
    project: Project,
    action: ImprovementAction | None = None,
    title: Any,
    owner_id: Any,
    due_date: Any = None,
    status: Any = ImprovementAction.Status.OPEN,
    you_said: Any = "",
    we_did: Any = "",
    shareable: bool = False,
    feedback_id: Any = None,
) -> ImprovementAction:
    """Create or update an improvement action of the project, from a piece of feedback or
    from the analysis; shareable ones appear in the client portal as "you said, we did"."""
    require(permissions.can_record(actor, project))
    if shareable or (action is not None and action.shareable):
        require(permissions.can_send(actor, project))
    errors: dict[str, Any] = {}
    values: dict[str, Any] = {}
    checks = {
        "title": lambda: _text(title, "title", required=True, limit=200),
        "you_said": lambda: _text(you_said, "you_said"),
        "we_did": lambda: _text(we_did, "we_did"),
        "due_date": lambda: _date(due_date, "due_date"),
        "owner": lambda: _owner(project, owner_id),
    }
    for name, check in checks.items():
        try:
            values[name] = check()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    if status not in ImprovementAction.Status.values:
        errors["status"] = [_("Choose a status.")]
    feedback = None
    if feedback_id not in (None, ""):
        try:
            feedback = Feedback.objects.filter(project=project, pk=int(feedback_id)).first()
        except (TypeError, ValueError, OverflowError):
            feedback = None
        if feedback is None:
            errors["feedback"] = [_("Choose feedback of this project.")]
    if shareable and not errors and not values["you_said"]:
        errors["you_said"] = [_("Say what the client told you before showing it to them.")]
    if errors:
        raise ValidationError(errors)
    created = action is None
    if action is None:
        action = ImprovementAction(
            organisation_id=project.organisation_id, project=project, created_by=actor.user
        )
    before = audit.snapshot(action, ("title", "status", "shareable", "due_date", "we_did"))
    for name, value in values.items():
        setattr(action, name, value)
    action.status = status
    action.shareable = bool(shareable)
    if feedback is not None or created:
        action.feedback = feedback
    action.save()
    audit.record(
        actor=actor,
        action="improvement_created" if created else "improvement_updated",
        obj=action,
        changes=audit.diff(
            before, audit.snapshot(action, ("title", "status", "shareable", "due_date", "we_did"))
        ),
    )
    return action


# --- expectation gap ----------------------------------------------------------------------


@transaction.atomic
def pm_rating_record(
    *, actor: Actor, project: Project, period_start: Any, period_end: Any, **scores: Any
) -> PmRating:
    """The PM's own view of progress, quality and communication over a period."""
    require(permissions.can_send(actor, project))
    if set(scores) - set(GAP_DIMENSIONS):
        raise TypeError(f"unknown scores: {sorted(set(scores) - set(GAP_DIMENSIONS))}")
    errors: dict[str, Any] = {}
    start = end = None
    try:
        start = _date(period_start, "period_start")
        end = _date(period_end, "period_end")
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if not errors and (start is None or end is None or start > end):
        errors["period_end"] = [_("The period must end on or after its start.")]
    checked: dict[str, int | None] = {}
    for name in GAP_DIMENSIONS:
        raw = scores.get(name)
        if raw in (None, ""):
            checked[name] = None
            continue
        try:
            if isinstance(raw, bool):
                raise ValueError
            value = int(str(raw).strip())
            if not RATING[0] <= value <= RATING[1]:
                raise ValueError
        except (TypeError, ValueError, OverflowError):
            errors[name] = [_("Choose a score from %(low)d to %(high)d.") % {"low": 1, "high": 5}]
            continue
        checked[name] = value
    if not errors and all(v is None for v in checked.values()):
        errors["progress"] = [_("Rate at least one dimension.")]
    if errors or start is None or end is None:
        raise ValidationError(errors)
    rating = PmRating.objects.create(
        project=project, period_start=start, period_end=end, recorded_by=actor.user, **checked
    )
    audit.record(
        actor=actor,
        action="pm_rating_recorded",
        obj=rating,
        changes={name: [None, value] for name, value in checked.items() if value is not None},
        organisation_id=project.organisation_id,
    )
    return rating


@dataclass(frozen=True)
class Gap:
    dimension: str
    pm: int
    client: Decimal | None
    flagged: bool

    @property
    def label(self) -> str:
        return str(Dimension(self.dimension).label)


def _gaps(rating: PmRating, feedback: list[Feedback]) -> list[Gap]:
    gaps = []
    for name in GAP_DIMENSIONS:
        pm = getattr(rating, name)
        if pm is None:
            continue
        scores = [
            score
            for f in feedback
            if rating.period_start <= f.received_on <= rating.period_end
            and (score := getattr(f, name)) is not None
        ]
        value = (Decimal(sum(scores)) / len(scores)).quantize(Decimal("0.1")) if scores else None
        gaps.append(
            Gap(name, pm, value, value is not None and abs(Decimal(pm) - value) >= GAP_POINTS)
        )
    return gaps


def gaps_against(rating: PmRating, feedback: list[Feedback]) -> list[Gap]:
    """A rating's gaps against its project's feedback, already read."""
    return _gaps(rating, feedback)


def expectation_gaps(ratings: list[PmRating]) -> list[tuple[PmRating, list[Gap]]]:
    """Each of the PM's ratings beside the client's average for the same period, per
    dimension; a difference of ``GAP_POINTS`` or more is flagged (either way). One query for
    the client's feedback, however many ratings."""
    if not ratings:
        return []
    feedback = list(
        Feedback.objects.filter(
            project_id__in={r.project_id for r in ratings},
            received_on__gte=min(r.period_start for r in ratings),
            received_on__lte=max(r.period_end for r in ratings),
        ).only("project_id", "received_on", *GAP_DIMENSIONS)
    )
    return [
        (rating, _gaps(rating, [f for f in feedback if f.project_id == rating.project_id]))
        for rating in ratings
    ]


def latest_pm_ratings(*, actor: Actor) -> QuerySet[PmRating]:
    """The PM's latest own rating of each project they manage: the one the expectation gap of
    the home page reads (a newer rating replaces it)."""
    newer = PmRating.objects.filter(project_id=OuterRef("project_id")).filter(
        Q(period_end__gt=OuterRef("period_end"))
        | Q(period_end=OuterRef("period_end"), pk__gt=OuterRef("pk"))
    )
    return (
        PmRating.objects.filter(project__in=managed_by(actor))
        .exclude(Exists(newer))
        .select_related("project__client")
        .order_by("project__name", "pk")
    )


def expectation_gap(*, rating: PmRating) -> list[Gap]:
    return expectation_gaps([rating])[0][1]
