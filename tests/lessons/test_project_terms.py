"""A project's words as search terms (``ProjectTerms``): read by the job worker when they
change, swept up every ten minutes, used by the lesson suggestions only while they are of the
project's current words, and so a project page does not load jieba into a web worker."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from rapport.lessons import search, selectors
from rapport.lessons import services as lessons
from rapport.lessons.models import ProjectTerms
from rapport.lessons.tasks import read_pending_project_terms
from rapport.projects import services as projects
from rapport.projects.models import Project
from tests import factories
from tests.fresh import WITH_OWNER, run_fresh
from tests.lessons.test_search import _lesson

pytestmark = pytest.mark.django_db


def _terms_of(project: Project) -> list[str]:
    return search.query_terms(search.project_text(project.name, project.description))


def test_the_job_reads_a_projects_words_when_they_change(world, django_capture_on_commit_callbacks):
    side = world.one
    pm = side.actor(side.pm)
    with django_capture_on_commit_callbacks(execute=True):
        project = projects.project_create(
            actor=pm,
            client=side.client_a,
            name="客户门户第二期",
            code="P2",
            description="Customer portal, phase two",
            start_date=timezone.localdate(),
            end_date=timezone.localdate() + timedelta(days=90),
        )
    stored = ProjectTerms.objects.get(project=project)
    assert stored.terms == _terms_of(project) and {"门户", "portal", "phase"} <= set(stored.terms)
    assert stored.text_digest == search.text_digest(
        search.project_text(project.name, project.description)
    )

    with django_capture_on_commit_callbacks(execute=True):
        projects.project_update(actor=pm, project=project, status=Project.Status.ACTIVE)
    # the words did not change: not read again
    assert ProjectTerms.objects.get(project=project).read_at == stored.read_at
    with django_capture_on_commit_callbacks(execute=True):
        project = projects.project_update(actor=pm, project=project, description="数据迁移")
    assert ProjectTerms.objects.get(project=project).read_at > stored.read_at
    assert ProjectTerms.objects.get(project=project).terms == _terms_of(project)
    assert "portal" not in ProjectTerms.objects.get(project=project).terms
    assert lessons.project_terms_read(project_id=project.pk + 1000) is False  # gone


def test_suggestions_rank_by_the_stored_terms_only_while_they_are_the_projects(world):
    side = world.one
    pm = side.actor(side.pm)
    warehouse = _lesson(side, "Warehouse scanners arrive late", project=side.project_a)
    website = _lesson(side, "Website launch needs a freeze", project=side.project_a)
    new = factories.ProjectFactory(client=side.client_b, pm=side.pm, name="Website", description="")
    text = search.project_text(new.name, new.description)
    # terms stored for these very words are what the suggestions are ranked by (here, on
    # purpose, not what the words say): nothing is segmented in this process
    ProjectTerms.objects.create(
        project=new,
        text_digest=search.text_digest(text),
        terms=["warehouse"],
        read_at=timezone.now(),
    )
    assert [x.pk for x in selectors.suggestions(actor=pm, project=new)] == [warehouse.pk]
    # words changed behind the job's back: the stored terms are of other words, and are not used
    Project.objects.filter(pk=new.pk).update(name="Website launch")
    new.refresh_from_db()
    assert [x.pk for x in selectors.suggestions(actor=pm, project=new)] == [website.pk]


def test_the_sweep_reads_projects_never_read_or_changed_since(world):
    side = world.one
    ProjectTerms.objects.all().delete()
    count = Project.objects.count()
    assert read_pending_project_terms.enqueue().return_value == count
    assert ProjectTerms.objects.count() == count
    assert read_pending_project_terms.enqueue().return_value == 0  # nothing changed since
    later = timezone.now() + timedelta(seconds=1)
    Project.objects.filter(pk=side.project_a.pk).update(name="Warehouse move", updated_at=later)
    assert read_pending_project_terms.enqueue().return_value == 1
    side.project_a.refresh_from_db()
    assert ProjectTerms.objects.get(project=side.project_a).terms == _terms_of(side.project_a)


PROJECT_PAGES = (
    WITH_OWNER
    + """
from django.utils import timezone
from rapport.lessons import search
from rapport.lessons.models import Lesson, LessonTerm, ProjectTerms

old = factories.ProjectFactory(client__organisation=organisation, pm=owner, name="旧门户")
lesson = Lesson.objects.create(
    organisation=organisation, project=old, client=old.client, title="门户上线前冻结需求",
    what_happened="-", recommendation="-", category="other", year=2026, length=2,
)
LessonTerm.objects.create(
    lesson=lesson, organisation=organisation, term="门户", count=2, length=2,
    impact=search.impact(2, 2),
)
read = factories.ProjectFactory(client=old.client, pm=owner, name="客户门户", description="")
ProjectTerms.objects.create(
    project=read, terms=["门户"], read_at=timezone.now(),
    text_digest=search.text_digest(search.project_text(read.name, read.description)),
)
unread = factories.ProjectFactory(client=old.client, pm=owner, name="新门户", description="")
page = http.get(f"/app/projects/{read.pk}/")
after_read = "jieba" in sys.modules
second = http.get(f"/app/projects/{unread.pk}/")
print(json.dumps({
    "status": [page.status_code, second.status_code],
    "suggested": ["门户上线前冻结需求" in p.content.decode() for p in (page, second)],
    "jieba": [after_read, "jieba" in sys.modules],
}))
"""
)


def test_a_project_page_with_its_words_read_loads_no_segmenter(tmp_path):
    """In a fresh interpreter, as a web worker: the page of a project whose words the job read
    suggests the lesson without importing jieba; a project not read yet still gets its
    suggestions, reading its words there (which imports it)."""
    figures = run_fresh(PROJECT_PAGES, tmp_path)
    assert figures == {"status": [200, 200], "suggested": [True, True], "jieba": [False, True]}
