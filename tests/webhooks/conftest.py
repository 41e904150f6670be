from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.notify.smtp import SmtpServer, running_smtp_server
from tests.webhooks.receiver import Receiver, running_receiver


@pytest.fixture(autouse=True)
def _loopback_receivers(settings: Any) -> None:
    settings.RAPPORT_WEBHOOKS_ALLOW_LOOPBACK = True


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver(200) as server:
        yield server


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    with running_smtp_server() as server:
        yield server
