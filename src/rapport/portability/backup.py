"""Online backup and restore of a whole installation: the database (SQLite through its backup
API, PostgreSQL through ``pg_dump``), the message attachments, the media files and the
generated secret key, in one tar file with a manifest of sha256 checksums (and a
``<file>.sha256`` beside it). The service keeps running while a backup is taken: both ways of
copying the database read one consistent snapshot."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils import timezone

FORMAT = "rapport-backup"
FORMAT_VERSION = 1
CHUNK = 1024 * 1024
SQLITE = "django.db.backends.sqlite3"
POSTGRESQL = "django.db.backends.postgresql"


class BackupError(Exception):
    """A backup that cannot be taken or restored, with the reason for the operator."""


def rapport_version() -> str:
    try:
        return package_version("rapport")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "unknown"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class Locations:
    """Where an installation keeps what a backup holds."""

    database: dict[str, Any]
    directories: dict[str, Path] = field(default_factory=dict)  # archive folder → directory
    secret_key: Path | None = None

    @classmethod
    def current(cls) -> Locations:
        storage: dict[str, Any] = dict(settings.STORAGES["default"])  # type: ignore[call-overload]
        media = Path(storage.get("OPTIONS", {}).get("location", ""))
        return cls(
            database=dict(connections["default"].settings_dict),
            directories={
                "attachments": Path(settings.RAPPORT_ATTACHMENT_DIR),
                "media": media if str(media) not in ("", ".") else Path(settings.VAR_DIR) / "media",
            },
            secret_key=None
            if os.environ.get("SECRET_KEY")
            else Path(settings.VAR_DIR) / "secret_key",
        )


# --- the database -----------------------------------------------------------------------------


def _pg_environment(database: dict[str, Any]) -> dict[str, str]:
    environment = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if database.get(key):
            environment[name] = str(database[key])
    if database.get("PASSWORD"):
        environment["PGPASSWORD"] = str(database["PASSWORD"])
    return environment


def _run(command: list[str], database: dict[str, Any]) -> None:
    try:
        result = subprocess.run(  # noqa: S603 - fixed programs, the database name as one argument
            command, env=_pg_environment(database), capture_output=True, text=True, check=False
        )
    except FileNotFoundError as error:
        raise BackupError(
            f"{command[0]} was not found: install the PostgreSQL client tools."
        ) from error
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def sqlite_copy(source: sqlite3.Connection, target: Path) -> None:
    """A consistent copy of a live SQLite database: the backup API copies one snapshot, page by
    page, while other connections keep writing (it restarts when one of them does)."""
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)
    finally:
        destination.close()


def dump_database(database: dict[str, Any], target: Path) -> str:
    """Write the database to ``target``; return the name of the file inside the archive."""
    engine = database["ENGINE"]
    if engine == SQLITE:
        name = str(database["NAME"])
        connection = connections["default"]
        if connection.settings_dict["NAME"] == database["NAME"]:
            connection.ensure_connection()
            sqlite_copy(connection.connection, target)  # also the in-memory test database
        else:
            source = sqlite3.connect(name, timeout=20)
            try:
                sqlite_copy(source, target)
            finally:
                source.close()
        return "database.sqlite3"
    if engine == POSTGRESQL:
        _run(
            ["pg_dump", "--format=custom", "--no-owner", f"--file={target}", database["NAME"]],
            database,
        )
        return "database.pgdump"
    raise BackupError(f"Backups support SQLite and PostgreSQL, not {engine}.")


def _sqlite_is_empty(name: str) -> bool:
    if name.startswith("file:") or name == ":memory:":
        return False  # an in-memory database (tests): never replaced
    path = Path(name)
    if not path.exists() or path.stat().st_size == 0:
        return True
    connection = sqlite3.connect(path)
    try:
        tables = connection.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchone()[0]
    finally:
        connection.close()
    return tables == 0


def _postgresql_is_empty(database: dict[str, Any]) -> bool:
    import psycopg

    with psycopg.connect(
        dbname=database["NAME"],
        host=database.get("HOST") or None,
        port=database.get("PORT") or None,
        user=database.get("USER") or None,
        password=database.get("PASSWORD") or None,
    ) as connection:
        row = connection.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()
    return row is None or row[0] == 0


def database_is_empty(database: dict[str, Any]) -> bool:
    if database["ENGINE"] == SQLITE:
        return _sqlite_is_empty(str(database["NAME"]))
    return _postgresql_is_empty(database)


def load_database(database: dict[str, Any], source: Path, *, replace: bool) -> None:
    if database["ENGINE"] == SQLITE:
        path = Path(database["NAME"])
        path.parent.mkdir(parents=True, exist_ok=True)
        copy = sqlite3.connect(source)
        try:
            target = sqlite3.connect(path, timeout=20)
            try:
                copy.backup(target)  # replaces every page, WAL included, in one step
            finally:
                target.close()
        finally:
            copy.close()
        return
    command = ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={database['NAME']}"]
    if replace:
        command += ["--clean", "--if-exists"]
    _run([*command, str(source)], database)


# --- the archive ------------------------------------------------------------------------------


def _files_of(directory: Path) -> Iterator[Path]:
    if directory.is_dir():
        yield from sorted(path for path in directory.rglob("*") if path.is_file())


def create(*, output: Path, locations: Locations | None = None) -> dict[str, Any]:
    """Write the backup to ``output`` (and its checksum to ``output.sha256``); return the
    manifest. The file appears only when it is complete."""
    locations = locations or Locations.current()
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".rapport-backup-") as work:
        dump = Path(work) / "database"
        database_name = dump_database(locations.database, dump)
        entries: list[tuple[str, Path]] = [(database_name, dump)]
        for folder, directory in sorted(locations.directories.items()):
            for path in _files_of(directory):
                entries.append((f"{folder}/{path.relative_to(directory).as_posix()}", path))
        if locations.secret_key is not None and locations.secret_key.is_file():
            entries.append(("secret_key", locations.secret_key))
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "rapport_version": rapport_version(),
            "created_at": timezone.now().isoformat(),
            "database_engine": "sqlite" if database_name.endswith("sqlite3") else "postgresql",
            "database": database_name,
            "files": {},
        }
        partial = Path(work) / "backup.tar"
        with tarfile.open(partial, "w") as archive:
            for name, path in entries:
                # A file written meanwhile (a new attachment) is taken as it is when read.
                try:
                    manifest["files"][name] = {
                        "sha256": sha256_of(path),
                        "size": path.stat().st_size,
                    }
                    archive.add(path, arcname=name, recursive=False)
                except FileNotFoundError:
                    manifest["files"].pop(name, None)  # removed meanwhile
            body = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(body)
            info.mtime = int(timezone.now().timestamp())
            archive.addfile(info, io.BytesIO(body))
        checksum = sha256_of(partial)
        os.replace(partial, output)
    Path(f"{output}.sha256").write_text(f"{checksum}  {output.name}\n")
    return manifest


def _read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = archive.getmember("manifest.json")
        handle = archive.extractfile(member)
        assert handle is not None
        manifest = json.loads(handle.read())
    except (KeyError, AssertionError, ValueError) as error:
        raise BackupError("This file is not a Rapport backup: it has no manifest.") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("This file is not a Rapport backup.")
    if int(manifest.get("format_version", 0)) > FORMAT_VERSION:
        raise BackupError(
            f"This backup has format {manifest.get('format_version')}, newer than this "
            f"Rapport reads ({FORMAT_VERSION}): restore it with Rapport "
            f"{manifest.get('rapport_version')} or later."
        )
    return manifest


def verify(path: Path) -> dict[str, Any]:
    """Check the whole-file checksum (when the ``.sha256`` file is beside it) and every member
    against the manifest; return the manifest. Raises ``BackupError`` on any mismatch."""
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    sidecar = Path(f"{path}.sha256")
    if sidecar.is_file():
        recorded = sidecar.read_text().split()
        if not recorded or sha256_of(path) != recorded[0]:
            raise BackupError(f"{path} does not match its checksum in {sidecar.name}: corrupt.")
    try:
        with tarfile.open(path, "r:") as archive:
            manifest = _read_manifest(archive)
            seen = set()
            for member in archive.getmembers():
                if member.name == "manifest.json":
                    continue
                expected = manifest["files"].get(member.name)
                handle = archive.extractfile(member) if member.isfile() else None
                if expected is None or handle is None:
                    raise BackupError(f"{member.name} in the backup is not in its manifest.")
                digest = hashlib.sha256()
                while chunk := handle.read(CHUNK):
                    digest.update(chunk)
                if digest.hexdigest() != expected["sha256"]:
                    raise BackupError(f"{member.name} in the backup is corrupt (checksum).")
                seen.add(member.name)
            missing = set(manifest["files"]) - seen
            if missing:
                raise BackupError(f"The backup lacks {', '.join(sorted(missing))}.")
    except (tarfile.TarError, EOFError, OSError) as error:
        raise BackupError(f"{path} cannot be read as a backup: {error}") from error
    return manifest


def restore(
    *, path: Path, locations: Locations | None = None, force: bool = False
) -> dict[str, Any]:
    """Verify the backup, then put the database, the files and the secret key back. Refuses a
    database that already holds tables unless ``force``."""
    locations = locations or Locations.current()
    manifest = verify(path)
    engine = locations.database["ENGINE"]
    wanted = SQLITE if manifest["database_engine"] == "sqlite" else POSTGRESQL
    if engine != wanted:
        raise BackupError(
            f"This backup holds a {manifest['database_engine']} database; this installation "
            f"uses {engine.rsplit('.', 1)[-1]}."
        )
    if not force and not database_is_empty(locations.database):
        raise BackupError(
            "The database is not empty: restoring would overwrite it. Use --force to replace it."
        )
    connections.close_all()
    with tempfile.TemporaryDirectory(prefix=".rapport-restore-") as work:
        with tarfile.open(path, "r:") as archive:
            archive.extractall(work, filter="data")
        load_database(locations.database, Path(work) / manifest["database"], replace=force)
        for folder, directory in locations.directories.items():
            source = Path(work) / folder
            if force and directory.is_dir():
                shutil.rmtree(directory)
            if source.is_dir():
                shutil.copytree(source, directory, dirs_exist_ok=True)
        secret = Path(work) / "secret_key"
        keep = locations.secret_key
        if keep is not None and secret.is_file() and (force or not keep.exists()):
            keep.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(secret, keep)
            keep.chmod(0o600)
    return manifest
