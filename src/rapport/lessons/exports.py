"""The columns of the lessons library and of the portal's lessons, as exported."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rapport.core.export import Column
from rapport.lessons.models import Lesson

PORTAL_LESSON_COLUMNS: list[Column[Lesson]] = [
    Column(_("Title"), lambda lesson: lesson.title),
    Column(_("Category"), lambda lesson: lesson.get_category_display()),
    Column(_("Project"), lambda lesson: lesson.project.name if lesson.project else ""),
    Column(_("Year"), lambda lesson: lesson.year),
    Column(_("What happened"), lambda lesson: lesson.what_happened),
    Column(_("Impact"), lambda lesson: lesson.impact),
    Column(_("Root cause"), lambda lesson: lesson.root_cause),
    Column(_("Recommendation"), lambda lesson: lesson.recommendation),
    Column(_("Tags"), lambda lesson: ", ".join(lesson.tags or [])),
]

LESSON_COLUMNS: list[Column[Lesson]] = [
    *PORTAL_LESSON_COLUMNS[:2],
    Column(_("Client"), lambda lesson: lesson.client.name if lesson.client else ""),
    *PORTAL_LESSON_COLUMNS[2:],
    Column(_("Language"), lambda lesson: lesson.get_language_display()),
    Column(_("Visible to the client"), lambda lesson: lesson.shared_with_client),
]
