"""The lessons shared with the client, in the client portal."""

from __future__ import annotations

import pytest

from rapport.lessons import services

pytestmark = pytest.mark.django_db


def _lesson(side, project, title, *, shared=True):
    return services.lesson_create(
        actor=side.actor(side.pm),
        project_id=project.pk,
        title=title,
        what_happened="What happened to " + title,
        root_cause="Why " + title,
        recommendation="Next time " + title,
        category="communication",
        shared_with_client=shared,
    )


def test_contact_reads_only_the_shared_lessons_of_their_clients_projects(world, login_as):
    side = world.one
    _lesson(side, side.project_a, "Weekly demos 每周演示")
    _lesson(side, side.project_a, "Internal staffing", shared=False)
    _lesson(side, side.project_b, "Other client's lesson")
    _lesson(side, side.project_a_draft, "Unpublished project's lesson")
    http = login_as(side.contact_a.user)

    page = http.get("/portal/lessons/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Weekly demos 每周演示" in html and "Next time Weekly demos" in html
    assert "Why Weekly demos" in html
    for hidden in ("Internal staffing", "Other client", "Unpublished project"):
        assert hidden not in html
    assert f"/portal/projects/{side.project_a.pk}/lessons/" in html

    project_page = http.get(f"/portal/projects/{side.project_a.pk}/lessons/")
    assert project_page.status_code == 200
    assert "Weekly demos" in project_page.content.decode()
    for project in (side.project_b, side.project_a_draft, world.two.project_a):
        assert http.get(f"/portal/projects/{project.pk}/lessons/").status_code == 404
    assert http.get("/portal/projects/99999999999/lessons/").status_code == 404


def test_linked_from_the_portal_and_a_bad_page_number_is_harmless(world, login_as):
    side = world.one
    http = login_as(side.contact_b.user)
    project = http.get(f"/portal/projects/{side.project_b.pk}/")
    assert f"/portal/projects/{side.project_b.pk}/lessons/" in project.content.decode()
    assert 'href="/portal/lessons/"' in project.content.decode()
    page = http.get("/portal/lessons/", {"page": "abc"})
    assert page.status_code == 200 and "No lessons have been shared with you yet." in (
        page.content.decode()
    )


def test_members_have_no_portal(world, login_as):
    side = world.one
    assert login_as(side.pm).get("/portal/lessons/").status_code == 404


def test_the_list_is_paginated(world, login_as):
    side = world.one
    for i in range(30):
        _lesson(side, side.project_a, f"Lesson number {i:02d}")
    http = login_as(side.contact_a.user)
    first = http.get("/portal/lessons/").content.decode()
    second = http.get("/portal/lessons/", {"page": 2}).content.decode()
    assert "Lesson number 29" in first and "Lesson number 00" not in first
    assert "Lesson number 00" in second
