"""The conversation through the pages, both ways: the client opens a thread in the portal,
the team sees it waiting and answers in the app, the client reads the answer."""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from rapport.communication import services as comm
from rapport.messaging import services
from rapport.messaging.models import Message, Thread
from tests.conftest import login
from tests.messaging import samples

pytestmark = pytest.mark.django_db

HOSTILE = (
    'Hi <script>alert(1)</script> <img src=x onerror="alert(2)"> '
    '[click](javascript:alert(3)) <a href="javascript:alert(4)">x</a> **bold**'
)


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend((name, value or "") for name, value in attrs)


def _portal(side):
    return f"/portal/projects/{side.project_a.pk}/messages/"


def _app(side):
    return f"/app/projects/{side.project_a.pk}/messages/"


def test_a_conversation_both_ways_through_the_pages(world):
    side = world.one
    client = login(side.contact_a.user)
    pm = login(side.pm)

    response = client.post(
        f"{_portal(side)}new/",
        {
            "subject": "Test data",
            "body": "Where do we **upload** it?",
            "attachments": [samples.pdf()],
        },
    )
    thread = Thread.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{_portal(side)}{thread.pk}/"
    assert thread.waiting_since is not None

    home = pm.get("/app/").content.decode()
    assert "Client messages waiting for an answer" in home and "Test data" in home
    assert f"{_app(side)}{thread.pk}/" in home
    detail = pm.get(f"/app/projects/{side.project_a.pk}/").content.decode()
    assert re.search(r'Messages <span class="badge unread-badge"[^>]*>1</span>', detail)
    listing = pm.get(_app(side)).content.decode()
    assert "1 unread" in listing and "Waiting for our answer" in listing

    page = pm.get(f"{_app(side)}{thread.pk}/").content.decode()
    assert "<strong>upload</strong>" in page and "minutes.pdf" in page
    assert "The client has been waiting for an answer since" in page
    response = pm.post(f"{_app(side)}{thread.pk}/", {"body": "In the shared folder."})
    answer = Message.objects.filter(author_user=side.pm).get()
    assert response["Location"] == f"{_app(side)}{thread.pk}/#message-{answer.pk}"
    assert "Client messages waiting" not in pm.get("/app/").content.decode()
    assert "1 unread" not in pm.get(_app(side)).content.decode()
    listing = pm.get(_app(side)).content.decode()
    assert "How long the client waits for an answer" in listing and "Median wait" in listing

    portal_project = client.get(f"/portal/projects/{side.project_a.pk}/").content.decode()
    assert re.search(r'Messages <span class="badge unread-badge"[^>]*>1</span>', portal_project)
    page = client.get(f"{_portal(side)}{thread.pk}/").content.decode()
    assert "In the shared folder." in page and side.pm.full_name in page
    assert "waiting for an answer" not in page and "answered after" not in page
    client.post(f"{_portal(side)}{thread.pk}/", {"body": "Found it, thanks!"})
    assert Message.objects.count() == 3
    assert "1 unread" in pm.get(_app(side)).content.decode()


def test_markdown_in_messages_never_carries_script(world):
    side = world.one
    thread = services.thread_open(
        actor=side.contact_actor(side.contact_a), project=side.project_a, subject="x", body=HOSTILE
    )
    for http, url in (
        (login(side.pm), f"{_app(side)}{thread.pk}/"),
        (login(side.contact_a.user), f"{_portal(side)}{thread.pk}/"),
    ):
        page = http.get(url).content.decode()
        body = page.split('class="post-body">', 1)[1].split("</div>", 1)[0]
        assert "<strong>bold</strong>" in body
        elements = _Elements()
        elements.feed(body)
        assert set(elements.tags) <= {"p", "strong", "a"}, elements.tags
        assert "script" not in elements.tags and "img" not in elements.tags
        for name, value in elements.attributes:
            assert not name.startswith("on"), name
            assert not value.strip().lower().startswith("javascript"), value


def test_the_portal_never_shows_internal_notes_or_measures(world):
    side = world.one
    side.client_a.notes = "INTERNAL: hard to work with"
    side.client_a.save(update_fields=["notes"])
    comm.stakeholder_add(
        actor=side.actor(side.pm),
        project=side.project_a,
        contact=side.contact_a,
        notes="INTERNAL: wants a discount",
    )
    thread = services.thread_open(
        actor=side.contact_actor(side.contact_a),
        project=side.project_a,
        subject="Question",
        body="Hello",
        at=timezone.now() - timedelta(days=1),
    )
    services.message_post(actor=side.actor(side.pm), thread=thread, body="Hi")
    client = login(side.contact_a.user)
    for url in (_portal(side), f"{_portal(side)}{thread.pk}/", f"{_portal(side)}new/"):
        page = client.get(url).content.decode()
        assert "INTERNAL" not in page, url
        assert "answered after" not in page and "How long the client waits" not in page, url


def test_the_client_sees_only_their_own_clients_threads(world):
    side = world.one
    mine = services.thread_open(
        actor=side.contact_actor(side.contact_a), project=side.project_a, subject="A", body="A"
    )
    theirs = services.thread_open(
        actor=side.contact_actor(side.contact_b), project=side.project_b, subject="B", body="B"
    )
    client_b = login(side.contact_b.user)
    assert client_b.get(_portal(side)).status_code == 404
    assert client_b.get(f"{_portal(side)}{mine.pk}/").status_code == 404
    # Its own thread's id under project A's address is not found either.
    assert client_b.get(f"{_portal(side)}{theirs.pk}/").status_code == 404
    listing = client_b.get(f"/portal/projects/{side.project_b.pk}/messages/").content.decode()
    assert ">B</a>" in listing and ">A</a>" not in listing


def test_an_empty_reply_says_what_is_missing(world):
    side = world.one
    thread = services.thread_open(
        actor=side.actor(side.pm), project=side.project_a, subject="x", body="x"
    )
    response = login(side.contact_a.user).post(f"{_portal(side)}{thread.pk}/", {"body": "  "})
    assert response.status_code == 200
    assert "Write a message or attach a file." in response.content.decode()
    assert Message.objects.count() == 1


def test_pages_speak_the_readers_language(world):
    side = world.one
    side.contact_a.user.language = "zh-hans"
    side.contact_a.user.save(update_fields=["language"])
    page = login(side.contact_a.user).get(f"{_portal(side)}new/").content.decode()
    assert '<html lang="zh-hans"' in page
    assert "主题" in page  # "Subject", from the catalogue


def test_the_team_is_told_when_the_client_cannot_read_along(world):
    side = world.one
    pm = login(side.pm)
    url = f"/app/projects/{side.project_a_draft.pk}/messages/"
    assert "not in the client portal" in pm.get(url).content.decode()
    response = pm.post(f"{url}new/", {"subject": "Hi", "body": "Hi"})
    assert response.status_code == 200
    assert "Publish the project to the client portal first" in response.content.decode()
    assert not Thread.objects.exists()
    assert "not in the client portal" not in pm.get(_app(side)).content.decode()


def test_each_side_is_told_whom_a_new_conversation_reaches(world):
    """The empty list speaks to its reader: the client asks the project team, the team asks
    the client."""
    side = world.one
    portal = login(side.contact_a.user).get(_portal(side)).content.decode()
    app = login(side.pm).get(_app(side)).content.decode()
    assert "ask the project team a question" in portal and "ask the client" not in portal
    assert "ask the client a question" in app


def test_a_wait_under_a_minute_is_said_in_words():
    from rapport.messaging.templatetags.messaging import wait

    assert wait(timedelta(seconds=12)) == "less than a minute"
    assert wait(timedelta(minutes=3)) == "3\xa0minutes"
