"""The sample a new organisation starts with: one client, one contact and one project with a
baseline, a stakeholder, a planned touchpoint and a risk, written in the owner's language, so
every page has something to show before the first real client is in. Everything is made by
the same services a person uses (so it is audited like the rest) and removed in one go."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rapport.clients import services as client_services
from rapport.communication import services as communication_services
from rapport.onboarding.models import SetupGuide
from rapport.projects import baseline_services
from rapport.projects import services as project_services
from rapport.risks import services as risk_services
from rapport.tenancy.actors import Actor


@transaction.atomic
def create_sample(actor: Actor) -> SetupGuide:
    assert actor.user is not None and actor.organisation is not None
    language = actor.user.language
    today = timezone.localdate()
    with translation.override(language):
        client = client_services.client_create(
            actor=actor,
            name=_("Sample client: Harbour Bakery"),
            language=language,
            notes=_(
                "A sample to look around with. Delete it from the home page when you are ready."
            ),
        )
        contact = client_services.contact_create(
            actor=actor,
            client=client,
            full_name=_("Alex Sample"),
            email="alex.sample@example.com",
            job_title=_("Head of operations"),
            language=language,
            time_zone=actor.user.time_zone,
            preferred_channel="video",
            is_approver=True,
        )
        project = project_services.project_create(
            actor=actor,
            client=client,
            name=_("Sample project: online ordering"),
            code="SAMPLE",
            description=_(
                "Customers order bread and cakes online and pick them up in the shop. "
                "A sample project: change anything, or delete it from the home page."
            ),
            start_date=today - timedelta(days=14),
            end_date=today + timedelta(days=90),
            currency=actor.organisation.default_currency,
        )
        baseline_services.item_create(
            actor=actor,
            project=project,
            kind="objective",
            statement=_("Take a tenth of all orders online in the first month after launch"),
            metric=_("share of orders placed online"),
            target_value=Decimal("10"),
            unit="%",
            due_date=today + timedelta(days=90),
            owner=actor.user,
            relevance=_("Fewer phone orders at the morning rush, shorter queues in the shop"),
            achievability=_("A hosted shop system; the bakery's own staff keep the catalogue"),
        )
        for days, name, deliverable, criteria in [
            (
                14,
                _("Design agreed"),
                _("Clickable prototype"),
                _("The five ordering steps, tried by three regular customers"),
            ),
            (
                45,
                _("Shop in test"),
                _("Test shop"),
                _("Every product orderable with test payments; the staff can change prices"),
            ),
            (
                60,
                _("Launch"),
                _("Live shop"),
                _("Orders arrive in the shop's tablet; payments reach the bakery's account"),
            ),
        ]:
            milestone = baseline_services.item_create(
                actor=actor,
                project=project,
                kind="milestone",
                name=name,
                baseline_date=today + timedelta(days=days),
                client_visible=True,
                weight=1,
            )
            baseline_services.item_create(
                actor=actor,
                project=project,
                kind="deliverable",
                milestone=milestone,
                name=deliverable,
                acceptance_criteria=criteria,
            )
        baseline_services.item_create(
            actor=actor,
            project=project,
            kind="budget_line",
            category="labour",
            description=_("Design and build"),
            amount=Decimal("24000"),
        )
        communication_services.stakeholder_add(
            actor=actor,
            project=project,
            contact=contact,
            role="sponsor",
            influence="high",
            interest="high",
        )
        communication_services.plan_item_create(
            actor=actor,
            project=project,
            audience=[contact],
            owner_id=actor.user.pk,
            title=_("Weekly status call"),
            channel="video",
            cadence_days=7,
            starts_on=today,
        )
        risk_services.risk_create(
            actor=actor,
            project=project,
            title=_("The payment provider's approval takes longer than planned"),
            probability=3,
            impact=4,
            owner_id=actor.user.pk,
            mitigation=_("Apply for the merchant account in the first week"),
        )
    guide, _created = SetupGuide.objects.update_or_create(
        organisation=actor.organisation,
        defaults={"sample_client": client, "sample_project": project},
    )
    return guide
