from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.notify.smtp import SmtpServer, running_smtp_server


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    with running_smtp_server() as server:
        yield server
