"""Status reports: each project's latest one drafted from its data as the report service would
(data snapshot, computed health, narrative in the project's language); the earlier ones
published weekly or fortnightly with the health they had then, most acknowledged by the
client."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from rapport.core.scale.base import Audit, Loader, Site, light
from rapport.projects.models import Project
from rapport.reports import data, health, narrative
from rapport.reports.models import ReportAcknowledgement, StatusReport
from rapport.reports.services import HISTORY

COLOURS = [("green", 60), ("amber", 28), ("red", 12)]


def reports_create(loader: Loader, sites: list[Site], counts: list[int]) -> list[Audit]:
    reports: list[StatusReport] = []
    thresholds = loader.organisation.health_thresholds
    for site, count in zip(sites, counts, strict=True):
        if count == 0:
            continue
        rng = loader.rng("reports", site.index)
        length = min(max(site.span // count, 3), 14)
        end = site.last_day - timedelta(days=rng.randint(0, 3))
        periods = [
            (end - timedelta(days=length * k + length - 1), end - timedelta(days=length * k))
            for k in range(count)
        ][::-1]
        snapshot, facts = data.gather(
            site.project, period_start=periods[-1][0], period_end=periods[-1][1]
        )
        assessment = health.assess(facts, thresholds)
        texts = narrative.prefill(snapshot, assessment, language=site.language)
        older = {key: value for key, value in snapshot.items() if key != "charts"}
        draft_last = site.project.status == Project.Status.ACTIVE and rng.random() < 0.4
        history: list[list[Any]] = []
        for number, (start, finish) in enumerate(periods, 1):
            latest = number == count
            overall = assessment["overall"] if latest else _colour(rng)
            published = not (latest and draft_last)
            at = loader.moment(finish + timedelta(days=1), rng)
            stated = ""
            if published and rng.random() < 0.1:
                stated = "amber" if overall == "green" else "green"
            body = dict(snapshot if latest else older)
            body["as_of"] = finish.isoformat()
            body["health_history"] = history[-HISTORY:]
            reports.append(
                StatusReport(
                    project=site.project,
                    number=number,
                    period_start=start,
                    period_end=finish,
                    state=StatusReport.State.PUBLISHED if published else StatusReport.State.DRAFT,
                    health={**assessment, "overall": overall},
                    overall_health=overall,
                    stated_health=stated,
                    stated_reason=texts["summary"][:200] if stated else "",
                    data=body,
                    created_by=site.pm,
                    published_at=at if published else None,
                    published_by=site.pm if published else None,
                    created_at=at - timedelta(hours=2),
                    updated_at=at,
                    **texts,
                )
            )
            if published:
                history.append([number, finish.isoformat(), overall, stated])
    loader.insert(StatusReport, reports, "status reports")
    sites_by_project = {site.project.pk: site for site in sites}
    acknowledgement = light(ReportAcknowledgement)
    acknowledged = [
        acknowledgement(
            report_id=report.pk,
            contact_id=sites_by_project[report.project_id].approver.pk,
            at=report.published_at + timedelta(days=1),
        )
        for report in reports
        if report.published_at and report.period_end < loader.today - timedelta(days=14)
    ]
    loader.insert(ReportAcknowledgement, acknowledged, "status reports")
    content_type = loader.content_type(StatusReport)
    audits = []
    for report in reports:
        label = f"SR-{report.number:03d} · {report.period_start}–{report.period_end}"
        audits.append(
            Audit(
                content_type,
                report.pk,
                label,
                "created",
                report.created_at,
                {"overall_health": [None, report.overall_health]},
            )
        )
        if report.published_at:
            audits.append(
                Audit(
                    content_type,
                    report.pk,
                    label,
                    "published",
                    report.published_at,
                    {"state": ["draft", "published"]},
                )
            )
    return audits


def _colour(rng: Any) -> str:
    colours, weights = zip(*COLOURS, strict=True)
    return str(rng.choices(colours, weights)[0])
