"""``rapport mail-in``: a small SMTP server (aiosmtpd) that accepts replies to Rapport's
notifications. Point the MX (or a relay's transport) for RAPPORT_MAIL_IN_DOMAIN at it."""

from __future__ import annotations

import asyncio
import os
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from rapport.mailin import services


class ReplyHandler:
    """Refuses unknown, forged or expired reply addresses at RCPT, and a sender who is not the
    notification's recipient at DATA; keeps the rest for the worker."""

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list
    ) -> str:
        try:
            await sync_to_async(services.inbound_check_recipient)(address)
        except services.Rejected as rejection:
            return rejection.smtp_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        for address in envelope.rcpt_tos:
            try:
                await sync_to_async(services.inbound_receive)(
                    mail_from=envelope.mail_from or "", rcpt_to=address, raw=raw
                )
            except services.Rejected as rejection:
                return rejection.smtp_reply
        return "250 Message accepted"


def controller(host: str, port: int) -> Controller:
    return Controller(
        ReplyHandler(),
        hostname=host,
        port=port,
        data_size_limit=settings.RAPPORT_MAIL_IN_MAX_BYTES,
        server_hostname=settings.RAPPORT_MAIL_IN_DOMAIN or "localhost",
    )


class Command(BaseCommand):
    help = "Accept email replies to Rapport's notifications (an SMTP server)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--bind", default=os.environ.get("RAPPORT_MAIL_IN_BIND", "127.0.0.1:2525")
        )

    def handle(self, *args: Any, bind: str, **options: Any) -> None:
        if not settings.RAPPORT_MAIL_IN_DOMAIN:
            raise CommandError("Set RAPPORT_MAIL_IN_DOMAIN to the domain replies are sent to.")
        host, _, port = bind.rpartition(":")
        server = controller(host or "127.0.0.1", int(port))
        server.start()
        self.stdout.write(
            f"Rapport mail-in is listening on {bind} for *@{settings.RAPPORT_MAIL_IN_DOMAIN}"
        )
        try:
            asyncio.run(asyncio.Event().wait())
        except KeyboardInterrupt:
            pass
        finally:
            server.stop()
