"""The demo's conversations: lively, in both languages, one waiting for the team."""

import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from rapport.messaging import attachments, selectors
from rapport.messaging.models import MessageAttachment, Thread
from rapport.projects.models import Project
from rapport.tenancy.actors import Actor
from rapport.tenancy.models import Membership, Role

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_the_demo_tells_conversations_in_both_languages():
    call_command("demo")
    threads = list(Thread.objects.select_related("project"))
    assert len(threads) >= 6
    for thread in threads:
        chinese = thread.project.code.startswith("HCM")
        assert bool(CJK.search(thread.subject)) is chinese, thread.subject
        assert thread.messages.count() >= 1
    assert not Thread.objects.filter(project__published_at__isnull=True).exists()

    waiting = [t for t in threads if t.waiting_since is not None]
    assert [t.subject for t in waiting] == ["Dashboard refresh rate"]
    pm = Membership.objects.select_related("user", "organisation").get(role=Role.PM)
    actor = Actor.member(pm.user, pm.organisation, pm.role)
    listed = list(selectors.waiting_threads(actor=actor))
    assert [thread.subject for thread in listed] == ["Dashboard refresh rate"]
    waited = timezone.now() - listed[0].waiting_since
    assert timedelta(days=2) <= waited < timedelta(days=2, hours=1)

    attachment = MessageAttachment.objects.get()
    assert attachment.filename == "go-live-checklist.pdf"
    assert attachment.content_type == "application/pdf"
    pdf = attachments.path_of(attachment.stored_name).read_bytes()
    assert "Go-live checklist" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()

    project = Project.objects.get(code="NWL-01")
    times = selectors.response_times(project=project)
    assert times.overall.answers == 3
    assert {p.name for p in times.by_person} == {"Daniel Hart", "王磊 Wang Lei"}
