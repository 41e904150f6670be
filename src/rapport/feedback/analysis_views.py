"""The analysis pages: one project, one client (its projects the reader may see), the
organisation (every project the reader may see)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from rapport.clients.models import Client
from rapport.clients.selectors import client_get
from rapport.feedback import analysis, permissions
from rapport.feedback.charts import score_chart
from rapport.feedback.models import Dimension, Feedback, SurveyInvitation
from rapport.projects.models import Project
from rapport.projects.selectors import project_get, projects_visible_to
from rapport.tenancy.access import member_required
from rapport.tenancy.actors import Actor, ActorRequest


def analysis_of(projects: QuerySet[Project]) -> analysis.Analysis:
    """Two queries, whatever the number of projects and answers. The comments' sentiment and
    terms are the ones the job stored; no language model is loaded in the web process."""
    rows = Feedback.objects.filter(project__in=projects).values_list(
        "received_on", *Dimension.values, "nps", "comment", "sentiment", "terms"
    )
    entries = [
        analysis.Entry(
            received_on=row[0],
            scores={
                name: score
                for name, score in zip(Dimension.values, row[1:5], strict=True)
                if score is not None
            },
            nps=row[5],
            comment=row[6],
            sentiment=row[7],
            terms=row[8],
        )
        for row in rows
    ]
    counts = SurveyInvitation.objects.filter(survey__project__in=projects).aggregate(
        invited=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False))
    )
    return analysis.analyse(entries, invited=counts["invited"], answered=counts["answered"])


def _page(request: ActorRequest, result: analysis.Analysis, **context: Any) -> HttpResponse:
    labels = dict(Dimension.choices)
    chart = score_chart(
        [(str(labels[name]), line) for name, line in result.by_month.items()],
        title=_("Scores per dimension by month"),
    )
    return render(
        request,
        "feedback/analysis.html",
        {
            "result": result,
            "chart": chart,
            "averages": [(labels[name], value) for name, value in result.averages.items()],
            "answers": sorted(result.answers, key=lambda a: a.received_on, reverse=True)[:20],
            **context,
        },
    )


def _team_projects(actor: Actor) -> QuerySet[Project]:
    return projects_visible_to(actor)


@member_required
def project_analysis(request: ActorRequest, project_id: int) -> HttpResponse:
    project = project_get(actor=request.actor, project_id=project_id)
    if not permissions.can_view(request.actor, project):
        raise PermissionDenied
    result = analysis_of(Project.objects.filter(pk=project.pk))
    return _page(request, result, project=project, scope=project.name)


@member_required
def client_analysis(request: ActorRequest, client_id: int) -> HttpResponse:
    client: Client = client_get(actor=request.actor, client_id=client_id)
    result = analysis_of(_team_projects(request.actor).filter(client=client))
    return _page(request, result, client=client, scope=client.name)


@member_required
def organisation_analysis(request: ActorRequest) -> HttpResponse:
    if not request.actor.is_manager:
        raise PermissionDenied
    result = analysis_of(_team_projects(request.actor))
    organisation = request.actor.organisation
    return _page(request, result, scope=organisation.name if organisation else "")
