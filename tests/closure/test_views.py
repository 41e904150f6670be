"""The closure pages: the PM sees what blocks it, closes, the client reads and accepts the
closure report in the portal, and both get the same report as a PDF."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from rapport.closure.models import Closure
from rapport.projects.models import Deliverable, Project

pytestmark = pytest.mark.django_db


def test_pm_sees_blockers_and_admin_form_only_for_admins(world, login_as):
    side = world.one
    url = reverse("closure:detail", args=[side.project_a.pk])
    page = login_as(side.pm).get(url).content.decode()
    assert "Clickable prototype" in page
    assert "override_reason" not in page
    assert "override_reason" in login_as(side.admin).get(url).content.decode()
    refused = login_as(side.pm).post(reverse("closure:close", args=[side.project_a.pk]))
    assert refused.status_code == 400
    assert "Clickable prototype" in refused.content.decode()


def test_close_end_to_end_and_client_accepts(world, login_as):
    side = world.one
    Deliverable.objects.filter(project=side.project_a).update(status=Deliverable.Status.ACCEPTED)
    pm = login_as(side.pm)
    portal_url = reverse("portal_closure:detail", args=[side.project_a.pk])
    contact = login_as(side.contact_a.user)
    assert contact.get(portal_url).status_code == 404  # nothing to read before closing
    saved = pm.post(
        reverse("closure:save", args=[side.project_a.pk]),
        {"narrative": "我们按时交付了。", "lessons": "尽早确认范围。", "budget_closed": "on"},
    )
    assert saved.status_code == 302
    closed = pm.post(reverse("closure:close", args=[side.project_a.pk]))
    assert closed.status_code == 302
    side.project_a.refresh_from_db()
    assert side.project_a.status == Project.Status.CLOSED
    page = contact.get(portal_url).content.decode()
    assert "我们按时交付了" in page
    assert "Internal code freeze" not in page  # internal milestone left out for the client
    assert (
        contact.post(
            reverse("portal_closure:accept", args=[side.project_a.pk]), {"comment": "谢谢"}
        ).status_code
        == 302
    )
    assert Closure.objects.get(project=side.project_a).state == Closure.State.ACCEPTED
    assert "谢谢" in pm.get(reverse("closure:detail", args=[side.project_a.pk])).content.decode()


def test_pdf_in_the_readers_language(world, login_as):
    side = world.one
    Deliverable.objects.filter(project=side.project_a).update(status=Deliverable.Status.ACCEPTED)
    pm = login_as(side.pm)
    pm.post(
        reverse("closure:save", args=[side.project_a.pk]),
        {"narrative": "Done.", "lessons": "", "budget_closed": ""},
    )
    pm.post(reverse("closure:close", args=[side.project_a.pk]))
    with translation.override("zh-hans"):
        response = login_as(side.contact_a.user).get(
            reverse("portal_closure:pdf", args=[side.project_a.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
        )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert pm.get(reverse("closure:pdf", args=[side.project_a.pk])).status_code == 200


def test_closure_page_rejects_oversized_text_without_writing(world, login_as):
    side = world.one
    response = login_as(side.pm).post(
        reverse("closure:save", args=[side.project_a.pk]),
        {"narrative": "x" * 20001, "lessons": "", "budget_closed": ""},
    )
    assert response.status_code == 400
    assert not Closure.objects.filter(narrative__startswith="x").exists()
