"""supervisord: runs every service's web, worker and beat; we talk to it over XML-RPC."""

from __future__ import annotations

import xmlrpc.client
from typing import Any

from supervisor.xmlrpc import SupervisorTransport

from smart360.stack import configs, runtime
from smart360.stack.layout import Stack
from smart360.stack.system import pid_alive, read_pid, run, stop_pid, wait_until


class Supervisor:
    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        transport = SupervisorTransport(None, None, f"unix://{stack.run / 'supervisor.sock'}")
        self._proxy: Any = xmlrpc.client.ServerProxy("http://127.0.0.1", transport=transport)

    @property
    def rpc(self) -> Any:
        return self._proxy.supervisor

    def is_running(self) -> bool:
        if not pid_alive(read_pid(self.stack.run / "supervisord.pid")):
            return False
        try:
            return bool(self.rpc.getState()["statename"] == "RUNNING")
        except (OSError, xmlrpc.client.Fault):  # not there yet, or shutting down
            return False

    def processes(self) -> list[dict[str, Any]]:
        infos: list[dict[str, Any]] = self.rpc.getAllProcessInfo()
        return infos

    def info(self, name: str) -> dict[str, Any]:
        info: dict[str, Any] = self.rpc.getProcessInfo(name)
        return info

    def pid(self, name: str) -> int:
        return int(self.info(name)["pid"])

    def stop(self, name: str) -> None:
        if self.info(name)["statename"] in ("RUNNING", "STARTING", "BACKOFF"):
            self.rpc.stopProcess(name, True)

    def start(self, name: str) -> None:
        if self.info(name)["statename"] not in ("RUNNING", "STARTING"):
            self.rpc.startProcess(name, True)

    def restart(self, name: str) -> None:
        self.stop(name)
        self.start(name)

    def launch(self) -> None:
        """Start supervisord, or make a running one pick up the regenerated configuration."""
        conf = self.stack.path("supervisord.conf")
        conf.write_text(configs.supervisord_conf(self.stack))
        conf.chmod(0o600)  # the programs' environments hold the stack's dev secrets
        if self.is_running():
            added, changed, removed = self.rpc.reloadConfig()[0]
            for name in removed + changed:
                self.rpc.stopProcess(name, True)
                self.rpc.removeProcessGroup(name)
            for name in added + changed:
                self.rpc.addProcessGroup(name)
            self.rpc.startAllProcesses(False)
            return
        run([str(runtime.bindir(self.stack) / "supervisord"), "-c", str(conf)])
        wait_until(self.is_running, 20, "supervisord")

    def shutdown(self) -> None:
        pid = read_pid(self.stack.run / "supervisord.pid")
        if self.is_running():
            self.rpc.shutdown()  # stops every program gracefully (stopwaitsecs), then exits
        wait_until(lambda: not pid_alive(pid), 120, "supervisord to stop its programs")
        stop_pid(pid)
