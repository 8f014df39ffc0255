"""Helpers for tests that run the real `python -m bot` process."""

from __future__ import annotations

import asyncio


async def exit_code(process: asyncio.subprocess.Process, seconds: float) -> int:
    """Wait for the process to end by itself; kill it (and fail the wait) if it takes longer than `seconds`."""
    try:
        return await asyncio.wait_for(process.wait(), seconds)
    finally:
        await ensure_stopped(process)


async def ensure_stopped(process: asyncio.subprocess.Process) -> None:
    """Kill a bot process a failed test left running."""
    if process.returncode is None:
        process.kill()
        await process.wait()


def error_lines(log: str) -> list[str]:
    """The one-line errors the CLI promises instead of tracebacks."""
    return [line for line in log.splitlines() if line.startswith("error:")]
