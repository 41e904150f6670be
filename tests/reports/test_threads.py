"""The client's questions on a published report: who may post, how long a thread waits, who is
emailed in which language with which link, what the audit trail says, and refusals that
write nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext

from rapport.audit.labels import action_label
from rapport.audit.models import AuditEvent
from rapport.notify.models import OutboundEmail
from rapport.reports import selectors, thread_selectors, threads
from rapport.reports import services as reports
from rapport.reports.models import ReportMessage, ReportThread
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _report(side, *, publish=True, days_ago=6):
    report = reports.report_draft(
        actor=side.actor(side.pm),
        project=side.project_a,
        period_start=TODAY - timedelta(days=days_ago),
        period_end=TODAY - timedelta(days=days_ago - 6),
    )
    if publish:
        report = reports.report_publish(actor=side.actor(side.pm), report=report)
    return report


def _in(language, msgid, **params):
    """A message as the catalogue renders it in ``language`` (English until translated)."""
    with translation.override(language):
        return gettext(msgid) % params


def _written():
    return (
        ReportThread.objects.count(),
        ReportMessage.objects.count(),
        AuditEvent.objects.filter(action__startswith="question_").count(),
        OutboundEmail.objects.filter(kind__startswith="report_").count(),
    )


def test_a_contact_asks_the_team_answers_and_the_contact_follows_up(world):
    side = world.one
    report = _report(side)
    contact = side.contact_actor(side.contact_a)

    thread = threads.report_thread_open(
        actor=contact, report=report, body="  Why is the schedule amber?  "
    )
    assert thread.opened_by == side.contact_a
    assert thread.waiting_since is not None
    asked_at = thread.waiting_since
    first = thread.messages.get()
    assert (first.body, first.author_contact, first.author_user) == (
        "Why is the schedule amber?",
        side.contact_a,
        None,
    )

    answer = threads.report_thread_answer(
        actor=side.actor(side.pm), thread=thread, body="The design sign-off moved a week."
    )
    assert answer.author_user == side.pm and answer.author_contact is None
    thread.refresh_from_db()
    assert thread.waiting_since is None

    colleague = factories.portal_contact(side.client_a, full_name="Colleague A")
    follow_up = threads.report_thread_follow_up(
        actor=side.contact_actor(colleague), thread=thread, body="Does go-live move too?"
    )
    thread.refresh_from_db()
    assert thread.waiting_since == follow_up.created_at > asked_at
    again = threads.report_thread_follow_up(
        actor=side.contact_actor(side.contact_a), thread=thread, body="And the budget?"
    )
    thread.refresh_from_db()
    assert thread.waiting_since == follow_up.created_at < again.created_at  # the oldest waits
    assert [m.body for m in thread_selectors.threads_of(report=report)[0].messages.all()] == [
        "Why is the schedule amber?",
        "The design sign-off moved a week.",
        "Does go-live move too?",
        "And the budget?",
    ]


def test_each_post_is_audited_with_a_label(world):
    side = world.one
    report = _report(side)
    contact = side.contact_actor(side.contact_a)
    thread = threads.report_thread_open(actor=contact, report=report, body="A question")
    threads.report_thread_answer(actor=side.actor(side.admin), thread=thread, body="An answer")
    threads.report_thread_follow_up(actor=contact, thread=thread, body="Thanks, one more")
    events = list(
        AuditEvent.objects.filter(action__startswith="question_").order_by("created_at", "id")
    )
    assert [(e.action, e.actor_user, e.actor_contact_id) for e in events] == [
        ("question_asked", side.contact_a.user, side.contact_a.pk),
        ("question_answered", side.admin, None),
        ("question_followed_up", side.contact_a.user, side.contact_a.pk),
    ]
    assert {e.organisation_id for e in events} == {side.organisation.pk}
    assert events[1].changes["body"] == [None, "An answer"]
    with translation.override("en"):
        assert action_label("question_answered") == "answered a question on the report"
    with translation.override("zh-hans"):
        assert all(action_label(e.action) != e.action for e in events)


def test_the_pm_is_emailed_in_their_language_with_the_apps_link(world):
    side = world.one
    side.pm.language = "zh-hans"
    side.pm.save()
    report = _report(side)
    contact = side.contact_actor(side.contact_a)
    thread = threads.report_thread_open(actor=contact, report=report, body="Why amber?")
    threads.report_thread_follow_up(actor=contact, thread=thread, body="Any news?")

    emails = list(OutboundEmail.objects.filter(kind="report_question").order_by("id"))
    assert [e.to for e in emails] == [side.pm.email, side.pm.email]
    assert {e.language for e in emails} == {"zh-hans"}
    link = f"/app/projects/{side.project_a.pk}/reports/{report.number}/#thread-{thread.pk}"
    for email, body in zip(emails, ["Why amber?", "Any news?"], strict=True):
        assert link in email.body_text and link in email.body_html
        assert body in email.body_text
        assert email.subject.startswith(side.contact_a.full_name)
    assert emails[0].subject == _in(
        "zh-hans",
        "%(author)s (%(client)s) asks about %(reference)s of %(project)s",
        author=side.contact_a.full_name,
        client=side.client_a.name,
        reference=report.reference,
        project=side.project_a.name,
    )
    assert emails[0].body_text.startswith(_in("zh-hans", "Hello %(name)s,", name=side.pm.full_name))
    assert not OutboundEmail.objects.filter(kind="report_answer").exists()


def test_the_answer_goes_to_the_contacts_who_wrote_each_in_their_language(world):
    side = world.one
    report = _report(side)
    side.contact_a.language = "zh-hans"
    side.contact_a.save()
    colleague = factories.portal_contact(side.client_a, full_name="Colleague A", language="en")
    bystander = factories.portal_contact(side.client_a, full_name="Reads only")
    thread = threads.report_thread_open(
        actor=side.contact_actor(side.contact_a), report=report, body="Why amber?"
    )
    threads.report_thread_follow_up(
        actor=side.contact_actor(colleague), thread=thread, body="Same question <b>here</b>"
    )
    threads.report_thread_answer(
        actor=side.actor(side.pm), thread=thread, body="Because of Tom's sign-off & more"
    )

    emails = {e.to: e for e in OutboundEmail.objects.filter(kind="report_answer")}
    assert set(emails) == {side.contact_a.email, colleague.email}
    assert bystander.email not in emails
    chinese, english = emails[side.contact_a.email], emails[colleague.email]
    assert (chinese.language, english.language) == ("zh-hans", "en")
    subject = "The project team answered your question on %(reference)s of %(project)s"
    params = {"reference": report.reference, "project": side.project_a.name}
    assert english.subject == _in("en", subject, **params)
    assert chinese.subject == _in("zh-hans", subject, **params)
    link = f"/portal/projects/{side.project_a.pk}/reports/{report.number}/#thread-{thread.pk}"
    assert link in english.body_text and link in chinese.body_html
    assert "Because of Tom's sign-off & more" in english.body_text  # plain text, unescaped
    assert "Because of Tom&#x27;s sign-off &amp; more" in english.body_html


def test_only_portal_contacts_of_the_client_ask_and_only_managers_answer(world):
    side = world.one
    report = _report(side)
    before = _written()
    for outsider in [
        side.actor(side.pm),  # the team answers, it does not ask
        side.contact_actor(side.contact_b),  # another client of the same organisation
        world.two.contact_actor(world.two.contact_a),  # another organisation
    ]:
        with pytest.raises(PermissionDenied):
            threads.report_thread_open(actor=outsider, report=report, body="Hello?")
    thread = threads.report_thread_open(
        actor=side.contact_actor(side.contact_a), report=report, body="Hello?"
    )
    after_open = _written()
    assert after_open[0] == before[0] + 1
    for refused in [
        side.actor(side.member),  # on the project, reads only
        side.actor(side.outsider),
        world.two.actor(world.two.owner),
        side.contact_actor(side.contact_a),  # a contact follows up, never "answers"
    ]:
        with pytest.raises(PermissionDenied):
            threads.report_thread_answer(actor=refused, thread=thread, body="An answer")
    for refused in [side.contact_actor(side.contact_b), side.actor(side.pm)]:
        with pytest.raises(PermissionDenied):
            threads.report_thread_follow_up(actor=refused, thread=thread, body="More")
    assert _written() == after_open
    for manager in (side.owner, side.admin, side.pm):
        threads.report_thread_answer(actor=side.actor(manager), thread=thread, body="Answered")
    assert thread.messages.count() == 4


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Write your message first."),
        ("   \n ", "Write your message first."),
        ("x" * 4001, "Keep the message to 4000 characters at most (it has 4001)."),
        ("nul\x00byte", "Null characters are not allowed."),
    ],
)
def test_bad_bodies_are_refused_and_nothing_is_written(world, body, message):
    side = world.one
    report = _report(side)
    contact = side.contact_actor(side.contact_a)
    thread = threads.report_thread_open(actor=contact, report=report, body="First")
    before = _written()
    thread.refresh_from_db()
    waiting = thread.waiting_since
    for attempt in [
        lambda: threads.report_thread_open(actor=contact, report=report, body=body),
        lambda: threads.report_thread_follow_up(actor=contact, thread=thread, body=body),
        lambda: threads.report_thread_answer(actor=side.actor(side.pm), thread=thread, body=body),
    ]:
        with translation.override("en"):
            with pytest.raises(ValidationError) as refused:
                attempt()
            assert refused.value.message_dict == {"body": [message]}
    assert _written() == before
    thread.refresh_from_db()
    assert thread.waiting_since == waiting


def test_the_limit_is_4000_characters_after_trimming(world):
    side = world.one
    report = _report(side)
    thread = threads.report_thread_open(
        actor=side.contact_actor(side.contact_a), report=report, body=" " + "x" * 4000 + " "
    )
    assert len(thread.messages.get().body) == 4000


def test_errors_are_in_the_users_language(world):
    side = world.one
    report = _report(side)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        threads.report_thread_open(
            actor=side.contact_actor(side.contact_a), report=report, body=" "
        )
    assert refused.value.message_dict["body"] == [_in("zh-hans", "Write your message first.")]


def test_a_draft_takes_no_questions_and_its_threads_are_unreachable(world):
    side = world.one
    draft = _report(side, publish=False)
    before = _written()
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            threads.report_thread_open(
                actor=side.contact_actor(side.contact_a), report=draft, body="Early question"
            )
        assert "published reports only" in refused.value.messages[0]
    assert _written() == before
    # A thread on a draft (never made by the services) is not found, nor can it be written to.
    planted = ReportThread.objects.create(report=draft, opened_by=side.contact_a)
    assert not thread_selectors.threads_of(report=draft).exists()
    with pytest.raises(Http404):
        thread_selectors.thread_get(report=draft, thread_id=planted.pk)
    with pytest.raises(ValidationError):
        threads.report_thread_answer(actor=side.actor(side.pm), thread=planted, body="Hi")
    with pytest.raises(Http404):
        selectors.report_get(
            actor=side.contact_actor(side.contact_a), project=side.project_a, number=draft.number
        )


def test_another_reports_thread_is_not_found(world):
    side = world.one
    first = _report(side, days_ago=13)
    second = _report(side, days_ago=6)
    thread = threads.report_thread_open(
        actor=side.contact_actor(side.contact_a), report=first, body="On the first"
    )
    with pytest.raises(Http404):
        thread_selectors.thread_get(report=second, thread_id=thread.pk)
    assert thread_selectors.thread_get(report=first, thread_id=thread.pk) == thread


def test_a_message_has_exactly_one_author(world):
    side = world.one
    thread = threads.report_thread_open(
        actor=side.contact_actor(side.contact_a), report=_report(side), body="Hello"
    )
    with pytest.raises(IntegrityError):
        ReportMessage.objects.create(
            thread=thread, author_user=side.pm, author_contact=side.contact_a, body="Both"
        )


def test_the_report_list_counts_waiting_threads(world):
    side = world.one
    first = _report(side, days_ago=13)
    second = _report(side, days_ago=6)
    contact = side.contact_actor(side.contact_a)
    answered = threads.report_thread_open(actor=contact, report=first, body="One")
    threads.report_thread_open(actor=contact, report=first, body="Two")
    threads.report_thread_answer(actor=side.actor(side.pm), thread=answered, body="Done")
    threads.report_thread_open(actor=contact, report=second, body="Three")
    threads.report_thread_open(actor=contact, report=second, body="Four")
    counts = {
        r.number: (r.waiting_threads, r.acknowledged)
        for r in selectors.report_list(actor=side.actor(side.pm), project=side.project_a)
    }
    assert counts == {first.number: (1, 0), second.number: (2, 0)}
