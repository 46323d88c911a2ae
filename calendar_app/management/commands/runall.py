"""Run the web server, the django-q2 cluster, the publishing dispatcher and the networks' sandbox together;
Ctrl-C stops them all cleanly."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from publishing.sandbox.server import DEFAULT_PORT as SANDBOX_PORT


class Command(BaseCommand):
    help = "Serve Vitrine on ADDRESS:PORT with the publishing worker and the networks' sandbox (the embedded mode)."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--grace", type=float, default=10.0, help="Seconds to wait for a clean stop.")

    def handle(self, *args, addrport: str, grace: float, **options):
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        processes = {
            "sandbox": subprocess.Popen([*manage, "sandbox"]),
            "worker": subprocess.Popen([*manage, "qcluster"]),
            "dispatcher": subprocess.Popen([*manage, "publish_dispatcher"]),
            "web": subprocess.Popen([*manage, "runserver", addrport, "--noreload"]),
        }
        self.stdout.write(self.style.SUCCESS(f"Vitrine: http://{addrport}/  (Ctrl-C to stop)"))
        self.stdout.write(f"What the demo channels received: http://127.0.0.1:{SANDBOX_PORT}/")
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        while not stopping and all(process.poll() is None for process in processes.values()):
            time.sleep(0.2)
        for name, process in processes.items():
            if process.poll() is None:
                process.send_signal(signal.SIGINT if name == "worker" else signal.SIGTERM)
        deadline = time.monotonic() + grace
        for name, process in processes.items():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.stderr.write(f"{name} did not stop within {grace:.0f} s; killing it.")
                process.kill()
                process.wait()
        if not stopping:
            codes = {name: process.returncode for name, process in processes.items()}
            self.stderr.write(f"Stopped because a process ended on its own: {codes}")
            sys.exit(1)
        self.stdout.write("Vitrine stopped.")
