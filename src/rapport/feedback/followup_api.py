"""Acting on feedback through the API, as in the app: the follow-ups a low score opens (read,
handled by the project's managers), the improvement actions the team takes because of what
the client said (shareable ones are the portal's "you said, we did"), and the PM's own ratings
set beside the client's (the expectation gap). Every write is a call to
``feedback.followups``, which holds the rules."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field, StringConstraints

from rapport.core.api_conventions import named_by_body
from rapport.core.api_pagination import Pages
from rapport.core.services import require
from rapport.feedback import followups, permissions
from rapport.feedback.followup_models import NOTE, FollowUp, ImprovementAction, PmRating
from rapport.feedback.models import Feedback
from rapport.projects.models import Project
from rapport.projects.selectors import project_get
from rapport.tenancy.actors import ActorRequest

router = Router(tags=["client feedback"])

Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
Note = Annotated[str, StringConstraints(max_length=NOTE)]
Title = Annotated[str, StringConstraints(max_length=200)]
Rating = Annotated[int, Field(ge=1, le=5)]

BODY_FIELDS = {"owner": "owner_id", "feedback": "feedback_id"}


def _viewable(request: ActorRequest, project_id: int) -> Project:
    project = project_get(actor=request.actor, project_id=project_id)
    require(permissions.can_view(request.actor, project))
    return project


# --- follow-ups ---------------------------------------------------------------------------


class FollowUpOut(Schema):
    id: int
    feedback_id: int
    assignee_id: int
    due_date: date
    low_scores: dict[str, int]
    handled_at: datetime | None
    handled_by_id: int | None
    handling: str
    created_at: datetime


class HandleIn(Schema):
    handling: Note = Field(description="What you did about it (called the client, agreed a fix…).")


def _follow_ups(project: Project) -> QuerySet[FollowUp]:
    return FollowUp.objects.filter(project=project).order_by("due_date", "pk")


@router.get(
    "/projects/{project_id}/follow-ups",
    response=list[FollowUpOut],
    operation_id="follow_ups_list",
)
@paginate(Pages, ordering=("due_date", "handled_at"))
def follow_ups_list(
    request: ActorRequest, project_id: int, handled: bool | None = None
) -> QuerySet[FollowUp]:
    """The follow-ups low scores opened, the soonest due first (``handled=false``: the ones
    still to act on)."""
    follow_ups = _follow_ups(_viewable(request, project_id))
    if handled is not None:
        follow_ups = follow_ups.filter(handled_at__isnull=not handled)
    return follow_ups


@router.get(
    "/projects/{project_id}/follow-ups/{follow_up_id}",
    response=FollowUpOut,
    operation_id="follow_ups_get",
)
def follow_ups_get(request: ActorRequest, project_id: int, follow_up_id: int) -> FollowUp:
    return get_object_or_404(_follow_ups(_viewable(request, project_id)), pk=follow_up_id)


@router.post(
    "/projects/{project_id}/follow-ups/{follow_up_id}/handle",
    response=FollowUpOut,
    operation_id="follow_ups_handle",
)
def follow_ups_handle(
    request: ActorRequest, project_id: int, follow_up_id: int, payload: HandleIn
) -> FollowUp:
    """Record what was done; a follow-up is handled once (the project's managers)."""
    project = _viewable(request, project_id)
    follow_up = get_object_or_404(_follow_ups(project), pk=follow_up_id)
    followups.follow_up_handle(actor=request.actor, follow_up=follow_up, handling=payload.handling)
    return get_object_or_404(_follow_ups(project), pk=follow_up_id)


# --- improvement actions ------------------------------------------------------------------


class ImprovementOut(Schema):
    id: int
    title: str
    you_said: str
    we_did: str
    owner_id: int
    due_date: date | None
    status: str
    shareable: bool
    feedback_id: int | None
    created_at: datetime
    updated_at: datetime


class ImprovementIn(Schema):
    title: Title
    owner_id: Id | None = Field(None, description="Someone on the project's team; default: you.")
    you_said: Note = ""
    we_did: Note = ""
    due_date: date | None = None
    status: ImprovementAction.Status = ImprovementAction.Status.OPEN
    shareable: bool = Field(
        False,
        description='Show it to the client as "you said, we did" (the project\'s managers; '
        "needs `you_said`).",
    )
    feedback_id: Id | None = Field(None, description="The feedback of this project behind it.")


class ImprovementPatch(Schema):
    """Only what changes; ``null`` empties ``due_date`` and leaves any other field as it is."""

    title: Title | None = None
    owner_id: Id | None = None
    you_said: Note | None = None
    we_did: Note | None = None
    due_date: date | None = None
    status: ImprovementAction.Status | None = None
    shareable: bool | None = None
    feedback_id: Id | None = None


def _improvements(project: Project) -> QuerySet[ImprovementAction]:
    return ImprovementAction.objects.filter(project=project).order_by("status", "due_date", "pk")


@router.get(
    "/projects/{project_id}/improvements",
    response=list[ImprovementOut],
    operation_id="improvements_list",
)
@paginate(Pages, ordering=("title", "status", "due_date"))
def improvements_list(
    request: ActorRequest, project_id: int, status: ImprovementAction.Status | None = None
) -> QuerySet[ImprovementAction]:
    improvements = _improvements(_viewable(request, project_id))
    return improvements.filter(status=status.value) if status else improvements


@router.post(
    "/projects/{project_id}/improvements",
    response={201: ImprovementOut},
    operation_id="improvements_create",
)
def improvements_create(
    request: ActorRequest, project_id: int, payload: ImprovementIn
) -> Status[ImprovementAction]:
    """An improvement the team takes on, from a piece of feedback or from the analysis."""
    project = _viewable(request, project_id)
    values = payload.dict()
    values["status"] = payload.status.value
    if values["owner_id"] is None and request.actor.user is not None:
        values["owner_id"] = request.actor.user.pk
    with named_by_body(BODY_FIELDS):
        action = followups.improvement_save(actor=request.actor, project=project, **values)
    return Status(201, get_object_or_404(_improvements(project), pk=action.pk))


@router.get(
    "/projects/{project_id}/improvements/{improvement_id}",
    response=ImprovementOut,
    operation_id="improvements_get",
)
def improvements_get(
    request: ActorRequest, project_id: int, improvement_id: int
) -> ImprovementAction:
    return get_object_or_404(_improvements(_viewable(request, project_id)), pk=improvement_id)


@router.patch(
    "/projects/{project_id}/improvements/{improvement_id}",
    response=ImprovementOut,
    operation_id="improvements_update",
)
def improvements_update(
    request: ActorRequest, project_id: int, improvement_id: int, payload: ImprovementPatch
) -> ImprovementAction:
    """Progress it (``status``), say what was done (``we_did``), share it with the client."""
    project = _viewable(request, project_id)
    action = get_object_or_404(_improvements(project), pk=improvement_id)
    values: dict[str, Any] = {
        "title": action.title,
        "owner_id": action.owner_id,
        "you_said": action.you_said,
        "we_did": action.we_did,
        "due_date": action.due_date,
        "status": action.status,
        "shareable": action.shareable,
        "feedback_id": action.feedback_id,
    }
    for name, value in payload.dict(exclude_unset=True).items():
        if value is not None:
            values[name] = value.value if isinstance(value, ImprovementAction.Status) else value
        elif name == "due_date":
            values[name] = None
    with named_by_body(BODY_FIELDS):
        followups.improvement_save(actor=request.actor, project=project, action=action, **values)
    return get_object_or_404(_improvements(project), pk=improvement_id)


# --- the PM's ratings (expectation gap) ---------------------------------------------------


class GapOut(Schema):
    dimension: str
    pm: int
    client: Decimal | None = Field(description="The client's average over the same period.")
    flagged: bool = Field(description=f"{followups.GAP_POINTS} points or more apart")


class PmRatingOut(Schema):
    id: int
    period_start: date
    period_end: date
    progress: int | None
    quality: int | None
    communication: int | None
    recorded_by_id: int | None
    created_at: datetime
    gaps: list[GapOut]

    @staticmethod
    def resolve_gaps(obj: PmRating, context: dict[str, Any]) -> list[GapOut]:
        """Against the project's feedback, read once per request however many ratings."""
        memo = context["request"].__dict__.setdefault("_gap_feedback", {})
        if obj.project_id not in memo:
            memo[obj.project_id] = list(
                Feedback.objects.filter(project_id=obj.project_id).only(
                    "project_id", "received_on", *followups.GAP_DIMENSIONS
                )
            )
        return [
            GapOut(dimension=gap.dimension, pm=gap.pm, client=gap.client, flagged=gap.flagged)
            for gap in followups.gaps_against(obj, memo[obj.project_id])
        ]


class PmRatingIn(Schema):
    period_start: date
    period_end: date
    progress: Rating | None = None
    quality: Rating | None = None
    communication: Rating | None = None


@router.get(
    "/projects/{project_id}/pm-ratings",
    response=list[PmRatingOut],
    operation_id="pm_ratings_list",
)
@paginate(Pages, ordering=("period_start", "period_end"))
def pm_ratings_list(request: ActorRequest, project_id: int) -> QuerySet[PmRating]:
    """The PM's ratings, the latest period first, each beside the client's feedback of the
    same period."""
    project = _viewable(request, project_id)
    return PmRating.objects.filter(project=project).order_by("-period_end", "-pk")


@router.post(
    "/projects/{project_id}/pm-ratings",
    response={201: PmRatingOut},
    operation_id="pm_ratings_create",
)
def pm_ratings_create(
    request: ActorRequest, project_id: int, payload: PmRatingIn
) -> Status[PmRating]:
    """Your own view of a period (at least one dimension; the project's managers)."""
    project = _viewable(request, project_id)
    rating = followups.pm_rating_record(actor=request.actor, project=project, **payload.dict())
    return Status(201, rating)
