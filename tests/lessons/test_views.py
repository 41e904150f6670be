"""Lesson pages: captured from a project's closure, read, corrected, moved and removed by the
people on the project; refused clearly in the reader's language, never half-written."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from rapport.audit.models import AuditEvent
from rapport.lessons import services
from rapport.lessons.models import Lesson, LessonTerm

pytestmark = pytest.mark.django_db


def _form(side, **overrides):
    return {
        "title": "范围确认太晚",
        "project": side.project_a.pk,
        "category": "expectations",
        "language": "zh-hans",
        "what_happened": "客户在验收时才提出新的需求。",
        "impact": "延期两周。",
        "root_cause": "没有签字确认范围。",
        "recommendation": "在启动会上逐条确认范围并签字。",
        "tags": "范围， scope",
        "shared_with_client": "1",
        **overrides,
    }


def test_capture_from_the_closure_page_and_find_it(world, login_as):
    side = world.one
    pm = login_as(side.pm)
    closure = pm.get(reverse("closure:detail", args=[side.project_a.pk])).content.decode()
    create_url = f"{reverse('lessons:create')}?project={side.project_a.pk}"
    assert create_url in closure
    form = pm.get(create_url).content.decode()
    assert f'<option value="{side.project_a.pk}" selected>' in form
    response = pm.post(reverse("lessons:create"), _form(side))
    assert response.status_code == 302
    lesson = Lesson.objects.get(title="范围确认太晚")
    assert response["Location"] == reverse("lessons:detail", args=[lesson.pk])
    assert (lesson.client_id, lesson.tags, lesson.shared_with_client) == (
        side.client_a.pk,
        ["范围", "scope"],
        True,
    )
    assert LessonTerm.objects.filter(lesson=lesson, term="范围").exists()
    assert AuditEvent.objects.filter(action="created", object_id=str(lesson.pk)).exists()
    found = pm.get(reverse("lessons:library"), {"q": "确认范围"}).content.decode()
    assert reverse("lessons:detail", args=[lesson.pk]) in found
    closure = pm.get(reverse("closure:detail", args=[side.project_a.pk])).content.decode()
    assert "范围确认太晚" in closure


def test_bad_input_is_refused_in_the_readers_language_and_writes_nothing(world, login_as):
    side = world.one
    side.pm.language = "zh-hans"
    side.pm.save(update_fields=["language"])
    pm = login_as(side.pm)
    before = (Lesson.objects.count(), AuditEvent.objects.count())
    for data in [
        _form(side, title="", recommendation=""),
        _form(side, project=world.two.project_a.pk),
        _form(side, tags=",".join(f"t{i}" for i in range(30))),
        _form(side, project="", shared_with_client="1"),
        _form(side, title="nul\x00byte"),
    ]:
        response = pm.post(reverse("lessons:create"), data)
        assert response.status_code == 400, data
        assert 'role="alert"' in response.content.decode()
    assert (Lesson.objects.count(), AuditEvent.objects.count()) == before
    page = pm.post(reverse("lessons:create"), _form(side, title="")).content.decode()
    assert "此字段为必填项。" in page  # Django's own catalogue; Rapport's comes with the .po


def test_edit_moves_the_lesson_and_the_history_says_so(world, login_as):
    side = world.one
    lesson = services.lesson_create(
        actor=side.actor(side.pm),
        project_id=side.project_a.pk,
        title="Weekly demos",
        what_happened="Late feedback.",
        recommendation="Demo weekly.",
        category="communication",
    )
    pm = login_as(side.pm)
    response = pm.post(
        reverse("lessons:edit", args=[lesson.pk]),
        _form(side, title="Weekly demos, always", project=side.project_b.pk, language="en"),
    )
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert (lesson.title, lesson.project_id, lesson.client_id) == (
        "Weekly demos, always",
        side.project_b.pk,
        side.client_b.pk,
    )
    event = AuditEvent.objects.get(action="updated", object_id=str(lesson.pk))
    assert event.changes["project"] == [str(side.project_a), str(side.project_b)]
    detail = pm.get(reverse("lessons:detail", args=[lesson.pk])).content.decode()
    assert "Weekly demos, always" in detail
    # The team member of project_a may write its lessons, not project_b's.
    with pytest.raises(PermissionDenied):
        services.lesson_update(actor=side.actor(side.member), lesson=lesson, title="Mine")


def test_delete_leaves_the_library_and_the_audit_trail_keeps_it(world, login_as):
    side = world.one
    lesson = services.lesson_create(
        actor=side.actor(side.pm),
        project_id=side.project_a.pk,
        title="Estimate with ranges",
        what_happened="Single-point estimates slipped.",
        recommendation="Give ranges.",
        category="estimation",
    )
    member = login_as(side.member)
    assert member.post(reverse("lessons:delete", args=[lesson.pk])).status_code == 302
    assert not Lesson.objects.filter(pk=lesson.pk).exists()
    assert not LessonTerm.objects.filter(lesson_id=lesson.pk).exists()
    event = AuditEvent.objects.get(action="deleted", object_id=str(lesson.pk))
    assert event.changes["title"] == ["Estimate with ranges", None]
    assert member.get(reverse("lessons:detail", args=[lesson.pk])).status_code == 404
