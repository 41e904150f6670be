"""Client feedback through the API: the organisation's survey templates, sending a survey and
reading its invitations (never their tokens), the project's survey schedules, the feedback
received, and the analysis figures.
Every write is a call to ``feedback.services`` (``feedback.schedule`` for the schedules), which
holds the rules."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field, StringConstraints

from rapport.core.api_conventions import named_by_body
from rapport.core.api_pagination import Pages
from rapport.core.services import require
from rapport.feedback import permissions, schedule, selectors, services, template_services
from rapport.feedback.analysis_views import analysis_of
from rapport.feedback.models import (
    TEXT,
    Feedback,
    Question,
    Survey,
    SurveyInvitation,
    SurveyTemplate,
)
from rapport.feedback.schedule_models import SurveySchedule
from rapport.projects.models import Project
from rapport.projects.selectors import project_get
from rapport.tenancy.actors import ActorRequest

router = Router(tags=["client feedback"])

Source = Feedback.Source

Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


def _viewable(request: ActorRequest, project_id: int) -> Project:
    project = project_get(actor=request.actor, project_id=project_id)
    require(permissions.can_view(request.actor, project))
    return project


class QuestionOut(Schema):
    id: int
    kind: str
    dimension: str
    text_en: str
    text_zh: str
    required: bool


class TemplateOut(Schema):
    id: int
    name: str
    is_default: bool
    questions: list[QuestionOut]

    @staticmethod
    def resolve_questions(obj: SurveyTemplate) -> list[Question]:
        return list(obj.questions.all())


def _templates(request: ActorRequest) -> QuerySet[SurveyTemplate]:
    return template_services.templates_of(actor=request.actor).prefetch_related("questions")


@router.get("/survey-templates", response=list[TemplateOut], operation_id="survey_templates_list")
def survey_templates_list(request: ActorRequest) -> list[SurveyTemplate]:
    """The organisation's questionnaires in both languages (the default one is created on
    first use)."""
    require(request.actor.is_member)
    assert request.actor.organisation is not None
    services.template_default(organisation=request.actor.organisation)
    return list(_templates(request))


class QuestionIn(Schema):
    id: Id | None = Field(None, description="an existing question's id, to keep its answers")
    kind: Annotated[str, StringConstraints(max_length=8)] = Field(description="rating, nps, text")
    dimension: Annotated[str, StringConstraints(max_length=16)] = Field(
        "", description="for a rating: progress, quality, communication or custom"
    )
    text_en: Annotated[str, StringConstraints(max_length=300)]
    text_zh: Annotated[str, StringConstraints(max_length=300)]
    required: bool = True


class TemplateIn(Schema):
    name: Annotated[str, StringConstraints(max_length=200)]
    is_default: bool = False
    questions: list[QuestionIn] = Field(max_length=template_services.MAX_QUESTIONS)


@router.get(
    "/survey-templates/{template_id}", response=TemplateOut, operation_id="survey_templates_get"
)
def survey_templates_get(request: ActorRequest, template_id: int) -> SurveyTemplate:
    return get_object_or_404(_templates(request), pk=template_id)


def _save(request: ActorRequest, payload: TemplateIn, template: SurveyTemplate | None) -> int:
    saved = template_services.template_save(
        actor=request.actor,
        template=template,
        name=payload.name,
        is_default=payload.is_default,
        questions=[question.dict() for question in payload.questions],
    )
    return saved.pk


@router.post(
    "/survey-templates", response={201: TemplateOut}, operation_id="survey_templates_create"
)
def survey_templates_create(request: ActorRequest, payload: TemplateIn) -> Status[SurveyTemplate]:
    """Owners, admins and project managers word the organisation's questionnaires."""
    pk = _save(request, payload, None)
    return Status(201, _templates(request).get(pk=pk))


@router.put(
    "/survey-templates/{template_id}",
    response=TemplateOut,
    operation_id="survey_templates_update",
)
def survey_templates_update(
    request: ActorRequest, template_id: int, payload: TemplateIn
) -> SurveyTemplate:
    """The questions in their new order: those with an ``id`` are kept (with the answers
    already given), those without are added, the others removed."""
    template = get_object_or_404(_templates(request), pk=template_id)
    return _templates(request).get(pk=_save(request, payload, template))


@router.delete(
    "/survey-templates/{template_id}",
    response={204: None},
    operation_id="survey_templates_delete",
)
def survey_templates_delete(request: ActorRequest, template_id: int) -> Status[None]:
    """Refused (422) while a survey or a schedule uses the template."""
    template = get_object_or_404(_templates(request), pk=template_id)
    template_services.template_delete(actor=request.actor, template=template)
    return Status(204, None)


class InvitationOut(Schema):
    contact_id: int
    contact_name: str
    reminders_sent: int
    answered_at: datetime | None

    @staticmethod
    def resolve_contact_name(obj: SurveyInvitation) -> str:
        return obj.contact.full_name


class SurveyOut(Schema):
    id: int
    title: str
    template_id: int
    created_at: datetime
    expires_at: datetime
    remind_after_days: int
    invitations: list[InvitationOut]

    @staticmethod
    def resolve_invitations(obj: Survey) -> list[SurveyInvitation]:
        return list(obj.invitations.all())


class SurveyIn(Schema):
    contact_ids: list[Id] = Field(min_length=1, max_length=200)
    title: Annotated[str, StringConstraints(max_length=200)] = ""
    expires_in_days: int = Field(21, description="1 to 90")
    remind_after_days: int | None = Field(
        None, description="1 to 30; at most two reminders (default: the organisation's)"
    )
    template_id: Id | None = Field(None, description="default: the organisation's default")


@router.get("/projects/{project_id}/surveys", response=list[SurveyOut], operation_id="surveys_list")
@paginate(Pages)
def surveys_list(request: ActorRequest, project_id: int) -> QuerySet[Survey]:
    project = _viewable(request, project_id)
    return selectors.survey_list(actor=request.actor, project=project)


@router.post(
    "/projects/{project_id}/surveys", response={201: SurveyOut}, operation_id="surveys_send"
)
def surveys_send(request: ActorRequest, project_id: int, payload: SurveyIn) -> Status[Survey]:
    """Each contact gets their personal link by email; the API never returns the tokens."""
    project = project_get(actor=request.actor, project_id=project_id)
    survey = services.survey_send(actor=request.actor, project=project, **payload.dict())
    return Status(
        201, selectors.survey_list(actor=request.actor, project=project).get(pk=survey.pk)
    )


@router.get(
    "/projects/{project_id}/surveys/{survey_id}",
    response=SurveyOut,
    operation_id="surveys_get",
)
def surveys_get(request: ActorRequest, project_id: int, survey_id: int) -> Survey:
    """A survey and who answered it (their answers: ``/feedback?source=survey``)."""
    project = _viewable(request, project_id)
    return get_object_or_404(
        selectors.survey_list(actor=request.actor, project=project), pk=survey_id
    )


class FeedbackOut(Schema):
    id: int
    source: str
    received_on: date
    contact_id: int | None
    progress: int | None
    quality: int | None
    communication: int | None
    custom: int | None
    nps: int | None
    comment: str
    answers: list[dict[str, object]]


@router.get(
    "/projects/{project_id}/feedback", response=list[FeedbackOut], operation_id="feedback_list"
)
@paginate(Pages)
def feedback_list(
    request: ActorRequest,
    project_id: int,
    source: Source | None = None,
    contact_id: Id | None = None,
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[Feedback]:
    """Survey answers and feedback recorded by the team, newest first; ``since`` and
    ``until`` are inclusive days."""
    project = _viewable(request, project_id)
    feedback = selectors.feedback_list(actor=request.actor, project=project)
    if source is not None:
        feedback = feedback.filter(source=source.value)
    if contact_id is not None:
        feedback = feedback.filter(contact_id=contact_id)
    if since is not None:
        feedback = feedback.filter(received_on__gte=since)
    if until is not None:
        feedback = feedback.filter(received_on__lte=until)
    return feedback


RecordedSource = Literal[tuple(source.value for source in services.RECORDED_SOURCES)]  # type: ignore[valid-type]
Rating = Annotated[int, Field(ge=1, le=5)]


class FeedbackIn(Schema):
    source: RecordedSource  # type: ignore[valid-type]
    received_on: date = Field(description="Not in the future.")
    contact_id: Id | None = Field(None, description="a contact of the project's client")
    progress: Rating | None = None
    quality: Rating | None = None
    communication: Rating | None = None
    custom: Rating | None = None
    nps: Annotated[int, Field(ge=0, le=10)] | None = None
    comment: Annotated[str, StringConstraints(max_length=TEXT)] = ""


@router.post(
    "/projects/{project_id}/feedback",
    response={201: FeedbackOut},
    operation_id="feedback_create",
)
def feedback_create(
    request: ActorRequest, project_id: int, payload: FeedbackIn
) -> Status[Feedback]:
    """What a client said in an interview, a call, a meeting or an email: at least one score
    or a comment. A low score opens a follow-up, as in the app."""
    project = project_get(actor=request.actor, project_id=project_id)
    feedback = services.feedback_record(actor=request.actor, project=project, **payload.dict())
    return Status(201, feedback)


class NpsOut(Schema):
    score: int | None
    promoters: int
    passives: int
    detractors: int


class ThemeOut(Schema):
    term: str
    count: int
    examples: list[str]


class AnalysisOut(Schema):
    entries: int
    averages: dict[str, Decimal]
    by_month: dict[str, list[tuple[date, Decimal]]]
    nps: NpsOut
    invited: int
    answered: int
    response_rate: Decimal | None
    sentiment: dict[str, int]
    average_sentiment: Decimal | None
    themes: list[ThemeOut]
    comments_being_analysed: int  # recorded, not read by the job worker yet: not counted


@router.get(
    "/projects/{project_id}/feedback/analysis",
    response=AnalysisOut,
    operation_id="feedback_analysis",
)
def feedback_analysis(request: ActorRequest, project_id: int) -> AnalysisOut:
    """The figures of the analysis page, reproducible from ``/feedback``."""
    project = _viewable(request, project_id)
    result = analysis_of(Project.objects.filter(pk=project.pk))
    return AnalysisOut(
        entries=result.entries,
        averages=result.averages,
        by_month=result.by_month,
        nps=NpsOut(
            score=result.nps.score,
            promoters=result.nps.promoters,
            passives=result.nps.passives,
            detractors=result.nps.detractors,
        ),
        invited=result.invited,
        answered=result.answered,
        response_rate=result.response_rate,
        sentiment=result.sentiment_counts,
        average_sentiment=result.average_sentiment,
        comments_being_analysed=result.pending,
        themes=[ThemeOut(term=t.term, count=t.count, examples=t.examples) for t in result.themes],
    )


# After ``/feedback/analysis``: both paths have the same shape.
@router.get(
    "/projects/{project_id}/feedback/{feedback_id}",
    response=FeedbackOut,
    operation_id="feedback_get",
)
def feedback_get(request: ActorRequest, project_id: int, feedback_id: int) -> Feedback:
    project = _viewable(request, project_id)
    return get_object_or_404(
        selectors.feedback_list(actor=request.actor, project=project), pk=feedback_id
    )


# --- survey schedules -----------------------------------------------------------------------


class ScheduleOut(Schema):
    id: int
    trigger: str
    description: str
    day_of_month: int | None
    template_id: int
    all_portal_contacts: bool
    contact_ids: list[int]
    created_at: datetime

    @staticmethod
    def resolve_description(obj: SurveySchedule) -> str:
        return schedule.describe(obj)

    @staticmethod
    def resolve_contact_ids(obj: SurveySchedule) -> list[int]:
        return sorted(contact.pk for contact in obj.contacts.all())


class ScheduleIn(Schema):
    """One schedule per trigger: sending the same trigger again changes its schedule."""

    trigger: SurveySchedule.Trigger
    template_id: Id
    day_of_month: Annotated[int, Field(ge=1, le=schedule.LAST_DAY)] | None = Field(
        None, description="for a monthly schedule: the day it goes out (1 to 28)"
    )
    all_portal_contacts: bool = Field(
        False, description="everyone with portal access at the time, instead of contact_ids"
    )
    contact_ids: list[Id] = Field([], max_length=200)


SCHEDULE_BODY_FIELDS = {"template": "template_id", "contacts": "contact_ids"}


def _schedules(request: ActorRequest, project_id: int) -> QuerySet[SurveySchedule]:
    """The schedules of a project the actor may send surveys for (the schedules page's rule)."""
    project = project_get(actor=request.actor, project_id=project_id)
    require(permissions.can_send(request.actor, project))
    return schedule.schedules_of(actor=request.actor, project=project)


@router.get(
    "/projects/{project_id}/survey-schedules",
    response=list[ScheduleOut],
    operation_id="survey_schedules_list",
)
@paginate(Pages)
def survey_schedules_list(request: ActorRequest, project_id: int) -> QuerySet[SurveySchedule]:
    """When the project's surveys go out on their own (its managers)."""
    return _schedules(request, project_id)


@router.post(
    "/projects/{project_id}/survey-schedules",
    response={200: ScheduleOut, 201: ScheduleOut},
    operation_id="survey_schedules_save",
)
def survey_schedules_save(
    request: ActorRequest, project_id: int, payload: ScheduleIn
) -> Status[SurveySchedule]:
    """Set the schedule of one trigger: after each milestone is completed, monthly on a day,
    or at closure. 201 when the trigger had none, 200 when its schedule changed."""
    project = project_get(actor=request.actor, project_id=project_id)
    values = payload.dict()
    values["trigger"] = payload.trigger.value
    existed = SurveySchedule.objects.filter(project=project, trigger=values["trigger"]).exists()
    with named_by_body(SCHEDULE_BODY_FIELDS):
        saved = schedule.schedule_save(actor=request.actor, project=project, **values)
    return Status(200 if existed else 201, _schedules(request, project_id).get(pk=saved.pk))


@router.get(
    "/projects/{project_id}/survey-schedules/{schedule_id}",
    response=ScheduleOut,
    operation_id="survey_schedules_get",
)
def survey_schedules_get(
    request: ActorRequest, project_id: int, schedule_id: int
) -> SurveySchedule:
    return get_object_or_404(_schedules(request, project_id), pk=schedule_id)


@router.delete(
    "/projects/{project_id}/survey-schedules/{schedule_id}",
    response={204: None},
    operation_id="survey_schedules_delete",
)
def survey_schedules_delete(
    request: ActorRequest, project_id: int, schedule_id: int
) -> Status[None]:
    """Stop sending: the surveys it sent stay."""
    item = get_object_or_404(_schedules(request, project_id), pk=schedule_id)
    schedule.schedule_delete(actor=request.actor, schedule=item)
    return Status(204, None)
