"""A script run in a fresh interpreter, as a web worker starts: its own database and var
directory, Rapport's settings; what it printed last, read as JSON."""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

# How a script that needs data starts: Django set up, the tables made from the models (quicker
# than the migrations), and an owner of an organisation signed in to the test client ``http``.
WITH_OWNER = """
import json, sys
import django
from django.conf import settings
django.setup()
from django.apps import apps
from django.core.management import call_command
settings.MIGRATION_MODULES = {app.label: None for app in apps.get_app_configs()}
call_command("migrate", run_syncdb=True, verbosity=0)
from django.test import Client as Http
from rapport.tenancy.models import Role
from tests import factories

owner = factories.UserFactory()
organisation = factories.MembershipFactory(user=owner, role=Role.OWNER).organisation
http = Http()
http.force_login(owner)
"""


def run_fresh(script: str, tmp_path: Path) -> Any:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "rapport.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'web.sqlite3'}",
        "RAPPORT_VAR_DIR": str(tmp_path),
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
    }
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])
