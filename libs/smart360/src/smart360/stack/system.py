"""Small process helpers: run as another user, find binaries, check pids honestly."""

from __future__ import annotations

import glob
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from smart360.stack.layout import Stack

APT_PACKAGES = {  # binary -> Debian package
    "pg_ctl": "postgresql",
    "redis-server": "redis-server",
    "pgbouncer": "pgbouncer",
    "haproxy": "haproxy",
}
# The console's browser test (tests/e2e/test_console.py) drives Debian's Chromium through its
# chromedriver: installed by that test with ensure_packages(extra=BROWSER_PACKAGES), never
# downloaded at run time, and not by every `up` (a laptop without it still starts the stack).
BROWSER_PACKAGES = {
    "chromium": "chromium",
    "chromedriver": "chromium-driver",
}


class StackError(RuntimeError):
    """Something the local stack needs is missing or failed; the message says what to do."""


def run(cmd: Sequence[str], *, user: str | None = None, check: bool = True,
        env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    if user and os.geteuid() == 0 and user != "root":
        cmd = ["runuser", "-u", user, "--", *cmd]
    result = subprocess.run(
        list(cmd), capture_output=True, text=True, env=env, timeout=timeout, stdin=subprocess.DEVNULL
    )
    if check and result.returncode != 0:
        raise StackError(f"{' '.join(cmd)} failed ({result.returncode}): "
                         f"{(result.stderr or result.stdout).strip()[-800:]}")
    return result


def start_background(cmd: Sequence[str], *, log: Path, user: str | None = None,
                     env: dict[str, str] | None = None, cwd: Path | None = None) -> None:
    """Start a daemon with its output in `log` and no handle on our stdout (it would hold it)."""
    if user and os.geteuid() == 0 and user != "root":
        cmd = ["runuser", "-u", user, "--", *cmd]
    with open(log, "ab") as out:
        subprocess.Popen(
            list(cmd), stdin=subprocess.DEVNULL, stdout=out, stderr=out, env=env, cwd=cwd,
            start_new_session=True,
        )


def postgres_bindir() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    if candidates:
        return Path(candidates[-1])
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def missing_packages(extra: dict[str, str] | None = None) -> list[str]:
    missing = []
    for binary, package in {**APT_PACKAGES, **(extra or {})}.items():
        if binary == "pg_ctl":
            bindir = postgres_bindir()
            present = bool(bindir and (bindir / "pg_ctl").exists() and (bindir / "initdb").exists())
        else:
            present = shutil.which(binary) is not None or Path("/usr/sbin", binary).exists()
        if not present:
            missing.append(package)
    return missing


def ensure_packages(say: Callable[[str], None] = print, extra: dict[str, str] | None = None
                    ) -> None:
    """The servers' OS packages (and `extra`: binary -> package), apt-get installed if missing."""
    missing = missing_packages(extra)
    if not missing:
        return
    command = ["apt-get", "install", "-y", "--no-install-recommends", *missing]
    if os.geteuid() != 0:
        raise StackError(f"missing OS packages; install them with:\n  sudo apt-get update && "
                         f"sudo {' '.join(command)}")
    say(f"installing {', '.join(missing)} (apt-get)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run(["apt-get", "update", "-qq"], env=env, timeout=600)
    run(command, env=env, timeout=900)


def binary(name: str) -> str:
    if name in ("initdb", "pg_ctl", "pg_isready", "postgres"):
        bindir = postgres_bindir()
        if bindir and (bindir / name).exists():
            return str(bindir / name)
    found = shutil.which(name) or (f"/usr/sbin/{name}" if Path("/usr/sbin", name).exists() else None)
    if not found:
        raise StackError(f"{name} not found; run `make up` (it installs what is missing)")
    return found


def pid_alive(pid: int | None) -> bool:
    """True for a live process; a zombie answers kill -0 but is not alive."""
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def read_pid(file: Path) -> int | None:
    try:
        return int(file.read_text().split()[0])
    except (FileNotFoundError, ValueError, IndexError):
        return None


def stop_pid(pid: int | None, sig: int = signal.SIGTERM, timeout: float = 30) -> None:
    if not pid_alive(pid):
        return
    assert pid is not None
    os.kill(pid, sig)
    deadline = time.monotonic() + timeout
    while pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if pid_alive(pid):
        os.kill(pid, signal.SIGKILL)


def wait_until(check: Callable[[], bool], timeout: float, what: str, interval: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception as exc:  # keep trying until the deadline; report the last error
            last = exc
        time.sleep(interval)
    raise StackError(f"timed out after {timeout:.0f}s waiting for {what}"
                     + (f" (last error: {last})" if last else ""))


def owned_dir(stack: Stack, *parts: str) -> Path:
    """A folder inside the state dir owned by the database user (created if needed)."""
    path = stack.db_path(*parts)
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0 and stack.db_user != "root":
        shutil.chown(path, stack.db_user, stack.db_user)
    return path
