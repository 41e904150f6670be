"""Client feedback through the client portal API (``/api/v1/portal/``, a contact's portal API
token): the surveys sent to the contact and still open, answering one (checked by the same
service as the portal page and the personal link, so once and before expiry), and the
improvement actions shared with the client ("you said, we did")."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field, StringConstraints

from rapport.core.api_pagination import Pages
from rapport.feedback import selectors, services
from rapport.feedback.followup_models import ImprovementAction
from rapport.feedback.models import NPS, RATING, TEXT, Question, SurveyInvitation
from rapport.portal.api import PortalTokenAuth
from rapport.projects.selectors import project_get
from rapport.tenancy.actors import ActorRequest

portal_router = Router(auth=PortalTokenAuth(), tags=["client portal"])

SCALES: dict[str, tuple[int | None, int | None]] = {
    Question.Kind.RATING: RATING,
    Question.Kind.NPS: NPS,
}


class PortalQuestionOut(Schema):
    key: str = Field(description="the answer's key in the submission, e.g. q12")
    kind: str
    text: str = Field(description="in your language")
    required: bool
    low: int | None
    high: int | None


class PortalSurveyOut(Schema):
    survey_id: int
    title: str
    expires_at: datetime
    questions: list[PortalQuestionOut]

    @staticmethod
    def resolve_survey_id(obj: SurveyInvitation) -> int:
        return obj.survey_id

    @staticmethod
    def resolve_title(obj: SurveyInvitation) -> str:
        return obj.survey.title

    @staticmethod
    def resolve_expires_at(obj: SurveyInvitation) -> datetime:
        return obj.survey.expires_at

    @staticmethod
    def resolve_questions(obj: SurveyInvitation) -> list[PortalQuestionOut]:
        return [
            PortalQuestionOut(
                key=f"q{question.pk}",
                kind=question.kind,
                text=question.text(obj.contact.language),
                required=question.required,
                low=SCALES.get(question.kind, (None, None))[0],
                high=SCALES.get(question.kind, (None, None))[1],
            )
            for question in obj.survey.template.questions.all()
        ]


@portal_router.get(
    "/projects/{project_id}/surveys",
    response=list[PortalSurveyOut],
    operation_id="portal_surveys_list",
)
@paginate(Pages)
def portal_surveys_list(request: ActorRequest, project_id: int) -> QuerySet[SurveyInvitation]:
    """The surveys sent to you on this project that you have not answered and that are still
    open, with their questions in your language."""
    project = project_get(actor=request.actor, project_id=project_id)
    return (
        selectors.open_invitations_of(actor=request.actor, project=project)
        .prefetch_related("survey__template__questions")
        .order_by("survey__expires_at", "pk")
    )


Answer = Annotated[str, StringConstraints(max_length=TEXT)] | int | None


class SurveyAnswerIn(Schema):
    answers: dict[Annotated[str, StringConstraints(max_length=24)], Answer] = Field(
        max_length=100, description="each question's key (q12) and its answer"
    )


class SurveyAnswerOut(Schema):
    survey_id: int
    received_on: date
    progress: int | None
    quality: int | None
    communication: int | None
    custom: int | None
    nps: int | None
    comment: str


@portal_router.post(
    "/projects/{project_id}/surveys/{survey_id}/answer",
    response={201: SurveyAnswerOut},
    operation_id="portal_surveys_answer",
)
def portal_surveys_answer(
    request: ActorRequest, project_id: int, survey_id: int, payload: SurveyAnswerIn
) -> Status[SurveyAnswerOut]:
    """Answer once, before the survey closes: a missing required answer or a score out of
    range is refused per question (422), as is a second answer or a late one."""
    actor = request.actor
    project = project_get(actor=actor, project_id=project_id)
    invitation = get_object_or_404(
        selectors.invitations_of(actor=actor, project=project), survey_id=survey_id
    )
    feedback = services.survey_answer(
        invitation=invitation,
        values={key: "" if value is None else str(value) for key, value in payload.answers.items()},
        actor=actor,
    )
    return Status(
        201,
        SurveyAnswerOut(
            survey_id=survey_id,
            received_on=feedback.received_on,
            progress=feedback.progress,
            quality=feedback.quality,
            communication=feedback.communication,
            custom=feedback.custom,
            nps=feedback.nps,
            comment=feedback.comment,
        ),
    )


class WeDidOut(Schema):
    id: int
    title: str
    you_said: str
    we_did: str
    status: str
    due_date: date | None
    updated_at: datetime


@portal_router.get(
    "/projects/{project_id}/we-did",
    response=list[WeDidOut],
    operation_id="portal_improvements_list",
)
@paginate(Pages)
def portal_improvements_list(request: ActorRequest, project_id: int) -> QuerySet[ImprovementAction]:
    """ "You said, we did": what the team changed because of your feedback."""
    project = project_get(actor=request.actor, project_id=project_id)
    return selectors.shared_improvements(actor=request.actor, project=project)
