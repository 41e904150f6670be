"""A Rapport installation of its own for the crash tests: a fresh SQLite file, migrated, with
one organisation and its owner, served by gunicorn the way production serves it, in its own
process group so that ``kill -9`` takes the whole server down at once."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

PASSWORD = "sturdy-granite-harbour-72"
OWNER = "owner@crash.test"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Installation:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.database = root / "rapport.sqlite3"
        self.port = free_port()
        self.env = {
            **os.environ,
            "RAPPORT_VAR_DIR": str(root),
            "DATABASE_URL": f"sqlite:///{self.database}",
            "DJANGO_SETTINGS_MODULE": "rapport.settings",
            "RAPPORT_SIGNUP_OPEN": "false",
        }
        self.server: subprocess.Popen[bytes] | None = None

    def rapport(self, *arguments: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "rapport.cli", *arguments],
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
        )
        return done.stdout

    def set_up(self) -> Installation:
        self.rapport("migrate", "--no-input", "-v", "0")
        self.rapport(
            "createowner",
            "--organisation",
            "Crash Test",
            "--email",
            OWNER,
            "--name",
            "Olga Owner",
            "--password",
            PASSWORD,
        )
        return self

    def start(self, workers: int = 2) -> None:
        self.server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "rapport.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--log-level",
                "warning",
            ],
            env=self.env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=open(self.root / "server.log", "ab"),  # noqa: SIM115 - the server keeps it
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if request(self.port, "GET", "/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError((self.root / "server.log").read_text()[-3000:])

    def kill(self) -> None:
        """``kill -9`` of the master and every worker, mid-request if there is one."""
        assert self.server is not None
        os.killpg(self.server.pid, signal.SIGKILL)
        self.server.wait(timeout=10)
        self.server = None


def request(
    port: int,
    method: str,
    path: str,
    body: dict[str, str] | None = None,
    cookies: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        sent = {**(headers or {})}
        if cookies:
            sent["Cookie"] = "; ".join(f"{key}={value}" for key, value in cookies.items())
        encoded = urlencode(body).encode() if body is not None else None
        if encoded is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=encoded, headers=sent)
        response = connection.getresponse()
        set_cookies: dict[str, str] = {}
        for header in response.headers.get_all("Set-Cookie") or []:
            for key, morsel in SimpleCookie(header).items():
                set_cookies[key] = morsel.value
        return (
            response.status,
            {**dict(response.getheaders()), **set_cookies},
            response.read().decode(),
        )
    finally:
        connection.close()


class Browser:
    """Signs in once and posts forms with the session and CSRF cookies, as a browser does."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def sign_in(self, email: str = OWNER, password: str = PASSWORD) -> None:
        _status, headers, page = request(self.port, "GET", "/accounts/login/")
        self.cookies["csrftoken"] = headers["csrftoken"]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token is not None
        status, headers, _page = self.post(
            "/accounts/login/",
            {"username": email, "password": password, "csrfmiddlewaretoken": token[1]},
        )
        assert status == 302, status
        self.cookies.update({k: headers[k] for k in ("sessionid", "csrftoken") if k in headers})

    def post(self, path: str, body: dict[str, str]) -> tuple[int, dict[str, str], str]:
        return request(
            self.port,
            "POST",
            path,
            body,
            cookies=self.cookies,
            headers={
                "X-CSRFToken": self.cookies["csrftoken"],
                "Referer": f"http://127.0.0.1:{self.port}/",
            },
        )
