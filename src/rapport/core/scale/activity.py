"""What happens around each project day after day: stakeholders and the communication plan,
touchpoints, portal messages, survey responses, meetings with their action items, lessons."""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from rapport.communication import channels
from rapport.communication.models import Interaction, Level, PlanItem, Stakeholder
from rapport.core.scale import texts
from rapport.core.scale.base import Audit, Loader, Site, days_between, light
from rapport.core.scale.plan import spread
from rapport.feedback.followup_models import FollowUp
from rapport.feedback.followups import low_scores
from rapport.feedback.models import Feedback, Question, Survey, SurveyInvitation, SurveyTemplate
from rapport.feedback.org_settings import feedback_settings_of
from rapport.lessons import search
from rapport.lessons.models import Category, Lesson, LessonTerm
from rapport.meetings.models import ActionItem, Meeting, Minutes
from rapport.messaging.models import Message, Thread, Via
from rapport.projects.models import Project

MESSAGES_PER_THREAD = 15
RESPONSES_PER_SURVEY = 5
ROLES = [Stakeholder.Role.SPONSOR, Stakeholder.Role.DECISION_MAKER, Stakeholder.Role.KEY_USER]


def communication_create(loader: Loader, sites: list[Site], touchpoints: list[int]) -> list[Audit]:
    """Three stakeholders and a two-line plan per project; touchpoints over its life, some of
    them logged against the plan."""
    stakeholders, plan_items = [], []
    for site in sites:
        rng = loader.rng("stakeholders", site.index)
        for role, contact in zip(ROLES, site.contacts, strict=False):
            stakeholders.append(
                Stakeholder(
                    project=site.project,
                    contact=contact,
                    role=role,
                    influence=rng.choice(list(Level)),
                    interest=rng.choice(list(Level)),
                )
            )
        weekly = "每周项目例会" if site.language == texts.ZH else "Weekly status call"
        report = "项目周报" if site.language == texts.ZH else "Weekly status report"
        plan_items.append(
            PlanItem(
                project=site.project,
                title=weekly,
                channel="video",
                kind="decision",
                cadence_days=7,
                owner=site.pm,
                starts_on=site.first_day,
            )
        )
        plan_items.append(
            PlanItem(
                project=site.project,
                title=report,
                channel="report",
                kind="information",
                cadence_days=7,
                owner=site.pm,
                starts_on=site.first_day,
                fulfilled_by=PlanItem.Fulfilment.STATUS_REPORT,
            )
        )
    loader.insert(Stakeholder, stakeholders, "communication")
    loader.insert(PlanItem, plan_items, "communication")
    Audience = PlanItem.audience.through
    loader.insert(
        Audience,
        [
            Audience(planitem_id=item.pk, contact_id=site.approver.pk)
            for item, site in zip(plan_items, [s for s in sites for _ in (0, 1)], strict=True)
        ],
        "communication",
    )
    first_item = {item.project_id: item for item in reversed(plan_items)}
    rows = []
    kinds = list(channels.SUITED)
    touchpoint = light(Interaction)
    for site, count in zip(sites, touchpoints, strict=True):
        rng = loader.rng("touchpoints", site.index)
        pool = texts.TOUCHPOINTS[site.language]
        for day in days_between(site.first_day, site.last_day, count):
            kind = rng.choice(kinds)
            channel = rng.choice(["email", "phone", "video", "meeting", "chat"])
            planned = rng.random() < 0.4
            at = loader.moment(day, rng)
            rows.append(
                touchpoint(
                    organisation_id=loader.organisation.pk,
                    client_id=site.client.pk,
                    project_id=site.project.pk,
                    occurred_at=at,
                    channel=channel,
                    direction=rng.choice(list(Interaction.Direction)),
                    summary=pool[rng.randrange(len(pool))],
                    kind=kind,
                    channel_suited=channel in channels.SUITED[kind],
                    plan_item_id=first_item[site.project.pk].pk if planned else None,
                    created_by_id=site.pm.pk,
                    created_at=at,
                    updated_at=at,
                )
            )
    loader.insert(Interaction, rows, "touchpoints")
    content_type = loader.content_type(Interaction)
    return [
        Audit(
            content_type,
            row.id,
            row.summary[:60],
            "created",
            row.occurred_at,
            {"channel": [None, row.channel]},
        )
        for row in rows[:: max(len(rows) // max(len(sites) * 20, 1), 1)]
    ]


def messages_create(loader: Loader, sites: list[Site], counts: list[int]) -> list[Audit]:
    """Threads of about fifteen messages between the team and the client; the client waits
    for an answer on a few recent ones."""
    threads: list[Thread] = []
    planned: list[list[tuple[Site, datetime, bool]]] = []
    for site, count in zip(sites, counts, strict=True):
        if count == 0:
            continue
        rng = loader.rng("messages", site.index)
        sizes = spread(count, max(count // MESSAGES_PER_THREAD, 1))
        subjects = texts.THREADS[site.language]
        for n, (day, size) in enumerate(
            zip(days_between(site.first_day, site.last_day, len(sizes)), sizes, strict=True)
        ):
            at = loader.moment(day, rng)
            recent = (loader.now - at).days < 20
            messages = []
            waiting = None
            for i in range(size):
                from_client = i % 2 == 0 if rng.random() < 0.8 else rng.random() < 0.5
                last = i == size - 1
                if last and not recent:
                    from_client = False
                messages.append((at, from_client))
                at += timedelta(minutes=rng.randrange(20, 60 * 30))
            for when, from_client in messages:
                if from_client and waiting is None:
                    waiting = when
                elif not from_client:
                    waiting = None
            last_at = min(messages[-1][0], loader.now)
            threads.append(
                Thread(
                    project=site.project,
                    subject=subjects[n % len(subjects)],
                    created_by_contact=site.approver if messages[0][1] else None,
                    created_by_user=None if messages[0][1] else site.pm,
                    created_at=messages[0][0],
                    last_message_at=last_at,
                    waiting_since=waiting,
                )
            )
            planned.append([(site, when, from_client) for when, from_client in messages])
    loader.insert(Thread, threads, "messages")
    rows = []
    message = light(Message)
    for thread, written in zip(threads, planned, strict=True):
        asked = None
        for n, (site, when, from_client) in enumerate(written):
            pool = texts.MESSAGES_CLIENT if from_client else texts.MESSAGES_TEAM
            answered = None
            if from_client:
                asked = asked or when
            elif asked is not None:
                answered, asked = int((when - asked).total_seconds()), None
            rows.append(
                message(
                    thread_id=thread.pk,
                    author_contact_id=site.approver.pk if from_client else None,
                    author_user_id=None
                    if from_client
                    else (site.members[n % 2] if n % 3 else site.pm).pk,
                    body=pool[site.language][n % len(pool[site.language])],
                    via=Via.PORTAL if from_client else Via.APP,
                    created_at=min(when, loader.now),
                    response_seconds=answered,
                )
            )
        if len(rows) >= 20_000:
            loader.insert(Message, rows, "messages")
            rows = []
    loader.insert(Message, rows, "messages")
    content_type = loader.content_type(Thread)
    return [
        Audit(
            content_type,
            thread.pk,
            thread.subject,
            "created",
            thread.created_at,
            {"subject": [None, thread.subject]},
        )
        for thread in threads
    ]


def _scores(rng: Any) -> tuple[int, int, int, int]:
    mood = rng.random()
    if mood < 0.1:  # an unhappy client
        return rng.randint(1, 2), rng.randint(2, 3), rng.randint(1, 3), rng.randint(0, 5)
    if mood < 0.35:
        return rng.randint(3, 4), rng.randint(3, 4), rng.randint(2, 4), rng.randint(6, 8)
    return rng.randint(4, 5), rng.randint(4, 5), rng.randint(4, 5), rng.randint(8, 10)


def surveys_create(
    loader: Loader, sites: list[Site], counts: list[int], template: SurveyTemplate
) -> list[Audit]:
    """Surveys of up to five contacts each, all answered; low scores open a follow-up, handled
    unless recent."""
    questions = list(template.questions.order_by("position", "pk"))
    settings = feedback_settings_of(loader.organisation.pk)
    surveys, invitations = [], []
    for site, count in zip(sites, counts, strict=True):
        if count == 0:
            continue
        rng = loader.rng("surveys", site.index)
        per = min(RESPONSES_PER_SURVEY, len(site.contacts))
        sizes = spread(count, -(-count // per))
        title = "满意度调查" if site.language == texts.ZH else "Client satisfaction survey"
        for day, size in zip(
            days_between(site.first_day, site.last_day, len(sizes)), sizes, strict=True
        ):
            sent = loader.moment(day, rng)
            survey = Survey(
                organisation=loader.organisation,
                project=site.project,
                template=template,
                title=title,
                sent_by=site.pm,
                expires_at=sent + timedelta(days=21),
                created_at=sent,
                updated_at=sent,
            )
            surveys.append(survey)
            for contact in site.contacts[:size]:
                invitations.append((survey, contact, sent, site))
    loader.insert(Survey, surveys, "surveys")
    rows = []
    invitation = light(SurveyInvitation)
    slug = loader.organisation.slug
    for survey, contact, sent, _site in invitations:
        token = f"{slug}:{survey.pk}:{contact.pk}".encode()
        rows.append(
            invitation(
                survey_id=survey.pk,
                contact_id=contact.pk,
                token_hash=hashlib.sha256(token).hexdigest(),
                last_sent_at=sent,
                answered_at=sent + timedelta(days=2),
                created_at=sent,
                updated_at=sent,
            )
        )
    loader.insert(SurveyInvitation, rows, "surveys")
    responses = []
    streams: dict[int, random.Random] = {}
    for answered, (_survey, contact, _sent, site) in zip(rows, invitations, strict=True):
        rng = streams.get(site.index) or streams.setdefault(
            site.index, loader.rng("responses", site.index)
        )
        progress, quality, communication, nps = _scores(rng)
        comments = texts.FEEDBACK_COMMENTS[site.language]
        comment = comments[rng.randrange(len(comments))]
        by_dimension = {"progress": progress, "quality": quality, "communication": communication}
        answers = []
        for question in questions:
            if question.kind == Question.Kind.RATING:
                value: Any = by_dimension.get(question.dimension, 4)
            elif question.kind == Question.Kind.NPS:
                value = nps
            else:
                value = comment
            answers.append(
                {
                    "question": question.pk,
                    "kind": question.kind,
                    "text": question.text(site.language),
                    "value": value,
                }
            )
        responses.append(
            Feedback(
                organisation=loader.organisation,
                project=site.project,
                source=Feedback.Source.SURVEY,
                invitation_id=answered.id,
                contact=contact,
                received_on=answered.answered_at.date(),
                progress=progress,
                quality=quality,
                communication=communication,
                nps=nps,
                comment=comment,
                answers=answers,
                created_at=answered.answered_at,
                updated_at=answered.answered_at,
            )
        )
    loader.insert(Feedback, responses, "survey responses")
    follow_ups = []
    for response in responses:
        low = low_scores(response, settings)
        if not low:
            continue
        handled = response.received_on < loader.today - timedelta(days=30)
        follow_ups.append(
            FollowUp(
                feedback=response,
                project=response.project,
                assignee=response.project.pm,
                due_date=response.received_on + timedelta(days=settings.follow_up_days),
                low_scores=low,
                handled_at=response.created_at + timedelta(days=2) if handled else None,
                handled_by=response.project.pm if handled else None,
                handling=texts.TOUCHPOINTS[texts.EN][0] if handled else "",
            )
        )
    loader.insert(FollowUp, follow_ups, "survey responses")
    content_type = loader.content_type(Feedback)
    return [
        Audit(
            content_type,
            response.pk,
            f"Survey · {response.received_on}",
            "survey_answered",
            response.created_at,
            {"nps": [None, response.nps]},
            contact=response.contact,
        )
        for response in responses
    ]


def meetings_create(
    loader: Loader, sites: list[Site], counts: list[int], items: list[int]
) -> list[Audit]:
    """Meetings over each project's life, held (a few cancelled) with minutes, the next ones
    scheduled; their action items, the old ones done, the recent ones open and some overdue."""
    meetings: list[Meeting] = []
    for site, count in zip(sites, counts, strict=True):
        rng = loader.rng("meetings", site.index)
        titles = texts.MEETINGS[site.language]
        last = site.last_day
        if site.project.status == Project.Status.ACTIVE:
            last = loader.today + timedelta(days=14)
        for number, day in enumerate(days_between(site.first_day, last, count), 1):
            start = (
                loader.moment(day, rng)
                if day <= loader.today
                else loader.moment(loader.today, rng) + timedelta(days=(day - loader.today).days)
            )
            state = Meeting.State.SCHEDULED
            if start < loader.now:
                state = Meeting.State.CANCELLED if rng.random() < 0.05 else Meeting.State.HELD
            meetings.append(
                Meeting(
                    project=site.project,
                    number=number,
                    title=titles[number % len(titles)],
                    kind=rng.choice(["status", "status", "steering", "workshop"]),
                    start=start,
                    end=start + timedelta(minutes=rng.choice([30, 60, 90])),
                    time_zone="Asia/Shanghai" if site.language == texts.ZH else "Europe/London",
                    place="Zoom"
                    if number % 2
                    else "会议室 A"
                    if site.language == texts.ZH
                    else "Room A",
                    organiser=site.pm,
                    state=state,
                    uid=f"{loader.organisation.slug}-{site.project.code}-{number}@rapport.scale",
                    created_at=start - timedelta(days=7),
                    updated_at=start - timedelta(days=7),
                )
            )
    loader.insert(Meeting, meetings, "meetings")
    sites_by_project = {site.project.pk: site for site in sites}
    minutes = [
        Minutes(
            meeting=meeting,
            summary=texts.MINUTES[sites_by_project[meeting.project_id].language],
            recorded_by=meeting.organiser,
            created_at=meeting.end,
            updated_at=meeting.end,
        )
        for meeting in meetings
        if meeting.state == Meeting.State.HELD
    ]
    loader.insert(Minutes, minutes, "meetings")
    by_project: dict[int, list[Meeting]] = {}
    for meeting in meetings:
        by_project.setdefault(meeting.project_id, []).append(meeting)
    actions = []
    for site, count in zip(sites, items, strict=True):
        own = [m for m in by_project.get(site.project.pk, []) if m.state != Meeting.State.CANCELLED]
        if not own or count == 0:
            continue
        rng = loader.rng("action items", site.index)
        pool = texts.ACTIONS[site.language]
        for n, share in enumerate(spread(count, len(own))):
            meeting = own[n]
            for k in range(share):
                due = meeting.start.date() + timedelta(days=rng.randint(5, 21))
                done = due < loader.today - timedelta(days=10) and rng.random() < 0.93
                by_contact = rng.random() < 0.3
                owner = site.members[k % 2] if k % 3 else site.pm
                closed_at = meeting.start + timedelta(days=rng.randint(2, 20)) if done else None
                actions.append(
                    ActionItem(
                        project=site.project,
                        meeting=meeting,
                        what=pool[(n + k) % len(pool)],
                        owner_user=None if by_contact else owner,
                        owner_contact=site.approver if by_contact else None,
                        due_date=due,
                        status=ActionItem.Status.DONE if done else ActionItem.Status.OPEN,
                        closed_at=min(closed_at, loader.now) if closed_at else None,
                        closed_by_user=site.pm if done else None,
                        created_by=site.pm,
                        created_at=meeting.end,
                        updated_at=meeting.end,
                    )
                )
    loader.insert(ActionItem, actions, "action items")
    meeting_type, item_type = loader.content_type(Meeting), loader.content_type(ActionItem)
    audits = [
        Audit(
            meeting_type,
            m.pk,
            f"M-{m.number:03d} · {m.title}",
            "created",
            m.created_at,
            {"start": [None, m.start.isoformat()]},
        )
        for m in meetings
    ]
    for item in actions:
        audits.append(
            Audit(
                item_type,
                item.pk,
                item.what,
                "created",
                item.created_at,
                {"due_date": [None, item.due_date.isoformat()]},
            )
        )
        if item.closed_at:
            audits.append(
                Audit(
                    item_type,
                    item.pk,
                    item.what,
                    "closed",
                    item.closed_at,
                    {"status": ["open", "done"]},
                )
            )
    return audits


_TERMS: dict[tuple[str, int], Counter[str]] = {}


def _lesson_terms(language: str, n: int) -> Counter[str]:
    if (language, n) not in _TERMS:
        title, happened, impact, cause, advice, _category, tags = texts.LESSONS[language][n]
        _TERMS[(language, n)] = search.term_counts(
            title, " ".join([happened, impact, cause, advice, " ".join(tags)])
        )
    return _TERMS[(language, n)]


def lessons_create(loader: Loader, sites: list[Site], counts: list[int]) -> list[Audit]:
    """Lessons in the project's language, indexed for search as the lesson services would."""
    lessons, counted = [], []
    for site, count in zip(sites, counts, strict=True):
        rng = loader.rng("lessons", site.index)
        pool = texts.LESSONS[site.language]
        code_terms = Counter(dict.fromkeys(search.terms(site.project.code), search.TITLE_WEIGHT))
        for day in days_between(site.first_day, site.last_day, count):
            n = rng.randrange(len(pool))
            title, happened, impact, cause, advice, category, tags = pool[n]
            counts_ = _lesson_terms(site.language, n) + code_terms
            at = loader.moment(day, rng)
            lessons.append(
                Lesson(
                    organisation=loader.organisation,
                    project=site.project,
                    client=site.client,
                    title=f"{title} ({site.project.code})",
                    what_happened=happened,
                    impact=impact,
                    root_cause=cause,
                    recommendation=advice,
                    category=category if category in Category.values else Category.OTHER,
                    tags=tags,
                    language=site.language,
                    shared_with_client=rng.random() < 0.2,
                    year=at.year,
                    length=sum(counts_.values()),
                    created_by=site.pm,
                    created_at=at,
                    updated_at=at,
                )
            )
            counted.append(counts_)
    loader.insert(Lesson, lessons, "lessons")
    term_row = light(LessonTerm)
    terms = [
        term_row(
            lesson_id=lesson.pk,
            organisation_id=loader.organisation.pk,
            term=term,
            count=count,
            length=lesson.length,
            impact=search.impact(count, lesson.length),
        )
        for lesson, counts_ in zip(lessons, counted, strict=True)
        for term, count in counts_.items()
    ]
    for start in range(0, len(terms), 50_000):
        loader.insert(LessonTerm, terms[start : start + 50_000], "lessons")
    content_type = loader.content_type(Lesson)
    return [
        Audit(
            content_type,
            lesson.pk,
            lesson.title,
            "created",
            lesson.created_at,
            {"title": [None, lesson.title]},
        )
        for lesson in lessons
    ]
