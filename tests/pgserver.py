"""A throwaway PostgreSQL server for the test session, started from the machine's binaries.

Listens on 127.0.0.1 on a free port with its data in a temporary directory; as root (CI) it runs as the
`postgres` system user because PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

BINARIES = ("initdb", "pg_ctl", "postgres")


def missing_binaries() -> list[str]:
    return [b for b in BINARIES if shutil.which(b) is None]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class PgServer:
    directory: Path
    port: int
    as_user: str | None

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def url_for(self, database: str) -> str:
        return self.url.rsplit("/", 1)[0] + f"/{database}"

    def _run(self, *args: str, timeout: float = 60) -> None:
        prefix = ["runuser", "-u", self.as_user, "--"] if self.as_user else []
        subprocess.run([*prefix, *args], check=True, capture_output=True, timeout=timeout)

    @classmethod
    def start(cls) -> PgServer:
        as_user = "postgres" if os.geteuid() == 0 else None
        directory = Path(tempfile.mkdtemp(prefix="factbot-pg-"))
        if as_user:
            shutil.chown(directory, user=as_user)
        server = cls(directory, _free_port(), as_user)
        data = str(directory / "data")
        server._run("initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")
        server.resume()
        return server

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.directory / "data"), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)

    def pause(self) -> None:
        """Stop the server but keep its data (to prove the bot survives a database outage)."""
        self._run("pg_ctl", "-D", str(self.directory / "data"), "-m", "fast", "-w", "stop")

    def resume(self) -> None:
        options = f"-p {self.port} -h 127.0.0.1 -k {self.directory} -c fsync=off -c max_connections=200"
        data = str(self.directory / "data")
        self._run("pg_ctl", "-D", data, "-l", str(self.directory / "log"), "-o", options, "-w", "start")
