"""Postings carry their lesson's length and their impact, read best first through a new index
(see ``lessons.search``); existing postings are filled in the database, in one pass each."""

from django.db import migrations, models
from django.db.models import F, FloatField, OuterRef, Subquery, Value
from django.db.models.functions import Cast

# As in lessons.search when this migration was written: impact = weight(count, length, 64).
K1, B, REFERENCE_LENGTH = 1.2, 0.75, 64


def fill_postings(apps, schema_editor):
    Lesson = apps.get_model("lessons", "Lesson")
    LessonTerm = apps.get_model("lessons", "LessonTerm")
    length = Lesson.objects.filter(pk=OuterRef("lesson_id")).values("length")[:1]
    LessonTerm.objects.update(length=Subquery(length))
    count = Cast(F("count"), FloatField())
    normalised = Value(1.0 - B) + Value(B) * Cast(F("length"), FloatField()) / Value(
        float(REFERENCE_LENGTH)
    )
    LessonTerm.objects.update(impact=count * Value(K1 + 1) / (count + Value(K1) * normalised))


class Migration(migrations.Migration):
    dependencies = [
        ("lessons", "0002_lesson_length_index"),
        ("tenancy", "0005_organisation_report_acknowledgement_days"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="lessonterm", name="lessons_les_organis_f55842_idx"),
        migrations.AddField(
            model_name="lessonterm", name="impact", field=models.FloatField(default=0.0)
        ),
        migrations.AddField(
            model_name="lessonterm", name="length", field=models.PositiveIntegerField(default=0)
        ),
        migrations.RunPython(fill_postings, migrations.RunPython.noop, elidable=False),
        migrations.AddIndex(
            model_name="lessonterm",
            index=models.Index(
                fields=["organisation", "term", "-impact", "-lesson", "count", "length"],
                name="lesson_term_impact",
            ),
        ),
    ]
