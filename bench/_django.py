"""What every benchmark does first: Django on a throwaway ``XIANGCUN_VAR_DIR`` (its own SQLite and keys).

Settings read the environment once, at import, so everything is set before ``django.setup()``.
"""

from __future__ import annotations

import http.client
import math
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(var_dir: str | Path, *, database_url: str | None = None, plain_static: bool = False) -> None:
    """Point the settings at ``var_dir`` (and ``database_url`` if given, else SQLite there), then set Django up.

    ``plain_static``: pages render without ``collectstatic`` (the manifest storage needs it), as in the tests.
    """
    os.environ["XIANGCUN_VAR_DIR"] = str(var_dir)
    os.environ.pop("DATABASE_URL", None)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("XIANGCUN_LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "xiangcun.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    if plain_static:
        from django.conf import settings
        from django.test.utils import override_settings

        (Path(var_dir) / "static").mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing root
        override_settings(STORAGES={**settings.STORAGES, "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}).enable()


def environment() -> dict:
    """What a figure was measured on: versions, database, cores, load average now."""
    import platform

    import django
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version")
        server = cursor.fetchone()[0]
    return {"python": platform.python_version(), "django": django.get_version(),
            "database": f"{connection.vendor} {server}", "cpus": os.cpu_count(), "machine": platform.machine(),
            "load_average": round(os.getloadavg()[0], 2)}


def page(client, url: str):
    """A callable that GETs ``url`` with a test client and fails loudly on anything but 200."""

    def get() -> object:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        return response

    return get


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """uvicorn serving the platform on 127.0.0.1 for a benchmark: waits for /healthz; ``stop()`` ends it.

    ``env`` points it at the benchmark's var dir; ``args`` follow the address (workers, logging …);
    ``launcher`` is ``("-m", "uvicorn")`` or ``("-m", "xiangcun.core.uvicorn_tcp")`` for several workers.
    """

    def __init__(self, env: dict, *, args: tuple[str, ...] = (), launcher: tuple[str, ...] = ("-m", "uvicorn"),
                 timeout: float = 60) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, *launcher, "xiangcun.asgi:application", "--host", "127.0.0.1", "--port",
             str(self.port), *args], cwd=ROOT, env=env)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"uvicorn exited with status {self.process.returncode}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    connection.close()
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"uvicorn did not answer /healthz within {timeout:.0f} s")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def percentile(samples: list[float], share: float) -> float:
    """Nearest-rank percentile of sorted samples."""
    return samples[max(0, math.ceil(share * len(samples)) - 1)]


def summary(samples: list[float]) -> dict:
    """Median, p95, p99 and max in milliseconds of the samples (milliseconds), and how many there were."""
    if not samples:
        return {"runs": 0}
    samples = sorted(samples)
    return {"median_ms": round(statistics.median(samples), 2), "p95_ms": round(percentile(samples, 0.95), 2),
            "p99_ms": round(percentile(samples, 0.99), 2), "max_ms": round(samples[-1], 2), "runs": len(samples)}


def timed(function: Callable[[], object], runs: int, warm_up: int = 3) -> dict:
    """``summary`` of ``runs`` calls of ``function`` in this process, after ``warm_up`` untimed ones."""
    for _index in range(warm_up):
        function()
    samples = []
    for _index in range(runs):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return summary(samples)
