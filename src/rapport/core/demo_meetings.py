"""The demo's client meetings: each active published project that started at least three weeks
ago has a weekly status meeting (a series of eight, in the PM's time zone, the sponsor and the
client's key user invited). The first two were held, their minutes published and the first
confirmed by the client; they left action items, some done, some open and some overdue. The
third was held with minutes still in draft, or, where the weekly call slipped (NWL-01,
HCM-01), cancelled. The next one's agenda carries the open action items over."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from rapport.clients.models import Contact
from rapport.core.demo_communication import OVERDUE_PLAN
from rapport.meetings import minutes as minutes_services
from rapport.meetings import selectors
from rapport.meetings import services as meetings
from rapport.meetings.models import Meeting
from rapport.projects.models import Project
from rapport.tenancy.actors import Actor

# (title, place, video link)
SERIES = {
    "en": ("Weekly status meeting", "", "https://meet.example/northwind-weekly"),
    "zh-hans": ("每周项目例会", "华晨医疗 3 楼会议室", ""),
}
AGENDA = {
    "en": [("Progress since last week", 15), ("Risks and issues", 15), ("Decisions needed", 10)],
    "zh-hans": [("上周进展", 15), ("风险与问题", 15), ("待决事项", 10)],
}
# For each held meeting: summary, notes per agenda item, a decision, and action items as
# (what, owner "client"/"team", due in days from today, closed note or "")
HELD: dict[str, list[dict[str, Any]]] = {
    "en": [
        {
            "summary": "Progress is on plan; the client asked for the revised timeline in writing.",
            "notes": ["Tracking page ready for testing.", "Data feed delays on Mondays."],
            "decision": "Test the tracking page with five key customers before launch.",
            "actions": [
                ("Send the revised timeline in writing", "team", -16, "Sent on the Thursday."),
                ("Name the five customers for the tracking test", "client", -9, ""),
            ],
        },
        {
            "summary": "Testing started; Monday data feed delays remain the main risk.",
            "notes": ["Three of five test sessions held.", "Feed delay escalated to IT."],
            "decision": "Launch stays on the planned date; re-check at the next meeting.",
            "actions": [
                ("Confirm the IT contact for the data feed", "client", -3, ""),
                ("Share the test session findings", "team", 4, ""),
            ],
        },
        {
            "summary": "Test findings reviewed; two small design changes agreed.",
            "notes": ["Findings shared.", "No new risks."],
            "decision": "Apply both design changes before the launch.",
            "actions": [("Update the designs", "team", 6, "")],
        },
    ],
    "zh-hans": [
        {
            "summary": "进度符合计划；客户希望书面收到修订后的时间表。",
            "notes": ["预约页面已可测试。", "周一号源数据同步有延迟。"],
            "decision": "上线前先请五个科室试用预约页面。",
            "actions": [
                ("书面发送修订后的时间表", "team", -16, "周四已发送。"),
                ("确定参加试用的五个科室", "client", -9, ""),
            ],
        },
        {
            "summary": "试用已开始；号源同步延迟仍是主要风险。",
            "notes": ["五个科室中已有三个完成试用。", "同步延迟已上报信息部。"],
            "decision": "上线日期不变，下次例会再确认。",
            "actions": [
                ("确认信息部负责号源接口的同事", "client", -3, ""),
                ("分享试用反馈汇总", "team", 4, ""),
            ],
        },
        {
            "summary": "已讨论试用反馈，商定两处小的界面调整。",
            "notes": ["反馈已分享。", "无新增风险。"],
            "decision": "上线前完成两处界面调整。",
            "actions": [("更新界面设计", "team", 6, "")],
        },
    ],
}
CANCELLED = {"en": "The sponsor was travelling.", "zh-hans": "项目发起人出差。"}
CORRECTION = {
    "en": "The test uses five key customers, not five regions.",
    "zh-hans": "试用的是五个科室，不是五个院区。",
}


def tell_meetings(project: Project, *, pm: Actor, client: Actor, today: date) -> None:
    if project.published_at is None or project.status != Project.Status.ACTIVE:
        return
    if project.start_date > today - timedelta(days=21):
        return  # too young for three weeks of meetings
    assert pm.user is not None
    language = project.client.language
    title, place, video_link = SERIES[language]
    sponsor = Contact.objects.get(pk=min(client.contact_ids))
    contacts = [sponsor, *project.client.contacts.exclude(pk=sponsor.pk).order_by("id")[:1]]
    plan_item = (
        project.communication_plan.filter(channel__in=["video", "meeting"]).order_by("id").first()
    )
    first_day = today - timedelta(days=20)
    start = datetime.combine(first_day, time(10, 0))
    first = meetings.meeting_schedule(
        actor=pm,
        project=project,
        title=title,
        start=start,
        end=start + timedelta(hours=1),
        time_zone=pm.user.time_zone,
        place=place,
        video_link=video_link,
        attendee_ids=[pm.user.pk, *project.memberships.values_list("user_id", flat=True)],
        contact_ids=[contact.pk for contact in contacts],
        plan_item_id=plan_item.pk if plan_item and project.code not in OVERDUE_PLAN else None,
        frequency="weekly",
        count=8,
    )
    occurrences = list(Meeting.objects.filter(series=first.series).order_by("start"))
    for number, meeting in enumerate(occurrences[:3]):
        for item_title, minutes in AGENDA[language]:
            meetings.agenda_item_add(actor=pm, meeting=meeting, title=item_title, time_box=minutes)
        if number == 2 and project.code in OVERDUE_PLAN:
            meetings.meeting_cancel(actor=pm, meeting=meeting, reason=CANCELLED[language])
            continue
        _hold(meeting, HELD[language][number], pm=pm, contacts=contacts, today=today)
        if number < 2:
            minutes_services.minutes_publish(actor=pm, meeting=meeting)
        if number == 0:
            minutes_services.minutes_respond(actor=client, meeting=meeting, confirm=True)
        if number == 1:
            minutes_services.minutes_respond(
                actor=client, meeting=meeting, confirm=False, comment=CORRECTION[language]
            )
    upcoming = next(m for m in occurrences if m.start > timezone.now())
    for item_title, minutes in AGENDA[language][:1]:
        meetings.agenda_item_add(actor=pm, meeting=upcoming, title=item_title, time_box=minutes)
    for proposal in selectors.agenda_proposals(meeting=upcoming, today=today):
        if proposal.source == "action_item":
            meetings.agenda_item_carry(
                actor=pm, meeting=upcoming, source=proposal.source, object_id=proposal.object_id
            )


def _hold(
    meeting: Meeting, story: dict[str, Any], *, pm: Actor, contacts: list[Contact], today: date
) -> None:
    assert pm.user is not None
    agenda = list(meeting.agenda_items.order_by("order"))
    minutes_services.minutes_record(
        actor=pm,
        meeting=meeting,
        present_user_ids=[user.pk for user in meeting.attendees.all()],
        present_contact_ids=[contacts[0].pk],
        summary=story["summary"],
        notes={item.pk: note for item, note in zip(agenda, story["notes"], strict=False)},
        internal_notes="",
    )
    minutes_services.decision_record(
        actor=pm,
        meeting=meeting,
        text=story["decision"],
        decided_by_contact_id=contacts[0].pk,
        agenda_item_id=agenda[-1].pk,
    )
    for what, owner, due_in, closed in story["actions"]:
        owners: dict[str, Any] = (
            {"owner_contact_id": contacts[0].pk}
            if owner == "client"
            else {"owner_user_id": pm.user.pk}
        )
        item = minutes_services.action_item_create(
            actor=pm,
            project=meeting.project,
            meeting=meeting,
            what=what,
            due_date=today + timedelta(days=due_in),
            confirm_past_due=due_in < 0,
            **owners,
        )
        if closed:
            minutes_services.action_item_close(actor=pm, action_item=item, note=closed)
