"""``rapport read-feedback-comments``: read now, in this process, every feedback comment the job
worker has not read yet (after an upgrade or a bulk import; the worker also does it every ten
minutes), so the analysis pages count them."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from rapport.feedback import services


class Command(BaseCommand):
    help = (
        "Store the sentiment and terms of every feedback comment not read yet (what the job "
        "worker does every ten minutes), now."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = services.feedback_comments_read_pending()
        self.stdout.write(f"{count} comment(s) read.")
