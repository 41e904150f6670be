"""``python -m bench server`` (what ``make bench`` runs): Rapport measured through gunicorn,
started as ``rapport serve`` starts it, on one large organisation.

1. The data, once: ``rapport seed-scale --seed S --scale X`` into ``var/bench/`` (SQLite, kept
   and reused while seed and scale stay the same) or into ``DATABASE_URL`` (PostgreSQL; a
   database of its own, which the benchmark fills); where ``seed-scale`` does not exist yet,
   the demo organisation stands in.
2. Single user, one gunicorn worker: every page a project manager and a client contact open
   daily and every list operation of the API (from ``/api/openapi.json``), N requests each,
   after a real sign-in; latency percentiles, requests/s, queries per request (the
   ``X-Queries`` header of ``RAPPORT_BENCH=1``) and the workers' peak memory.
3. The floor: ``bench.floor`` under the same gunicorn runs the project-list API's SQL on the
   bare driver; the list API's requests/s are reported as a share of it.
4. Mixed load: locust, 50 users for 60 s against 4 gunicorn workers and the job worker (on
   PostgreSQL: two gunicorn processes of 2 workers and two job workers); errors, "database is
   locked" in the server logs, percentiles, memory after the load.
5. Batch jobs in this process: drafting every active project's report, the cadence digest,
   every client's health score (rolled back afterwards, so the data stays as seeded).
6. PostgreSQL only: N jobs enqueued for two workers, each recording its execution; no job
   may run twice.

One table is printed and everything is written to ``var/bench/<timestamp>.json``, with the
targets and whether each line meets them. Timing never fails the run: the numbers are read."""

from __future__ import annotations

import argparse
import contextlib
import csv
import hashlib
import json
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psutil
import requests

from bench import percentile

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-password-2026"
ORG_SLUG = "scale"
# The mixed load's project managers are these people in turn: as many as the organisation has
# (the scale seed: 18), so that a manager is not signed in by many users at once.
MANAGERS = 50
PAGE_SIZE = 25

# Targets (issue "Performance at the size of a large agency"): shown beside each line.
TARGETS = {
    "p50_ms": 30.0,
    "p95_ms": 100.0,
    "floor_share": 0.25,
    "mixed_p95_ms": 300.0,
    "drafting_ms_per_project": 30.0,
    "health_s": 10.0,
    "worker_mb": 200.0,
}


SECTIONS = ["single", "floor", "mixed", "batch", "jobs"]


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench server", description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="of seed-scale (default 1.0)")
    parser.add_argument("--seed", type=int, default=1, help="of seed-scale (default 1)")
    parser.add_argument(
        "--requests", type=int, default=200, help="per page or operation, single user"
    )
    parser.add_argument("--users", type=int, default=50, help="mixed load: concurrent users")
    parser.add_argument("--duration", type=int, default=60, help="mixed load: seconds")
    parser.add_argument("--jobs", type=int, default=200, help="PostgreSQL: jobs enqueued")
    parser.add_argument(
        "--sections",
        default=",".join(SECTIONS),
        help=f"comma-separated, of {','.join(SECTIONS)} (default: all)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "var" / "bench",
        help="directory of the SQLite database, the logs and the results (default: var/bench)",
    )
    args = parser.parse_args(argv)
    args.sections = [name.strip() for name in args.sections.split(",") if name.strip()]
    if unknown := set(args.sections) - set(SECTIONS):
        parser.error(f"unknown section(s) {sorted(unknown)}; known: {SECTIONS}")
    if args.scale <= 0 or args.requests < 1 or args.users < 1 or args.duration < 1:
        parser.error("--scale, --requests, --users and --duration must be positive")
    return args


# --- the data ------------------------------------------------------------------------------


@dataclass
class Person:
    email: str
    token: str
    project_id: int
    client_id: int
    user_id: int = 0
    report_path: str = ""


@dataclass
class Data:
    source: str  # "seed-scale" or the stand-in
    organisation_id: int
    prepare_seconds: float
    reused: bool
    members: list[Person]
    contacts: list[Person]
    admin_token: str  # for the operations only admins may call (webhooks)
    pages: list[tuple[str, str, str]]  # (section, name, path); section "page" or "portal"
    observations: dict[str, Any] = field(default_factory=dict)


def database_url(args: argparse.Namespace, out: Path) -> str:
    """``DATABASE_URL`` when it names PostgreSQL, else a SQLite file named by seed and scale."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return url
    return f"sqlite:///{out / f'scale-seed{args.seed}-x{args.scale:g}.sqlite3'}"


def setup_django(url: str, out: Path) -> None:
    os.environ["RAPPORT_VAR_DIR"] = str(out)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "rapport.settings"
    os.environ.pop("RAPPORT_BENCH", None)
    import django

    django.setup()


def prepare(args: argparse.Namespace, out: Path, url: str) -> Data:
    """Seed once (reused while the marker says the same seed and scale), then choose the
    people and objects to measure with and give them a known password and API tokens."""
    from django.core.management import call_command, get_commands

    from rapport.tenancy.models import Organisation

    started = time.perf_counter()
    marker_path = out / "prepared.json"
    markers = json.loads(marker_path.read_text()) if marker_path.exists() else {}
    key = hashlib.sha256(url.encode()).hexdigest()[:16]
    wanted = {"seed": args.seed, "scale": args.scale}
    has_seed_scale = "seed_scale" in get_commands()
    source = "seed-scale" if has_seed_scale else "demo (stand-in: no seed-scale command)"
    reused = markers.get(key, {}).get("data") == {**wanted, "source": source}
    call_command("migrate", interactive=False, verbosity=0)
    if not reused:
        if Organisation.objects.exists():
            if key not in markers:
                raise SystemExit(
                    "The database holds data the benchmark did not make; give the benchmark "
                    "a database of its own (DATABASE_URL)."
                )
            call_command("flush", interactive=False, verbosity=0)
        print(f"seeding with {source} (seed {args.seed}, scale {args.scale:g})…", file=sys.stderr)
        if has_seed_scale:
            call_command("seed_scale", seed=args.seed, scale=args.scale, org_slug=ORG_SLUG)
        else:
            call_command("demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        markers[key] = {"data": {**wanted, "source": source}}
        marker_path.write_text(json.dumps(markers, indent=2))
    # the feedback comments' sentiment and terms, as the job worker stores them when recorded
    call_command("read_feedback_comments", stdout=open(os.devnull, "w"))  # noqa: SIM115
    # the projects' words as search terms, as the job worker reads them when they change
    from rapport.lessons.services import project_terms_read_pending

    project_terms_read_pending()
    organisation = (
        Organisation.objects.get(slug=ORG_SLUG)
        if has_seed_scale
        else Organisation.objects.order_by("pk").first()
    )
    assert organisation is not None
    data = choose(organisation)
    data.source, data.reused = source, reused
    data.prepare_seconds = time.perf_counter() - started
    return data


def choose(organisation: Any) -> Data:
    """Up to ``MANAGERS`` project managers, each with an active, published project that has a
    status report, a change request and a meeting, and the client contacts of those projects
    with portal access; the known password and a fresh API token for each."""
    from django.db.models import Exists, OuterRef
    from django.urls import reverse

    from rapport.changes.models import ChangeRequest
    from rapport.clients.models import Client, Contact
    from rapport.lessons.models import Lesson
    from rapport.meetings.models import Meeting
    from rapport.projects.models import Project
    from rapport.reports.models import StatusReport
    from rapport.tenancy import services as tenancy
    from rapport.tenancy.actors import Actor
    from rapport.tenancy.models import Membership, Role, User

    portal_contacts = Contact.objects.filter(
        client=OuterRef("client"), portal_access=True, user__isnull=False
    )
    projects = (
        Project.objects.filter(organisation=organisation, status=Project.Status.ACTIVE)
        .annotate(
            reported=Exists(StatusReport.objects.filter(project=OuterRef("pk"))),
            changed=Exists(ChangeRequest.objects.filter(project=OuterRef("pk"))),
            met=Exists(Meeting.objects.filter(project=OuterRef("pk"))),
            shared=Exists(portal_contacts),
        )
        .filter(reported=True, changed=True, met=True)
        .select_related("pm")
        .order_by("-shared", "-published_at", "pk")
    )
    roles = dict(
        Membership.objects.filter(organisation=organisation).values_list("user_id", "role")
    )
    chosen: dict[int, Any] = {}
    for project in projects[:500]:
        if project.pm_id not in chosen and roles.get(project.pm_id) in {
            Role.PM,
            Role.ADMIN,
            Role.OWNER,
        }:
            chosen[project.pm_id] = project
        if len(chosen) == MANAGERS:
            break
    if not chosen:
        raise SystemExit("No active project with a report, a change request and a meeting.")
    members: list[Person] = []
    contacts: list[Person] = []
    for user_id, project in chosen.items():
        user = User.objects.get(pk=user_id)
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
        actor = Actor.member(user, organisation, roles[user_id])
        _token, secret = tenancy.api_token_create(actor=actor, name="bench")
        report = StatusReport.objects.filter(project=project).order_by("-number").first()
        assert report is not None
        members.append(
            Person(
                email=user.email,
                token=secret,
                project_id=project.pk,
                client_id=project.client_id,
                user_id=user.pk,
                report_path=reverse("reports:detail", args=[project.pk, report.number]),
            )
        )
        contact = (
            Contact.objects.filter(client=project.client_id, portal_access=True, user__isnull=False)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        if contact and contact.user and project.published_at and len(contacts) < 5:
            contact.user.set_password(PASSWORD)
            contact.user.save(update_fields=["password"])
            ids = frozenset(
                Contact.objects.filter(user=contact.user, portal_access=True).values_list(
                    "pk", flat=True
                )
            )
            _token, secret = tenancy.contact_api_token_create(
                actor=Actor.contact(contact.user, ids), name="bench"
            )
            contacts.append(
                Person(contact.user.email, secret, project.pk, project.client_id, contact.user.pk)
            )
    admin = (
        Membership.objects.filter(organisation=organisation, role__in=[Role.OWNER, Role.ADMIN])
        .select_related("user")
        .order_by("pk")
        .first()
    )
    admin_token = ""
    if admin is not None:
        _token, admin_token = tenancy.api_token_create(
            actor=Actor.member(admin.user, organisation, admin.role), name="bench"
        )
    first = members[0]
    project = chosen[next(iter(chosen))]
    change = ChangeRequest.objects.filter(project=project).order_by("-number").first()
    meeting = Meeting.objects.filter(project=project).order_by("-number").first()
    assert change is not None and meeting is not None
    lesson = Lesson.objects.filter(organisation=organisation).order_by("pk").first()
    words = re.findall(r"\w{4,}", lesson.title) if lesson else []
    query = words[0] if words else "scope"
    pages = [
        ("page", "home", reverse("app:home")),
        ("page", "portfolio", reverse("portfolio:portfolio")),
        ("page", "clients", reverse("clients:list")),
        ("page", "client", reverse("clients:detail", args=[first.client_id])),
        ("page", "projects", reverse("projects:list")),
        ("page", "project", reverse("projects:detail", args=[project.pk])),
        ("page", "status report", first.report_path),
        ("page", "change request", reverse("changes:detail", args=[project.pk, change.number])),
        ("page", "meeting", reverse("meetings:detail", args=[project.pk, meeting.number])),
        ("page", "feedback analysis", reverse("feedback:analysis", args=[project.pk])),
        ("page", "lessons search", f"{reverse('lessons:library')}?q={query}"),
    ]
    if contacts:
        pages += [
            ("portal", "portal home", reverse("portal:home")),
            ("portal", "portal project", reverse("portal:project", args=[contacts[0].project_id])),
        ]
    return Data(
        source="",
        organisation_id=organisation.pk,
        prepare_seconds=0.0,
        reused=False,
        members=members,
        contacts=contacts,
        admin_token=admin_token,
        pages=pages,
        observations={
            "clients": Client.objects.filter(organisation=organisation).count(),
            "projects": Project.objects.filter(organisation=organisation).count(),
            "active_projects": Project.objects.filter(
                organisation=organisation, status=Project.Status.ACTIVE
            ).count(),
            "status_reports": StatusReport.objects.filter(
                project__organisation=organisation
            ).count(),
            "project_managers_signed_in": len(members),
            "client_contacts_signed_in": len(contacts),
        },
    )


def floor_query(data: Data, url: str, out: Path) -> Path:
    """The project-list API's SQL for the first PM (count and page of 25), for bench.floor."""
    from django.db import connection

    from rapport.projects import selectors
    from rapport.projects.models import Project
    from rapport.tenancy.models import Membership, User

    user = User.objects.get(email=data.members[0].email)
    membership = Membership.objects.select_related("organisation").get(
        user=user, organisation_id=data.organisation_id
    )
    from rapport.tenancy.actors import Actor

    actor = Actor.member(user, membership.organisation, membership.role)
    queryset = selectors.project_list(actor=actor)
    page_sql, page_params = queryset[:PAGE_SIZE].query.sql_with_params()
    count_sql, count_params = queryset.order_by().values("pk").query.sql_with_params()
    count_sql = f"SELECT COUNT(*) FROM ({count_sql}) subquery"  # noqa: S608 - Django's own SQL
    concrete = [f.attname for f in Project._meta.concrete_fields]
    wanted = [
        "id", "client_id", "name", "code", "description", "pm_id", "start_date", "end_date",
        "status", "currency", "report_cadence", "report_weekday", "published_at",
        "created_at", "updated_at",
    ]  # fmt: skip
    vendor = connection.vendor
    if vendor == "sqlite":
        page_sql, count_sql = page_sql.replace("%s", "?"), count_sql.replace("%s", "?")
    path = out / "floor-query.json"
    path.write_text(
        json.dumps(
            {
                "vendor": vendor,
                "database": str(connection.settings_dict["NAME"]) if vendor == "sqlite" else url,
                "count_sql": count_sql,
                "count_params": list(count_params),
                "page_sql": page_sql,
                "page_params": list(page_params),
                "fields": {name: concrete.index(name) for name in wanted},
            },
            default=str,
        )
    )
    return path


# --- servers -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_env(url: str, out: Path, **extra: str) -> dict[str, str]:
    path = os.pathsep.join(
        [str(ROOT / "src"), str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "rapport.settings",
        "RAPPORT_VAR_DIR": str(out),
        "DATABASE_URL": url,
        "RAPPORT_BENCH": "1",
        "PYTHONPATH": path,
        # One token asks thousands of times a minute here: the per-token limits (tested on
        # their own) would answer 429; the limiter's count is still taken on every request.
        "RAPPORT_API_READS_PER_MINUTE": os.environ.get("RAPPORT_API_READS_PER_MINUTE", "1000000"),
        "RAPPORT_API_WRITES_PER_MINUTE": os.environ.get("RAPPORT_API_WRITES_PER_MINUTE", "1000000"),
        **extra,
    }


class Process:
    """A server process started like ``rapport serve`` starts it, its output in a log file."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], log: Path) -> None:
        self.name, self.log = name, log
        self.output = log.open("ab")
        self.process = subprocess.Popen(  # noqa: S603 - fixed argument lists
            command, env=env, cwd=ROOT, stdout=self.output, stderr=subprocess.STDOUT
        )

    def wait_until_serving(self, url: str, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} stopped; see {self.log}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(url, timeout=5).status_code < 500:
                    return
            time.sleep(0.2)
        raise SystemExit(f"{self.name} did not answer within {timeout:.0f} s; see {self.log}")

    def workers(self) -> list[psutil.Process]:
        with contextlib.suppress(psutil.Error):
            return psutil.Process(self.process.pid).children()
        return []

    def peak_mb(self) -> float:
        """The largest peak resident memory (VmHWM) of the gunicorn workers so far."""
        return max((peak_rss_mb(worker) for worker in self.workers()), default=0.0)

    def rss_mb(self) -> float:
        sizes = []
        for worker in self.workers():
            with contextlib.suppress(psutil.Error):
                sizes.append(worker.memory_info().rss / 2**20)
        return max(sizes, default=0.0)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.output.close()


def peak_rss_mb(process: psutil.Process) -> float:
    with contextlib.suppress(OSError, psutil.Error):
        for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float(process.memory_info().rss) / 2**20
    return 0.0


def gunicorn(port: int, workers: int, app: str = "rapport.wsgi") -> list[str]:
    """``rapport serve``'s own gunicorn command line (serving ``app``)."""
    from rapport.jobs.management.commands.serve import Command as Serve

    [web] = Serve.commands(bind=f"127.0.0.1:{port}", web_workers=workers, no_worker=True)
    return [app if part == "rapport.wsgi" else part for part in web]


def job_worker() -> list[str]:
    from rapport.jobs.management.commands.serve import Command as Serve

    return Serve.commands(bind="127.0.0.1:0", web_workers=1, no_worker=False)[1]


@contextlib.contextmanager
def serving(
    name: str, workers: int, env: dict[str, str], out: Path, app: str = "rapport.wsgi"
) -> Iterator[tuple[Process, str]]:
    port = free_port()
    process = Process(name, gunicorn(port, workers, app), env, out / f"{name}.log")
    base = f"http://127.0.0.1:{port}"
    try:
        process.wait_until_serving(base + ("/healthz" if app == "rapport.wsgi" else "/"))
        for _ in range(3 * workers):  # each worker imports what the first request needs
            with contextlib.suppress(requests.RequestException):
                requests.get(
                    base + ("/accounts/login/" if app == "rapport.wsgi" else "/"), timeout=60
                )
        yield process, base
    finally:
        process.stop()


# --- single user ---------------------------------------------------------------------------


@dataclass
class Line:
    section: str  # page, portal, api, floor, mixed, batch, jobs
    name: str
    count: int = 0
    errors: int = 0
    p50_ms: float | None = None
    p95_ms: float | None = None
    p99_ms: float | None = None
    per_second: float | None = None
    queries: float | None = None
    peak_mb: float | None = None  # the worker's peak resident memory (VmHWM) so far
    value: str = ""  # batch and jobs: what was measured, in words
    target: str = ""
    met: bool | None = None
    detail: dict[str, Any] = field(default_factory=dict)


def sign_in(base: str, email: str) -> requests.Session:
    """The login form, as a browser sends it: the CSRF token from the page, then the POST."""
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    response = session.post(
        f"{base}/accounts/login/",
        data={
            "csrfmiddlewaretoken": token.group(1) if token else "",
            "username": email,
            "password": PASSWORD,
        },
        timeout=30,
    )
    if "/accounts/login/" in response.url or "sessionid" not in session.cookies:
        raise SystemExit(f"{email} could not sign in ({response.status_code})")
    return session


def measure(
    session: requests.Session,
    url: str,
    count: int,
    process: Process,
    headers: dict[str, str] | None = None,
) -> Line:
    session.get(url, headers=headers, timeout=60, allow_redirects=False)  # warm-up
    durations, queries, errors, statuses = [], [], 0, Counter[int]()
    started = time.perf_counter()
    for _ in range(count):
        begin = time.perf_counter()
        response = session.get(url, headers=headers, timeout=60, allow_redirects=False)
        durations.append((time.perf_counter() - begin) * 1000)
        statuses[response.status_code] += 1
        errors += response.status_code != 200
        if "X-Queries" in response.headers:
            queries.append(int(response.headers["X-Queries"]))
    elapsed = time.perf_counter() - started
    return Line(
        section="",
        name="",
        count=count,
        errors=errors,
        p50_ms=round(percentile(durations, 0.50), 1),
        p95_ms=round(percentile(durations, 0.95), 1),
        p99_ms=round(percentile(durations, 0.99), 1),
        per_second=round(count / elapsed, 1),
        queries=round(statistics.fmean(queries), 1) if queries else None,
        peak_mb=round(process.peak_mb(), 1),
        detail={"statuses": dict(statuses)},
    )


def _latest_number(path: str, project_id: int, portal: bool) -> int | None:
    """The latest number of what ``{number}`` names in this path (a change request, a meeting,
    a status report) on the project, or None when it has none."""
    from rapport.changes.models import ChangeRequest
    from rapport.meetings.models import Meeting
    from rapport.reports.models import StatusReport

    kind = path.split("/{number}", 1)[0].rsplit("/", 1)[-1]
    model: Any = {"change-requests": ChangeRequest, "meetings": Meeting}.get(kind, StatusReport)
    rows = model.objects.filter(project_id=project_id)
    if model is StatusReport and portal:
        rows = rows.filter(state="published")
    latest = rows.order_by("-number").values_list("number", flat=True).first()
    return int(latest) if latest is not None else None


def list_operations(base: str, data: Data) -> list[tuple[str, str, str]]:
    """Every GET of the API whose answer is a paged list, with its path filled in for the
    first PM's project (or the first contact's): (name, path, "member" or "contact")."""
    from rapport.webhooks.models import WebhookSubscription

    spec = requests.get(f"{base}/api/openapi.json", timeout=30).json()
    member, contact = data.members[0], (data.contacts[0] if data.contacts else None)
    subscription = (
        WebhookSubscription.objects.filter(organisation_id=data.organisation_id)
        .order_by("pk")
        .first()
    )
    operations = []
    for path, methods in spec["paths"].items():
        get = methods.get("get")
        if not get:
            continue
        schema = get["responses"].get("200", {}).get("content", {})
        reference = schema.get("application/json", {}).get("schema", {}).get("$ref", "")
        if not reference.rsplit("/", 1)[-1].startswith("Paged"):
            continue
        portal = path.startswith("/api/v1/portal/")
        person = contact if portal else member
        if person is None:
            continue
        values = {
            "project_id": person.project_id,
            "client_id": person.client_id,
            "number": _latest_number(path, person.project_id, portal),
            "subscription_id": subscription.pk if subscription else None,
        }
        names = re.findall(r"{(\w+)}", path)
        if any(values.get(name) is None for name in names):
            continue  # nothing of that kind to list in this organisation
        filled = path.format(**{name: values[name] for name in names})
        operations.append(
            (f"{get.get('operationId', path)}", filled, "contact" if portal else "member")
        )
    return operations


def single_user(data: Data, url: str, out: Path, requests_each: int) -> list[Line]:
    env = server_env(url, out)
    lines = []
    with serving("web-single", 1, env, out) as (process, base):
        member_session = sign_in(base, data.members[0].email)
        contact_session = sign_in(base, data.contacts[0].email) if data.contacts else None
        for section, name, path in data.pages:
            session = member_session if section == "page" else contact_session
            assert session is not None
            print(f"  {name}", file=sys.stderr, flush=True)
            line = measure(session, base + path, requests_each, process)
            line.section, line.name, line.detail["path"] = section, name, path
            lines.append(line)
        api = requests.Session()
        for name, path, who in list_operations(base, data):
            token = (data.members[0] if who == "member" else data.contacts[0]).token
            target = f"{base}{path}?page_size={PAGE_SIZE}"
            probe = api.get(target, headers={"Authorization": f"Bearer {token}"}, timeout=60)
            if probe.status_code == 403 and data.admin_token:  # admins only: as the owner
                token, who = data.admin_token, "admin"
            print(f"  {name}", file=sys.stderr, flush=True)
            line = measure(
                api, target, requests_each, process, headers={"Authorization": f"Bearer {token}"}
            )
            line.section, line.name, line.detail["path"] = "api", name, path
            line.detail["as"] = who
            lines.append(line)
        peak = process.peak_mb()
    for line in lines:
        line.target = "p50 ≤ 30 ms, p95 ≤ 100 ms"
        line.met = (
            line.errors == 0
            and (line.p50_ms or 0) <= TARGETS["p50_ms"]
            and (line.p95_ms or 0) <= TARGETS["p95_ms"]
        )
    lines.append(
        Line(
            section="memory",
            name="single-user worker, peak after all pages and operations",
            peak_mb=round(peak, 1),
            target="≤ 200 MB",
            met=peak <= TARGETS["worker_mb"],
        )
    )
    return lines


def floor(data: Data, url: str, out: Path, requests_each: int, lines: list[Line]) -> list[Line]:
    """The bare WSGI floor under the same gunicorn, and the project-list API as its share."""
    query = floor_query(data, url, out)
    env = server_env(url, out, BENCH_FLOOR_QUERY=str(query))
    with serving("web-floor", 1, env, out, app="bench.floor:application") as (process, base):
        line = measure(requests.Session(), f"{base}/", requests_each, process)
    line.section, line.name = "floor", "floor: project list on the bare driver"
    line.detail["query"] = json.loads(query.read_text())["page_sql"]
    result = [line]
    api = next((item for item in lines if item.name == "projects_list"), None)
    if api and api.per_second and line.per_second:
        share = api.per_second / line.per_second
        result.append(
            Line(
                section="floor",
                name="projects_list share of the floor",
                value=f"{share:.0%} of {line.per_second:g} req/s",
                target="≥ 25 % of the floor",
                met=share >= TARGETS["floor_share"],
                detail={"share": round(share, 3)},
            )
        )
    return result


# --- mixed load ----------------------------------------------------------------------------


def mixed(data: Data, url: str, out: Path, args: argparse.Namespace, postgres: bool) -> list[Line]:
    """Locust's users against 4 gunicorn workers and a job worker (on PostgreSQL two
    gunicorn processes of 2 workers and two job workers)."""
    env = server_env(url, out)
    for log in out.glob("mixed-*.log"):
        log.unlink()
    topology = [("mixed-web-a", 2), ("mixed-web-b", 2)] if postgres else [("mixed-web", 4)]
    workers = 2 if postgres else 1
    with contextlib.ExitStack() as stack:
        servers = [stack.enter_context(serving(name, n, env, out)) for name, n in topology]
        jobs = [
            Process(f"mixed-worker-{n}", job_worker(), env, out / f"mixed-worker-{n}.log")
            for n in range(workers)
        ]
        for job in jobs:
            stack.callback(job.stop)
        config = out / "locust.json"
        config.write_text(
            json.dumps(
                {
                    "hosts": [base for _process, base in servers],
                    "password": PASSWORD,
                    "samples": str(out / "locust-samples.json"),
                    "members": [vars(person) for person in data.members],
                    "contacts": [vars(person) for person in data.contacts or data.members[:0]],
                }
            )
        )
        prefix = out / "locust"
        # Sign-ins (Argon2, deliberately slow) come first; the measured window starts once the
        # last user is signed in, and lasts --duration.
        signing_in = max(10, 2 * args.users)
        command = [
            sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"),
            "--headless", "--users", str(args.users),
            "--spawn-rate", str(max(1, min(args.users, 10))),
            "--run-time", f"{args.duration + signing_in}s", "--host", servers[0][1],
            "--csv", str(prefix), "--only-summary", "--stop-timeout", "10",
            "--loglevel", "WARNING",
        ]  # fmt: skip
        if not data.contacts:
            command.append("ProjectManager")
        env_locust = {**env, "BENCH_LOCUST_CONFIG": str(config)}
        env_locust.pop("RAPPORT_BENCH", None)
        done = subprocess.run(  # noqa: S603 - fixed argument list
            command, env=env_locust, cwd=ROOT, capture_output=True, text=True, check=False
        )
        (out / "locust.log").write_text(done.stdout + done.stderr)
        memory = max(process.peak_mb() for process, _base in servers)
        rss = max(process.rss_mb() for process, _base in servers)
        backlog = queued_jobs()
    failures = list(csv.DictReader((out / "locust_failures.csv").open()))
    samples = json.loads((out / "locust-samples.json").read_text())
    logs = "".join(log.read_text(errors="replace") for log in out.glob("mixed-*.log"))
    locked = logs.count("database is locked")
    tracebacks = logs.count("Traceback (most recent call last)")
    groups: dict[str, list[tuple[float, float, bool]]] = {}
    for at, name, milliseconds, ok in samples:
        groups.setdefault(name, []).append((at, milliseconds, ok))
    signed_in = max((at for at, _ms, _ok in groups.get("sign in", [])), default=0.0)
    work = [
        sample
        for name, items in groups.items()
        if name != "sign in"
        for sample in items
        if sample[0] >= signed_in
    ]
    lines = [
        mixed_line(f"mixed: all signed in ({args.users} users, {args.duration} s)", work),
        *(
            mixed_line(name, [x for x in items if name == "sign in" or x[0] >= signed_in])
            for name, items in sorted(groups.items())
        ),
    ]
    total = lines[0]
    total.peak_mb = round(memory, 1)
    total.target = "0 errors, not locked, p95 ≤ 300 ms, ≤ 200 MB"
    total.met = (
        total.errors == 0
        and locked == 0
        and (total.p95_ms or 0) <= TARGETS["mixed_p95_ms"]
        and memory <= TARGETS["worker_mb"]
    )
    total.value = f"locked {locked}, tracebacks {tracebacks}"
    total.detail = {
        "database_is_locked": locked,
        "server_tracebacks": tracebacks,
        "worker_rss_after_mb": round(rss, 1),
        "jobs_queued_after_load": backlog,
        "steady_window_s": round(max((a for a, _m, _o in work), default=0) - signed_in, 1)
        if work
        else 0,
        "web_processes": [n for _name, n in topology],
        "job_workers": workers,
        "failures": failures,
        "locust_exit_code": done.returncode,
    }
    return lines


def queued_jobs() -> dict[str, int]:
    """Jobs still waiting for a worker, by task."""
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(status="READY").values("task_path")
    return {row["task_path"]: row["n"] for row in waiting.annotate(n=Count("id"))}


def mixed_line(name: str, samples: list[tuple[float, float, bool]]) -> Line:
    times = [milliseconds for _at, milliseconds, _ok in samples]
    moments = [at for at, _milliseconds, _ok in samples]
    window = max(moments, default=0) - min(moments, default=0)
    return Line(
        section="mixed",
        name=name,
        count=len(samples),
        errors=sum(1 for _at, _ms, ok in samples if not ok),
        p50_ms=round(percentile(times, 0.50), 1),
        p95_ms=round(percentile(times, 0.95), 1),
        p99_ms=round(percentile(times, 0.99), 1),
        per_second=round(len(samples) / window, 1) if window else None,
    )


# --- batch jobs ----------------------------------------------------------------------------


class Rollback(Exception):
    pass


@contextlib.contextmanager
def rolled_back() -> Iterator[None]:
    from django.db import transaction

    with contextlib.suppress(Rollback), transaction.atomic():
        yield
        raise Rollback


def batch(data: Data) -> list[Line]:
    """The periodic jobs timed here on the seeded data, each rolled back afterwards."""
    from django.db import connection
    from django.db.models import Max
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from rapport.clients.tasks import recompute_all_client_health
    from rapport.communication import digest
    from rapport.projects.models import Project
    from rapport.reports import services as reports
    from rapport.tenancy.actors import Actor
    from rapport.tenancy.models import Organisation

    organisation = Organisation.objects.get(pk=data.organisation_id)
    lines = []
    today = timezone.localdate()
    projects = list(
        Project.objects.filter(organisation=organisation, status=Project.Status.ACTIVE)
        .annotate(last_end=Max("status_reports__period_end"))
        .select_related("organisation", "pm")
        .order_by("pk")
    )
    durations, queries = [], []
    with rolled_back():
        actor = Actor.system(organisation)
        for project in projects:
            # the week after the last report (as the schedule drafts it), or the past week
            start = project.last_end + timedelta(days=1) if project.last_end else today
            connection.queries_log.clear()
            with CaptureQueriesContext(connection) as captured:
                begin = time.perf_counter()
                reports.report_draft(
                    actor=actor,
                    project=project,
                    period_start=start - timedelta(days=6) if not project.last_end else start,
                    period_end=start + timedelta(days=6) if project.last_end else start,
                    language=project.pm.language,
                )
                durations.append((time.perf_counter() - begin) * 1000)
            queries.append(len(captured.captured_queries))
    per_project = statistics.fmean(durations) if durations else 0.0
    lines.append(
        Line(
            section="batch",
            name="weekly drafting, every active project",
            count=len(durations),
            p50_ms=round(percentile(durations, 0.5), 1),
            p95_ms=round(percentile(durations, 0.95), 1),
            p99_ms=round(percentile(durations, 0.99), 1),
            queries=round(statistics.fmean(queries), 1) if queries else None,
            value=f"{per_project:.1f} ms/project, {sum(durations) / 1000:.1f} s in all",
            target="≤ 30 ms/project",
            met=per_project <= TARGETS["drafting_ms_per_project"],
            detail={"ms_per_project": round(per_project, 2)},
        )
    )
    with rolled_back():
        begin = time.perf_counter()
        sent = digest.send_due(now=timezone.now().replace(hour=9, minute=5))
        seconds = time.perf_counter() - begin
    lines.append(
        Line(
            section="batch",
            name="daily cadence digest",
            count=int(sent or 0),
            value=f"{seconds:.2f} s ({sent} digests)",
            detail={"seconds": round(seconds, 3)},
        )
    )
    with rolled_back():
        begin = time.perf_counter()
        clients = recompute_all_client_health.call()
        seconds = time.perf_counter() - begin
    lines.append(
        Line(
            section="batch",
            name="health score, every client",
            count=clients,
            value=f"{seconds:.2f} s ({clients} clients)",
            target="≤ 10 s",
            met=seconds <= TARGETS["health_s"],
            detail={"seconds": round(seconds, 3)},
        )
    )
    return lines


# --- PostgreSQL: two workers, each job once --------------------------------------------------


def jobs_once(url: str, out: Path, count: int) -> list[Line]:
    """Enqueue ``count`` jobs for two job workers sharing the database; each job records its
    run; a job run twice (or never) is reported."""
    from django_tasks_db.models import DBTaskResult

    from bench.jobs import record_execution

    record = out / "jobs-executed.txt"
    record.unlink(missing_ok=True)
    env = server_env(url, out)
    workers = [
        Process(f"jobs-worker-{n}", job_worker(), env, out / f"jobs-worker-{n}.log")
        for n in range(2)
    ]
    try:
        begin = time.perf_counter()
        # ahead of whatever the load left queued (emails, health scores): workers take the
        # highest priority first
        urgent = record_execution.using(priority=100)
        ids = [str(urgent.enqueue(number, str(record)).id) for number in range(count)]
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            pending = DBTaskResult.objects.filter(id__in=ids).exclude(
                status__in=["SUCCESSFUL", "FAILED"]
            )
            if not pending.exists():
                break
            time.sleep(0.25)
        seconds = time.perf_counter() - begin
    finally:
        for worker in workers:
            worker.stop()
    lines = record.read_text().splitlines() if record.exists() else []
    runs = Counter(line.split()[0] for line in lines)
    by_process = Counter(line.split()[1] for line in lines)
    twice = sum(1 for n in runs.values() if n > 1)
    missing = count - len(runs)
    return [
        Line(
            section="jobs",
            name=f"{count} jobs, 2 job workers",
            count=len(lines),
            errors=twice + missing,
            per_second=round(len(lines) / seconds, 1) if seconds else None,
            value=f"run twice {twice}, not run {missing}, per worker {sorted(by_process.values())}",
            target="each job once",
            met=twice == 0 and missing == 0,
            detail={"run_twice": twice, "not_run": missing, "per_process": dict(by_process)},
        )
    ]


# --- output --------------------------------------------------------------------------------

COLUMNS = [
    ("page / operation", "name", "<"),
    ("n", "count", ">"),
    ("err", "errors", ">"),
    ("p50 ms", "p50_ms", ">"),
    ("p95 ms", "p95_ms", ">"),
    ("p99 ms", "p99_ms", ">"),
    ("req/s", "per_second", ">"),
    ("queries/req", "queries", ">"),
    ("peak MB", "peak_mb", ">"),
    ("target", "target", "<"),
    ("", "met", "<"),
    ("", "value", "<"),
]


def cell(line: Line, key: str) -> str:
    value = getattr(line, key)
    if key == "met":
        return "" if value is None else ("pass" if value else "MISS")
    if value is None:
        return "–"
    return f"{value:g}" if isinstance(value, float) else str(value)


def table(lines: list[Line]) -> str:
    rows = [[title for title, _key, _align in COLUMNS]]
    sections: list[str] = []
    for line in lines:
        if not sections or sections[-1] != line.section:
            sections.append(line.section)
            rows.append([f"[{line.section}]"] + [""] * (len(COLUMNS) - 1))
        rows.append([cell(line, key) for _title, key, _align in COLUMNS])
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    rendered = [
        "  ".join(
            f"{text:{align}{width}}"
            for text, width, (_t, _k, align) in zip(row, widths, COLUMNS, strict=True)
        ).rstrip()
        for row in rows
    ]
    rendered.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(rendered)


def environment(url: str) -> dict[str, Any]:
    import django
    from django.db import connection

    return {
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": " ".join(
            [connection.vendor, ".".join(map(str, connection.get_database_version()))]
        ),
        "database_url": urlsplit(url)._replace(netloc=urlsplit(url).hostname or "").geturl(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
    }


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    started = datetime.now(UTC)
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    url = database_url(args, out)
    setup_django(url, out)
    from django.db import connection

    postgres = connection.vendor == "postgresql"
    print("preparing the data…", file=sys.stderr, flush=True)
    data = prepare(args, out, url)
    lines: list[Line] = []
    if "single" in args.sections:
        print("single user, 1 gunicorn worker…", file=sys.stderr, flush=True)
        lines += single_user(data, url, out, args.requests)
    if "floor" in args.sections:
        print("the floor…", file=sys.stderr, flush=True)
        lines += floor(data, url, out, args.requests, lines)
    if "mixed" in args.sections:
        print(f"mixed load, {args.users} users, {args.duration} s…", file=sys.stderr, flush=True)
        lines += mixed(data, url, out, args, postgres)
    if "batch" in args.sections:
        print("batch jobs…", file=sys.stderr, flush=True)
        lines += batch(data)
    if postgres and "jobs" in args.sections:
        print("two job workers, each job once…", file=sys.stderr, flush=True)
        lines += jobs_once(url, out, args.jobs)
    print(table(lines))
    path = out / f"{started:%Y%m%dT%H%M%SZ}.json"
    path.write_text(
        json.dumps(
            {
                "at": started.isoformat(),
                "environment": environment(url),
                "parameters": {
                    "seed": args.seed,
                    "scale": args.scale,
                    "requests": args.requests,
                    "users": args.users,
                    "duration_s": args.duration,
                },
                "data": {
                    "source": data.source,
                    "reused": data.reused,
                    "prepare_s": round(data.prepare_seconds, 1),
                    **data.observations,
                },
                "targets": TARGETS,
                "sections": sorted({line.section for line in lines}),
                "lines": [vars(line) for line in lines],
            },
            indent=2,
            default=str,
        )
    )
    misses = sum(1 for line in lines if line.met is False)
    print(f"\n{misses} line(s) miss their target; written to {path}")
    return 0
