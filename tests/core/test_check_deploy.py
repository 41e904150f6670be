"""``rapport check-deploy`` runs Django's deployment checks and Rapport's own on the settings of
the environment it is started in: a production environment passes, one lacking what
production needs fails with the reason."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "RAPPORT_MODE": "production",
    "SECRET_KEY": "k" * 20 + "-production-secret-key-with-enough-entropy-4f9a1c7e2b",
    "ALLOWED_HOSTS": "rapport.example.com",
    "RAPPORT_SITE_URL": "https://rapport.example.com",
    "EMAIL_HOST": "smtp.example.com",
}


def check_deploy(tmp_path: Path, **changes: str | None) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "RAPPORT_BENCH", *PRODUCTION} and not key.startswith("EMAIL_")
    }
    env |= {"RAPPORT_VAR_DIR": str(tmp_path), "PYTHONPATH": str(ROOT / "src"), **PRODUCTION}
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, "-c", "from rapport.cli import main; main()", "check-deploy"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_production_environment_passes(tmp_path):
    done = check_deploy(tmp_path)
    assert done.returncode == 0, done.stderr
    assert "no deployment check failed" in done.stdout


def test_without_secret_key_it_fails(tmp_path):
    done = check_deploy(tmp_path, SECRET_KEY=None)
    assert done.returncode != 0
    assert "SECRET_KEY must be set" in done.stderr


def test_without_allowed_hosts_production_refuses_to_start(tmp_path):
    done = check_deploy(tmp_path, ALLOWED_HOSTS=None)
    assert done.returncode != 0
    assert "ALLOWED_HOSTS must be set when RAPPORT_MODE=production" in done.stderr


def test_without_public_allowed_hosts_it_fails(tmp_path):
    done = check_deploy(tmp_path, ALLOWED_HOSTS="localhost,127.0.0.1")
    assert done.returncode != 0
    assert "rapport.E002" in done.stderr and "ALLOWED_HOSTS names no public host" in done.stderr


def test_outside_production_mode_it_fails(tmp_path):
    done = check_deploy(tmp_path, RAPPORT_MODE="embedded")
    assert done.returncode != 0
    assert "rapport.E001" in done.stderr


def test_without_smtp_it_fails(tmp_path):
    # embedded email (files under var/mail) never reaches anyone
    done = check_deploy(tmp_path, EMAIL_HOST=None)
    assert done.returncode != 0
    assert "mail.E001" in done.stderr


def test_debug_is_refused(tmp_path):
    done = check_deploy(tmp_path, DEBUG="1")
    assert done.returncode != 0
    assert "DEBUG must be off when RAPPORT_MODE=production" in done.stderr


def test_bench_hooks_are_refused_in_production(tmp_path):
    done = check_deploy(tmp_path, RAPPORT_BENCH="1")
    assert done.returncode != 0
    assert "RAPPORT_BENCH is for benchmarks" in done.stderr
