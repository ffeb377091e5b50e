"""`manage.py serve`: what `make run` does — migrate, seed the demo if empty, serve with the worker.

uvicorn serves the ASGI app on 127.0.0.1:PORT and Huey's consumer runs beside it; Ctrl-C (or
SIGTERM) stops both. A second run finds everything in place and is up in a few seconds.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from xiangcun.accounts.demo import PERSONAS
from xiangcun.accounts.roles import ROLE_SPECS


def static_sources_mtime() -> float:
    from django.contrib.staticfiles.finders import get_finders

    newest = 0.0
    for finder in get_finders():
        for path, storage in finder.list([]):
            newest = max(newest, os.path.getmtime(storage.path(path)))
    return newest


class Command(BaseCommand):
    help = "Set up (migrate, demo data, static files) and serve the platform with its background worker."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-demo", action="store_true", help="do not load the demo into an empty database")
        parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")

    def handle(self, *args, host: str, port: int, no_demo: bool, workers: int, **options) -> None:
        started = time.monotonic()
        call_command("migrate", interactive=False, verbosity=0)
        from xiangcun.regions.models import Region

        if not no_demo and not Region.objects.exists():
            self.stdout.write("Loading the 舟曲县 demo (first run only)…")
            call_command("seed_demo", verbosity=0)
        self.collect_static()
        manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        worker = subprocess.Popen([*manage, "run_huey", "--workers", "2", "--quiet"], env=env)
        server = subprocess.Popen(
            # Several workers: through core/uvicorn_tcp.py, which keeps TCP_NODELAY on their shared socket
            # (uvicorn 0.54 loses it; every keep-alive response after the first then waits ~40 ms).
            [sys.executable, "-m", "xiangcun.core.uvicorn_tcp" if workers > 1 else "uvicorn",
             "xiangcun.asgi:application", "--host", host, "--port", str(port),
             "--workers", str(workers), "--no-access-log", "--timeout-graceful-shutdown", "5"],
            env=env,
        )
        self.print_banner(host, port, time.monotonic() - started)
        children = (server, worker)

        def stop(signum=None, frame=None) -> None:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGINT)
            deadline = time.monotonic() + 10
            for child in children:
                try:
                    child.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    child.kill()

        signal.signal(signal.SIGTERM, stop)
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            stop()
        self.stdout.write("stopped.")
        if server.returncode not in (0, -2, -15, None) and server.returncode is not None:
            sys.exit(server.returncode)

    def collect_static(self) -> None:
        """Collect only when a source file is newer than the last collection (fast second start)."""
        stamp = Path(settings.STATIC_ROOT) / ".collected"
        if stamp.exists() and stamp.stat().st_mtime >= static_sources_mtime():
            return
        self.stdout.write("Collecting static files…")
        call_command("collectstatic", interactive=False, verbosity=0)
        stamp.touch()

    def print_banner(self, host: str, port: int, seconds: float) -> None:
        from xiangcun.core.models import SystemSetting

        lines = [f"xiangcun is serving http://{host}:{port}/  (ready in {seconds:.1f} s; Ctrl-C stops)",
                 f"  map: http://{host}:{port}/map/   big screen: http://{host}:{port}/screen/",
                 f"  API docs: http://{host}:{port}/api/docs/   health: http://{host}:{port}/healthz"]
        if SystemSetting.get("demo_loaded"):
            lines.append("  demo accounts (password Demo-2026!):")
            names = {spec.code: spec.name for spec in ROLE_SPECS}
            lines += [f"    {p.username:<18} {names[p.role]}" for p in PERSONAS]
        self.stdout.write("\n".join(lines))
