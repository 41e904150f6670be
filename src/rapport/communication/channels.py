"""The ways a project team and a client talk, and the kinds of message that decide which way
fits (section 一 of the article: the right channel for each kind of message).

Kept free of models so that clients, reports and meetings can name channels too."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone call")
    VIDEO = "video", _("Video call")
    MEETING = "meeting", _("Meeting in person")
    CHAT = "chat", _("IM / chat")
    SITE_VISIT = "site_visit", _("Site visit")
    PORTAL = "portal", _("Portal message")
    REPORT = "report", _("Written report")


class MessageKind(models.TextChoices):
    INFORMATION = "information", _("Simple information")
    DECISION = "decision", _("Decision needed")
    COMPLEX = "complex", _("Complex or technical")
    SENSITIVE = "sensitive", _("Bad news or sensitive")
    URGENT = "urgent", _("Urgent")


# The channels that suit each kind of message, best first.
SUITED: dict[str, tuple[str, ...]] = {
    MessageKind.INFORMATION: (Channel.EMAIL, Channel.PORTAL, Channel.CHAT, Channel.REPORT),
    MessageKind.DECISION: (Channel.MEETING, Channel.VIDEO, Channel.PHONE),
    MessageKind.COMPLEX: (Channel.MEETING, Channel.VIDEO, Channel.SITE_VISIT),
    MessageKind.SENSITIVE: (Channel.PHONE, Channel.VIDEO, Channel.MEETING),
    MessageKind.URGENT: (Channel.PHONE, Channel.CHAT, Channel.VIDEO),
}

WHY: dict[str, object] = {
    MessageKind.INFORMATION: _(
        "Simple facts travel well in writing: an email, a portal message or a report."
    ),
    MessageKind.DECISION: _(
        "A decision needs the people who decide talking together: a meeting or a call, "
        "then the decision in writing."
    ),
    MessageKind.COMPLEX: _(
        "Complex or technical matters need questions answered as they come: meet, or share "
        "a screen."
    ),
    MessageKind.SENSITIVE: _(
        "Bad news goes by voice, never by email alone: call or meet, bring a way forward, "
        "then confirm in writing."
    ),
    MessageKind.URGENT: _("Urgent matters need an answer now: call, or message directly."),
}


@dataclass(frozen=True)
class Advice:
    kind: str
    suited: tuple[str, ...]
    why: str

    def follows(self, channel: str) -> bool:
        return channel in self.suited

    @property
    def suited_labels(self) -> list[str]:
        return [str(Channel(channel).label) for channel in self.suited]


def advise(kind: str) -> Advice | None:
    """The channels suited to a kind of message, with the reason in the active language."""
    if kind not in SUITED:
        return None
    return Advice(kind=kind, suited=SUITED[kind], why=str(WHY[kind]))
