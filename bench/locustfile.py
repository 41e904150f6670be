"""The mixed load of ``bench.server``: project managers and client contacts, each signed in
with the login form like a browser, reading their daily pages and writing in a realistic
share (about one request in five): a message in a conversation, a touchpoint, an action item
recorded and later closed. Reads are pages, writes go through the API with each person's
token. ``BENCH_LOCUST_CONFIG`` names the JSON file with the people, their projects and the
servers; users are spread over the servers in turn."""

from __future__ import annotations

import itertools
import json
import os
import re
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from locust import FastHttpUser, between, events, task

CONFIG: dict[str, Any] = json.loads(Path(os.environ["BENCH_LOCUST_CONFIG"]).read_text())
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_hosts = itertools.cycle(CONFIG["hosts"])
_members = itertools.cycle(CONFIG["members"])
_contacts = itertools.cycle(CONFIG["contacts"])
_samples: list[tuple[float, str, float, bool]] = []


@events.request.add_listener
def _record(name: str, response_time: float, exception: Any, **_: Any) -> None:
    """Every request, for percentiles that leave the sign-ins out (bench.server)."""
    _samples.append((time.time(), name, response_time, exception is None))


@events.quitting.add_listener
def _write(**_: Any) -> None:
    Path(CONFIG["samples"]).write_text(json.dumps(_samples))


class Person(FastHttpUser):
    abstract = True
    wait_time = between(CONFIG.get("wait_min", 0.5), CONFIG.get("wait_max", 1.5))
    person: dict[str, Any]
    base: str

    def sign_in(self, person: dict[str, Any]) -> None:
        self.person, self.base = person, next(_hosts)
        page = self.client.get(f"{self.base}/accounts/login/", name="sign in")
        token = CSRF.search(page.text or "")
        with self.client.post(
            f"{self.base}/accounts/login/",
            data={
                "csrfmiddlewaretoken": token.group(1) if token else "",
                "username": person["email"],
                "password": CONFIG["password"],
            },
            name="sign in",
            catch_response=True,
        ) as response:
            if "/accounts/login/" in str(response.url):
                response.failure(f"{person['email']} could not sign in")

    def page(self, path: str, name: str) -> None:
        self.client.get(f"{self.base}{path}", name=name)

    def api(self, path: str, body: dict[str, Any], name: str) -> Any:
        response = self.client.post(
            f"{self.base}{path}",
            json=body,
            headers={"Authorization": f"Bearer {self.person['token']}"},
            name=name,
        )
        return response.json() if response.status_code == 201 else None

    def now(self) -> str:
        return (datetime.now(UTC) - timedelta(minutes=1)).isoformat()


class ProjectManager(Person):
    weight = 9

    def on_start(self) -> None:
        self.sign_in(next(_members))
        project = self.person["project_id"]
        thread = self.api(
            f"/api/v1/projects/{project}/threads",
            {"subject": "Load test", "body": "Opening the conversation."},
            "write: open a conversation",
        )
        self.thread = thread["id"] if thread else None
        self.open_items: list[int] = []

    @task(20)
    def home(self) -> None:
        self.page("/app/", "read: home")

    @task(15)
    def portfolio(self) -> None:
        self.page("/app/portfolio/", "read: portfolio")

    @task(25)
    def project(self) -> None:
        self.page(f"/app/projects/{self.person['project_id']}/", "read: project")

    @task(20)
    def report(self) -> None:
        self.page(self.person["report_path"], "read: status report")

    @task(8)
    def message(self) -> None:
        if self.thread:
            self.api(
                f"/api/v1/projects/{self.person['project_id']}/threads/{self.thread}/messages",
                {"body": "A note from the load test."},
                "write: post a message",
            )

    @task(7)
    def touchpoint(self) -> None:
        self.api(
            f"/api/v1/projects/{self.person['project_id']}/touchpoints",
            {"occurred_at": self.now(), "channel": "phone", "summary": "Weekly call."},
            "write: record a touchpoint",
        )

    @task(5)
    def action_item(self) -> None:
        project = self.person["project_id"]
        if self.open_items:
            self.api(
                f"/api/v1/projects/{project}/action-items/{self.open_items.pop()}/close",
                {"note": "Done."},
                "write: close an action item",
            )
            return
        item = self.api(
            f"/api/v1/projects/{project}/action-items",
            {
                "what": "Send the minutes",
                "due_date": str(date.today() + timedelta(days=7)),
                "owner_user_id": self.person["user_id"],
            },
            "write: add an action item",
        )
        if item:
            self.open_items.append(item["id"])


class ClientContact(Person):
    weight = 1

    def on_start(self) -> None:
        self.sign_in(next(_contacts))
        thread = self.api(
            f"/api/v1/portal/projects/{self.person['project_id']}/threads",
            {"subject": "Load test", "body": "A question from the client."},
            "write: open a conversation (portal)",
        )
        self.thread = thread["id"] if thread else None

    @task(10)
    def home(self) -> None:
        self.page("/portal/", "read: portal home")

    @task(10)
    def project(self) -> None:
        self.page(f"/portal/projects/{self.person['project_id']}/", "read: portal project")

    @task(4)
    def message(self) -> None:
        if self.thread:
            self.api(
                f"/api/v1/portal/projects/{self.person['project_id']}/threads/{self.thread}/messages",
                {"body": "Thanks, noted."},
                "write: post a message (portal)",
            )
