"""Threads and messages through the services: who may write, the waiting clock and response
times, read state, what the audit keeps, and who is emailed in which language."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from rapport.audit.models import AuditEvent
from rapport.messaging import selectors, services
from rapport.messaging.models import Message, Thread, ThreadRead
from rapport.notify.models import OutboundEmail
from tests import factories
from tests.messaging import samples

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _client_opens(side, at=T0, subject="Where is the test plan?", body="Could you send it?"):
    return services.thread_open(
        actor=side.contact_actor(side.contact_a),
        project=side.project_a,
        subject=subject,
        body=body,
        at=at,
    )


def _post(side, thread, who, at, body="Noted."):
    actor = side.contact_actor(who) if who in (side.contact_a, side.contact_b) else side.actor(who)
    return services.message_post(actor=actor, thread=thread, body=body, at=at)


def test_a_client_message_waits_until_the_team_answers(world):
    side = world.one
    thread = _client_opens(side)
    assert thread.waiting_since == T0
    assert thread.created_by_contact == side.contact_a and thread.created_by_user is None
    # A second client message does not restart the clock.
    _post(side, thread, side.contact_a, T0 + timedelta(hours=1), "Anyone?")
    thread.refresh_from_db()
    assert thread.waiting_since == T0
    answer = _post(side, thread, side.pm, T0 + timedelta(hours=3, minutes=30), "Attached.")
    thread.refresh_from_db()
    assert answer.response_seconds == 3.5 * 3600
    assert thread.waiting_since is None
    assert thread.last_message_at == T0 + timedelta(hours=3, minutes=30)
    # A second team message is not an answer to anything.
    again = _post(side, thread, side.member, T0 + timedelta(hours=4))
    assert again.response_seconds is None
    # The client writes again: a new wait starts.
    _post(side, thread, side.contact_a, T0 + timedelta(days=1))
    thread.refresh_from_db()
    assert thread.waiting_since == T0 + timedelta(days=1)


def test_a_thread_the_team_opens_waits_for_nobody(world):
    side = world.one
    thread = services.thread_open(
        actor=side.actor(side.pm), project=side.project_a, subject="Kick-off", body="Hello!"
    )
    assert thread.waiting_since is None
    assert thread.messages.get().via == "app"
    assert thread.created_by_user == side.pm


def test_opening_and_posting_are_audited_without_the_text(world):
    side = world.one
    thread = _client_opens(side, body="The secret budget figure is 42")
    message = thread.messages.get()
    opened = AuditEvent.objects.get(action="created", object_id=str(thread.pk))
    assert opened.changes == {"subject": [None, "Where is the test plan?"]}
    assert opened.actor_contact_id == side.contact_a.pk
    posted = AuditEvent.objects.get(action="posted", object_id=str(message.pk))
    assert posted.changes == {"via": [None, "portal"], "body_length": [None, 30]}
    assert "secret" not in str(posted.changes) and "secret" not in posted.object_repr
    assert posted.organisation_id == side.organisation.pk


@pytest.mark.parametrize("who", ["outsider", "contact_b", "x_pm", "x_contact_a"])
def test_people_outside_the_project_may_not_write(world, who):
    side = world.one
    thread = _client_opens(side)
    acting = world.two if who.startswith("x_") else side
    role = who.removeprefix("x_")
    person = getattr(acting, role)
    actor = acting.contact_actor(person) if role.startswith("contact") else acting.actor(person)
    with pytest.raises(PermissionDenied):
        services.message_post(actor=actor, thread=thread, body="Let me in")
    with pytest.raises(PermissionDenied):
        services.thread_open(actor=actor, project=side.project_a, subject="Hi", body="Hi")
    assert Message.objects.count() == 1


def test_an_unpublished_project_has_no_client_conversation(world):
    side = world.one
    with pytest.raises(PermissionDenied):
        services.thread_open(
            actor=side.contact_actor(side.contact_a),
            project=side.project_a_draft,
            subject="Hi",
            body="Hi",
        )
    with pytest.raises(ValidationError) as refused:
        services.thread_open(
            actor=side.actor(side.pm), project=side.project_a_draft, subject="Hi", body="Hi"
        )
    assert "Publish the project to the client portal first" in str(refused.value)
    assert not Thread.objects.exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"subject": "", "body": "x"}, "subject"),
        ({"subject": "x" * 201, "body": "x"}, "subject"),
        ({"subject": "Hi", "body": "   "}, "body"),
        ({"subject": "Hi", "body": "x" * 10_001}, "body"),
        ({"subject": "Hi", "body": "nul\x00byte"}, "body"),
        ({"subject": "nul\x00", "body": "x"}, "subject"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(world, values, field):
    side = world.one
    with pytest.raises(ValidationError) as refused:
        services.thread_open(actor=side.actor(side.pm), project=side.project_a, **values)
    assert field in refused.value.message_dict
    assert not Thread.objects.exists() and not Message.objects.exists()
    assert not AuditEvent.objects.filter(action__in=["posted"]).exists()
    assert not OutboundEmail.objects.filter(kind="message_posted").exists()


def test_each_side_writes_through_its_own_door(world):
    side = world.one
    thread = _client_opens(side)
    with pytest.raises(ValueError):
        services.message_post(
            actor=side.contact_actor(side.contact_a), thread=thread, body="x", via="app"
        )
    with pytest.raises(ValueError):
        services.message_post(actor=side.actor(side.pm), thread=thread, body="x", via="portal")
    by_mail = services.message_post(
        actor=side.contact_actor(side.contact_a), thread=thread, body="From my phone", via="email"
    )
    assert by_mail.via == "email" and by_mail.author_contact == side.contact_a


# --- read state ---------------------------------------------------------------------------------


def _unread(actor, project):
    return {t.subject: t.unread for t in selectors.thread_list(actor=actor, project=project)}


def test_unread_counts_follow_what_each_person_has_read(world):
    side = world.one
    pm, member = side.actor(side.pm), side.actor(side.member)
    client = side.contact_actor(side.contact_a)
    first = _client_opens(side, subject="First")
    _post(side, first, side.contact_a, T0 + timedelta(minutes=5), "And another thing")
    services.thread_open(actor=pm, project=side.project_a, subject="Second", body="FYI")
    assert _unread(pm, side.project_a) == {"First": 2, "Second": 0}
    assert _unread(member, side.project_a) == {"First": 2, "Second": 1}
    assert _unread(client, side.project_a) == {"First": 0, "Second": 1}
    assert selectors.unread_thread_count(actor=member, project=side.project_a) == 2

    first.refresh_from_db()  # read as far as the newest message shown
    services.thread_mark_read(actor=pm, thread=first)
    assert _unread(pm, side.project_a) == {"First": 0, "Second": 0}
    assert selectors.unread_thread_count(actor=pm, project=side.project_a) == 0
    # Reading marks only the reader; posting marks the poster.
    assert _unread(member, side.project_a)["First"] == 2
    _post(side, first, side.member, timezone.now(), "On it")
    assert _unread(member, side.project_a)["First"] == 0
    assert _unread(client, side.project_a)["First"] == 1
    assert ThreadRead.objects.filter(thread=first).count() == 3


def test_the_read_mark_never_moves_back(world):
    side = world.one
    thread = _client_opens(side)
    pm = side.actor(side.pm)
    services.thread_mark_read(actor=pm, thread=thread)
    stale = Thread.objects.get(pk=thread.pk)
    stale.last_message_at = T0 - timedelta(days=1)
    services.thread_mark_read(actor=pm, thread=stale)
    assert ThreadRead.objects.get(thread=thread, user=side.pm).last_read_at == T0


# --- waiting and response times ---------------------------------------------------------------


def test_waiting_threads_lists_the_members_own_projects_longest_first(world):
    side = world.one
    now = timezone.now()
    older = _client_opens(side, at=now - timedelta(days=2), subject="Older")
    newer = _client_opens(side, at=now - timedelta(hours=3), subject="Newer")
    answered = _client_opens(side, at=now - timedelta(days=5), subject="Answered")
    _post(side, answered, side.pm, now - timedelta(days=4))
    waiting = list(selectors.waiting_threads(actor=side.actor(side.pm)))
    assert waiting == [older, newer]
    assert now - waiting[0].waiting_since == timedelta(days=2)
    assert list(selectors.waiting_threads(actor=side.actor(side.member))) == [
        older,
        newer,
    ]
    # Not on the project (the owner sees it all, but it is not theirs to answer on the home
    # page), or another organisation: nothing.
    for actor in (side.actor(side.outsider), side.actor(side.owner), world.two.actor(world.two.pm)):
        assert not selectors.waiting_threads(actor=actor).exists()
    assert not selectors.waiting_threads(actor=side.contact_actor(side.contact_a)).exists()


def test_response_times_give_the_median_and_longest_wait_overall_and_per_person(world):
    side = world.one
    now = T0 + timedelta(days=30)
    waits = [(side.pm, 1), (side.member, 3), (side.pm, 5), (side.pm, 2)]
    for day, (person, hours) in enumerate(waits):
        start = T0 + timedelta(days=day)
        thread = _client_opens(side, at=start, subject=f"Question {day}")
        _post(side, thread, person, start + timedelta(hours=hours))
    # An answer older than 90 days does not count.
    old = _client_opens(side, at=now - timedelta(days=120), subject="Long ago")
    _post(side, old, side.member, now - timedelta(days=100))

    times = selectors.response_times(project=side.project_a, now=now)
    assert times.days == 90
    assert times.overall.answers == 4
    assert times.overall.median_seconds == 2.5 * 3600
    assert times.overall.longest_seconds == 5 * 3600
    by_person = {p.name: p.waits for p in times.by_person}
    assert by_person[side.pm.full_name].answers == 3
    assert by_person[side.pm.full_name].median_seconds == 2 * 3600
    assert by_person[side.pm.full_name].longest_seconds == 5 * 3600
    assert by_person[side.member.full_name].median_seconds == 3 * 3600
    assert selectors.response_times(project=side.project_b, now=now).overall.answers == 0


# --- emails -----------------------------------------------------------------------------------


def _emails():
    return {e.to: e for e in OutboundEmail.objects.filter(kind="message_posted")}


def test_a_client_message_goes_to_the_pm_and_the_team_who_wrote_in_the_thread(world):
    side = world.one
    side.member.language = "zh-hans"
    side.member.save(update_fields=["language"])
    thread = _client_opens(side)
    assert set(_emails()) == {side.pm.email}
    _post(side, thread, side.member, T0 + timedelta(hours=1), "我来看看")
    OutboundEmail.objects.all().delete()
    _post(side, thread, side.contact_a, T0 + timedelta(hours=2), "Thanks **a lot**")
    emails = _emails()
    # The PM and the member who wrote; not the author, not the other team members.
    assert set(emails) == {side.pm.email, side.member.email}
    pm_mail, member_mail = emails[side.pm.email], emails[side.member.email]
    assert pm_mail.language == "en" and member_mail.language == "zh-hans"
    assert "Hello pm one," in pm_mail.body_text
    assert "member one，您好" in member_mail.body_text
    assert "Thanks **a lot**" in pm_mail.body_text
    assert "<strong>a lot</strong>" in pm_mail.body_html
    assert f"/app/projects/{side.project_a.pk}/messages/{thread.pk}/" in pm_mail.body_text
    assert pm_mail.organisation_id == side.organisation.pk


def test_a_team_message_goes_to_the_clients_portal_contacts_in_their_language(world):
    side = world.one
    colleague = factories.portal_contact(side.client_a, language="zh-hans")
    factories.ContactFactory(client=side.client_a, email="no-portal@client.test")
    thread = services.thread_open(
        actor=side.actor(side.pm),
        project=side.project_a,
        subject="Test plan",
        body="Here it is <script>alert(1)</script> [x](javascript:alert(1)) "
        '<img src=x onerror="a()">',
    )
    emails = _emails()
    assert set(emails) == {side.contact_a.email, colleague.email}
    assert emails[colleague.email].language == "zh-hans"
    assert "您好" in emails[colleague.email].body_text
    html = emails[side.contact_a.email].body_html
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;" in html  # shown as text, never run
    assert f"/portal/projects/{side.project_a.pk}/messages/{thread.pk}/" in html
    assert side.contact_b.email not in emails


def test_nobody_is_emailed_their_own_message(world):
    side = world.one
    thread = services.thread_open(
        actor=side.actor(side.pm), project=side.project_a, subject="Hi", body="Hi"
    )
    OutboundEmail.objects.all().delete()
    _post(side, thread, side.contact_a, T0)
    assert set(_emails()) == {side.pm.email}
    OutboundEmail.objects.all().delete()
    _post(side, thread, side.pm, T0 + timedelta(hours=1))
    assert side.pm.email not in _emails()


def test_every_problem_of_a_new_thread_is_reported_at_once(world):
    side = world.one
    with pytest.raises(ValidationError) as refused:
        services.thread_open(
            actor=side.actor(side.pm),
            project=side.project_a,
            subject="",
            body="",
            attachments=[samples.upload("run.exe", b"MZ")],
        )
    assert set(refused.value.message_dict) == {"subject", "attachments"}
