"""Rapport's own deployment checks, run by ``rapport check-deploy`` (Django's ``check --deploy``)
beside Django's: what a production environment must say that Django cannot know."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1", "testserver"}


@register(Tags.security, deploy=True)
def production_environment(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    if settings.MODE != "production":
        problems.append(
            Error(
                "RAPPORT_MODE is not 'production'.",
                hint="Set RAPPORT_MODE=production: it requires SECRET_KEY and turns on secure "
                "cookies, HSTS and the HTTPS redirect.",
                id="rapport.E001",
            )
        )
    if not os.environ.get("ALLOWED_HOSTS") or set(settings.ALLOWED_HOSTS) <= LOOPBACK:
        problems.append(
            Error(
                "ALLOWED_HOSTS names no public host.",
                hint="Set ALLOWED_HOSTS to the host names Rapport is served under, "
                "e.g. ALLOWED_HOSTS=rapport.example.com.",
                id="rapport.E002",
            )
        )
    if not settings.SITE_URL.startswith("https://"):
        problems.append(
            Warning(
                "RAPPORT_SITE_URL is not an https:// address; links in emails would be sent "
                "over plain HTTP.",
                hint="Set RAPPORT_SITE_URL=https://rapport.example.com.",
                id="rapport.W001",
            )
        )
    return problems
