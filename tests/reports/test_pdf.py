"""The status report PDF: rendered by WeasyPrint, read back with pypdf, in both languages; sent
as an attachment in each recipient's language; charts drawn from the frozen data."""

import base64
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone, translation
from pypdf import PdfReader

from rapport.clients.models import Contact
from rapport.notify import services as notify
from rapport.notify.models import OutboundEmail
from rapport.projects.models import CostEntry, Milestone, Project
from rapport.reports import charts, pdf
from rapport.reports import services as reports
from rapport.reports.models import StatusReport

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


def _text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _compact(text: str) -> str:
    """Text extraction may break a line anywhere; compare without whitespace."""
    return re.sub(r"\s+", "", text)


def _published(side, **narrative):
    project = side.project_a
    Project.objects.filter(pk=project.pk).update(
        start_date=TODAY - timedelta(days=100), end_date=TODAY + timedelta(days=100)
    )
    project.refresh_from_db()
    project.milestones.all().delete()
    Milestone.objects.create(
        project=project, name="Design sign-off", baseline_date=TODAY - timedelta(days=12)
    )
    Milestone.objects.create(
        project=project,
        name="Kick-off",
        baseline_date=TODAY - timedelta(days=40),
        done_date=TODAY - timedelta(days=38),
    )
    Milestone.objects.create(
        project=project,
        name="Internal code freeze",
        baseline_date=TODAY + timedelta(days=50),
        client_visible=False,
    )
    CostEntry.objects.create(
        project=project,
        category="travel",
        description="Workshop room",
        amount="1234.50",
        date=TODAY - timedelta(days=5),
    )
    pm = side.actor(side.pm)
    report = reports.report_draft(
        actor=pm, project=project, period_start=TODAY - timedelta(days=30), period_end=TODAY
    )
    narrative.setdefault("problems", "Way forward: a second designer joins on Monday.")
    reports.report_update(actor=pm, report=report, **narrative)
    return reports.report_publish(actor=pm, report=report)


def test_the_pdf_carries_the_chinese_and_english_content_and_the_numbers(world):
    report = _published(
        world.one,
        summary="设计评审推迟了两周，我们已经增加了一名设计师。",
        achievements="Kick-off workshop held with the sponsor.",
        stated_health="green",
        stated_reason="客户已同意新的评审日期。",
    )

    chinese = _compact(_text(pdf.render(report, language="zh-hans")))
    assert "设计评审推迟了两周，我们已经增加了一名设计师。" in chinese
    assert "客户已同意新的评审日期。" in chinese
    assert "Kick-offworkshopheldwiththesponsor." in chinese
    assert "SR-001" in chinese
    assert world.one.project_a.name.replace(" ", "") in chinese
    assert report.data["budget"]["ac"] in chinese  # the actual cost, as frozen in the report
    assert report.data["budget"]["bac"] in chinese
    assert "项目经理" in chinese and "摘要" in chinese  # the interface in Chinese

    english = _compact(_text(pdf.render(report, language="en")))
    assert "Summary" in english and "Budget(BAC)" in english
    assert "设计评审推迟了两周" in english  # what the PM wrote stays as written
    # money with the reader's digit grouping: "3,147.00" in English, "3147.00" in Chinese
    assert f"{Decimal(report.data['budget']['ac']):,.2f}" in english
    assert "摘要" not in english


def test_the_client_pdf_leaves_out_internal_milestones_and_a_members_pdf_the_money(world):
    report = _published(world.one)
    client = _compact(_text(pdf.render(report, language="en")))
    assert "Internalcodefreeze" not in client
    assert "Designsign-off" in client
    without_money = _compact(_text(pdf.render(report, language="en", financials=False)))
    assert "Budget(BAC)" not in without_money and "Budget(BAC)" in client


def test_nothing_outside_the_document_is_fetched(tmp_path):
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40">'
        '<text y="20">{}</text></svg>'
    )
    secret = tmp_path / "secret.svg"
    secret.write_text(svg.format("TOPSECRET"))
    inline = "data:image/svg+xml;base64," + base64.b64encode(svg.format("INLINE").encode()).decode()
    text = _text(
        pdf.render_html(
            f'<p>Start</p><img src="file://{secret}"><img src="{secret}">'
            f'<link rel="stylesheet" href="file://{secret}"><img src="{inline}">'
        )
    )
    assert "Start" in text
    assert "INLINE" in text  # a data: image is drawn, so a fetched file would be too
    assert "TOPSECRET" not in text


def test_markdown_in_the_narrative_cannot_name_a_file(world, tmp_path):
    report = _published(
        world.one, summary=f"![x](file://{tmp_path}/a.svg) [link](file:///etc/passwd)"
    )
    html = pdf.html(report, language="en")
    assert 'src="file:' not in html and 'href="file:' not in html


def test_publishing_emails_the_pdf_in_each_recipients_language(world, settings):
    settings.MAILERS = LOCMEM
    Contact.objects.filter(pk=world.one.contact_a.pk).update(language="zh-hans")
    report = _published(world.one, summary="Weekly progress")
    emails = OutboundEmail.objects.filter(kind="status_report_published").order_by("to")
    assert emails.exists()
    assert all(email.attachments for email in emails)
    sent = {}
    for email in emails:
        delivered = notify.email_deliver(email_id=email.pk)
        assert delivered.status == OutboundEmail.Status.SENT, delivered.error
        sent[email.to] = email.language
    chinese_mail = next(m for m in mail.outbox if m.to == [world.one.contact_a.email])
    (name, content, mimetype) = chinese_mail.attachments[0]
    assert mimetype == "application/pdf"
    assert name.endswith(f"{report.reference}.pdf")
    assert "摘要" in _compact(_text(content))


def test_an_email_whose_attachment_cannot_be_built_is_recorded_as_failed(world, settings):
    settings.MAILERS = LOCMEM
    report = _published(world.one)
    email = OutboundEmail.objects.filter(kind="status_report_published").first()
    StatusReport.objects.filter(pk=report.pk).update(state=StatusReport.State.DRAFT)
    delivered = notify.email_deliver(email_id=email.pk)
    assert delivered.status == OutboundEmail.Status.FAILED
    assert "DoesNotExist" in delivered.error
    assert mail.outbox == []


def test_the_charts_are_drawn_from_the_frozen_data(world):
    report = _published(world.one)
    with translation.override("en"):
        context = charts.chart_context(report, for_client=True)
        internal = charts.chart_context(report, for_client=False)
    assert context["milestone_counts"] == (1, 2)  # the client counts what it can see
    assert internal["milestone_counts"] == (1, 3)
    assert "Milestone burn-up" in context["burnup_chart"]
    assert "Actual cost" in context["budget_chart"]
    assert report.reference in context["history_chart"]

    # later actuals do not move a published report's charts
    before = str(charts.budget_burn(report))
    CostEntry.objects.create(
        project=report.project,
        category="travel",
        description="Late invoice",
        amount="99999",
        date=TODAY,
    )
    report.refresh_from_db()
    assert str(charts.budget_burn(report)) == before


def test_health_over_time_shows_the_earlier_published_reports(world):
    side = world.one
    first = _published(side)
    pm = side.actor(side.pm)
    second = reports.report_draft(
        actor=pm,
        project=side.project_a,
        period_start=TODAY + timedelta(days=1),
        period_end=TODAY + timedelta(days=7),
    )
    reports.report_update(
        actor=pm, report=second, stated_health="green", stated_reason="Agreed with the sponsor"
    )
    second = reports.report_publish(actor=pm, report=second)
    assert second.data["health_history"] == [
        [first.number, first.period_end.isoformat(), first.overall_health, ""]
    ]
    svg = str(charts.health_history(second))
    assert svg.count("<rect") == 3  # two computed colours and one stated
    assert first.reference in svg and second.reference in svg
