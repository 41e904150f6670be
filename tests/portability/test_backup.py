"""``rapport backup`` / ``rapport restore``: a backup taken while another connection keeps
writing holds every write acknowledged before it started, restores into a fresh place, and
passes the database's own integrity check; a damaged file or a non-empty database is refused."""

from __future__ import annotations

import sqlite3
import tarfile
import threading
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from rapport.portability import backup
from rapport.tenancy.models import Organisation

IS_SQLITE = connection.vendor == "sqlite"


def _organisation_insert(index: int, placeholder: str) -> tuple[str, list[Any]]:
    """An INSERT of one organisation with every column, as Django would write it."""
    organisation = Organisation(name=f"Written {index}", slug=f"written-{index}")
    fields = [f for f in Organisation._meta.concrete_fields if not f.primary_key]
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            setattr(organisation, f.attname, f.pre_save(organisation, add=True))
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    values = [f.get_db_prep_save(getattr(organisation, f.attname), connection) for f in fields]
    marks = ", ".join([placeholder] * len(fields))
    return f"INSERT INTO tenancy_organisation ({columns}) VALUES ({marks})", values


class Writer(threading.Thread):
    """Keeps inserting organisations through its own connection, one commit each, and counts
    the commits that returned (the acknowledged writes)."""

    def __init__(self, connect: Any, placeholder: str) -> None:
        super().__init__(daemon=True)
        self.connect, self.placeholder = connect, placeholder
        self.acknowledged = 0
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            db = self.connect()
            try:
                while not self.stop.is_set():
                    sql, values = _organisation_insert(self.acknowledged, self.placeholder)
                    db.execute(sql, values)
                    db.commit()
                    self.acknowledged += 1
                    time.sleep(0.002)
            finally:
                db.close()
        except BaseException as error:  # reported by the test
            self.error = error

    def wait_for(self, count: int) -> None:
        deadline = time.monotonic() + 30
        while self.acknowledged < count and time.monotonic() < deadline and self.error is None:
            time.sleep(0.01)
        assert self.error is None, self.error
        assert self.acknowledged >= count


def _files(root: Path) -> None:
    (root / "attachments" / "1" / "2").mkdir(parents=True)
    (root / "attachments" / "1" / "2" / "abc").write_bytes(b"%PDF-1.4 attachment")
    (root / "media").mkdir()
    (root / "media" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\nlogo")
    (root / "secret_key").write_text("the secret key of this installation")


def _locations(root: Path, database: dict[str, Any]) -> backup.Locations:
    return backup.Locations(
        database=database,
        directories={"attachments": root / "attachments", "media": root / "media"},
        secret_key=root / "secret_key",
    )


def _slugs_written(rows: list[tuple[str]]) -> set[str]:
    return {slug for (slug,) in rows if slug.startswith("written-")}


def _assert_files_restored(fresh: Path) -> None:
    assert (fresh / "attachments" / "1" / "2" / "abc").read_bytes() == b"%PDF-1.4 attachment"
    assert (fresh / "media" / "logo.png").read_bytes() == b"\x89PNG\r\n\x1a\nlogo"
    assert (fresh / "secret_key").read_text() == "the secret key of this installation"


@pytest.mark.skipif(not IS_SQLITE, reason="SQLite backup API")
@pytest.mark.django_db(transaction=True)
def test_sqlite_backup_while_writing_keeps_every_acknowledged_write(tmp_path: Path) -> None:
    live = tmp_path / "live"
    live.mkdir()
    _files(live)
    database_file = live / "rapport.sqlite3"
    connection.ensure_connection()
    backup.sqlite_copy(connection.connection, database_file)  # a migrated database
    sqlite3.connect(database_file).execute("PRAGMA journal_mode=WAL").close()
    writer = Writer(lambda: sqlite3.connect(database_file, timeout=20), "?")
    writer.start()
    try:
        writer.wait_for(20)
        acknowledged_before = writer.acknowledged
        output = tmp_path / "backups" / "rapport.tar"
        manifest = backup.create(
            output=output,
            locations=_locations(live, {"ENGINE": backup.SQLITE, "NAME": str(database_file)}),
        )
        writer.wait_for(acknowledged_before + 20)  # the service kept writing
    finally:
        writer.stop.set()
        writer.join()
    assert manifest["database"] == "database.sqlite3"
    assert Path(f"{output}.sha256").read_text().split()[0] == backup.sha256_of(output)

    fresh = tmp_path / "fresh"
    restored_file = fresh / "rapport.sqlite3"
    backup.restore(
        path=output,
        locations=_locations(fresh, {"ENGINE": backup.SQLITE, "NAME": str(restored_file)}),
    )
    restored = sqlite3.connect(restored_file)
    try:
        assert restored.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        slugs = _slugs_written(restored.execute("SELECT slug FROM tenancy_organisation").fetchall())
        tables = restored.execute("SELECT count(*) FROM django_migrations").fetchone()[0]
    finally:
        restored.close()
    assert {f"written-{i}" for i in range(acknowledged_before)} <= slugs
    assert tables > 0
    _assert_files_restored(fresh)

    # A second restore over the now non-empty database is refused unless forced.
    locations = _locations(fresh, {"ENGINE": backup.SQLITE, "NAME": str(restored_file)})
    with pytest.raises(backup.BackupError, match="not empty"):
        backup.restore(path=output, locations=locations)
    backup.restore(path=output, locations=locations, force=True)


def _pg_connect(database: dict[str, Any], name: str | None = None) -> psycopg.Connection[Any]:
    return psycopg.connect(
        dbname=name or database["NAME"],
        host=database.get("HOST") or None,
        port=database.get("PORT") or None,
        user=database.get("USER") or None,
        password=database.get("PASSWORD") or None,
    )


def _pg_counts(db: psycopg.Connection[Any]) -> dict[str, int]:
    tables = [
        row[0]
        for row in db.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
            " AND table_type = 'BASE TABLE'"
        ).fetchall()
    ]
    return {table: db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}


@pytest.mark.skipif(IS_SQLITE, reason="pg_dump")
@pytest.mark.django_db(transaction=True)
def test_postgresql_backup_while_writing_restores_into_a_fresh_database(tmp_path: Path) -> None:
    database = dict(connection.settings_dict)
    live = tmp_path / "live"
    live.mkdir()
    _files(live)
    call_command("demo", verbosity=0)  # something in every table worth comparing
    with _pg_connect(database) as source:
        counts_before = _pg_counts(source)
    writer = Writer(lambda: _pg_connect(database), "%s")
    writer.start()
    try:
        writer.wait_for(20)
        acknowledged_before = writer.acknowledged
        output = tmp_path / "rapport.tar"
        manifest = backup.create(output=output, locations=_locations(live, database))
        writer.wait_for(acknowledged_before + 20)
    finally:
        writer.stop.set()
        writer.join()
    assert manifest["database"] == "database.pgdump"

    fresh_name = f"{database['NAME']}_restored"
    with _pg_connect(database, "postgres") as admin:
        admin.autocommit = True
        admin.execute(f'DROP DATABASE IF EXISTS "{fresh_name}"')
        admin.execute(f'CREATE DATABASE "{fresh_name}"')
    try:
        fresh = tmp_path / "fresh"
        backup.restore(path=output, locations=_locations(fresh, {**database, "NAME": fresh_name}))
        with _pg_connect(database, fresh_name) as restored:
            counts_after = _pg_counts(restored)
            slugs = _slugs_written(
                restored.execute("SELECT slug FROM tenancy_organisation").fetchall()
            )
        assert {f"written-{i}" for i in range(acknowledged_before)} <= slugs
        assert set(counts_after) == set(counts_before)
        for table, count in counts_before.items():
            if table != "tenancy_organisation":
                assert counts_after[table] == count, table
        _assert_files_restored(fresh)
        with pytest.raises(backup.BackupError, match="not empty"):
            backup.restore(
                path=output, locations=_locations(fresh, {**database, "NAME": fresh_name})
            )
    finally:
        with _pg_connect(database, "postgres") as admin:
            admin.autocommit = True
            admin.execute(f'DROP DATABASE IF EXISTS "{fresh_name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)  # a backup reads committed data, as in production
def test_backup_command_and_refusals(tmp_path: Path, settings: Any) -> None:
    settings.RAPPORT_ATTACHMENT_DIR = tmp_path / "attachments"
    output = tmp_path / "out" / "rapport.tar"
    call_command("backup", output=str(output), verbosity=0)
    manifest = backup.verify(output)
    assert manifest["format_version"] == backup.FORMAT_VERSION
    assert manifest["database"] in {"database.sqlite3", "database.pgdump"}

    # The installation's own database is not empty: restore refuses without --force.
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(output))

    # One changed byte anywhere is caught by the checksum.
    damaged = tmp_path / "damaged.tar"
    data = bytearray(output.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    Path(f"{damaged}.sha256").write_text(Path(f"{output}.sha256").read_text())
    with pytest.raises(CommandError, match="checksum"):
        call_command("restore", str(damaged), force=True)
    # Without the .sha256 beside it, the manifest's checksums still catch it.
    Path(f"{damaged}.sha256").unlink()
    with pytest.raises(CommandError):
        call_command("restore", str(damaged), force=True)

    not_a_backup = tmp_path / "other.tar"
    with tarfile.open(not_a_backup, "w"):
        pass
    with pytest.raises(CommandError, match="not a Rapport backup"):
        call_command("restore", str(not_a_backup))
