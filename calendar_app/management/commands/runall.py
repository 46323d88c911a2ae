"""Run the web server, the django-q2 cluster, the publishing dispatcher and the networks' sandbox together;
Ctrl-C stops them all cleanly. Once they serve, what a newcomer needs is printed last: the addresses, where
the e-mails go, the next publication, and the demo's log-ins."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from calendar_app.demo import demo_logins, email_destination, logins_table
from calendar_app.models import ChannelVersion, Person
from calendar_app.workflow import Status
from publishing.sandbox.server import DEFAULT_PORT as SANDBOX_PORT

# How long the servers may take to answer before the summary is printed anyway.
READY_TIMEOUT_SECONDS = 60.0
# Once they answer, the other processes' start-up lines have a moment to come out before the summary.
SETTLE_SECONDS = 1.0


class Command(BaseCommand):
    help = "Serve Vitrine on ADDRESS:PORT with the publishing worker and the networks' sandbox (the embedded mode)."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--grace", type=float, default=10.0, help="Seconds to wait for a clean stop.")
        parser.add_argument(
            "--sandbox-port",
            type=int,
            default=SANDBOX_PORT,
            help=f"The networks' sandbox's port (default {SANDBOX_PORT}, where the demo channels point).",
        )

    def handle(self, *args, addrport: str, grace: float, sandbox_port: int, **options):
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        processes = {
            "sandbox": subprocess.Popen([*manage, "sandbox", "--port", str(sandbox_port)]),
            "worker": subprocess.Popen([*manage, "qcluster"]),
            "dispatcher": subprocess.Popen([*manage, "publish_dispatcher"]),
            "web": subprocess.Popen([*manage, "runserver", addrport, "--noreload"]),
        }
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        web = _host_and_port(addrport)
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while not stopping and _all_running(processes) and time.monotonic() < deadline:
            if _answers(*web) and _answers("127.0.0.1", sandbox_port):
                time.sleep(SETTLE_SECONDS)
                break
            time.sleep(0.1)
        if not stopping and _all_running(processes):
            self.stdout.write(self.summary(web, sandbox_port))
            self.stdout.flush()
        while not stopping and _all_running(processes):
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

    def summary(self, web: tuple[str, int], sandbox_port: int) -> str:
        """What a newcomer needs once everything runs, plainly, in a block of its own."""
        site = f"http://{web[0]}:{web[1]}/"
        lines = [
            "",
            self.style.SUCCESS("Vitrine is running. Ctrl-C stops everything."),
            f"  Vitrine:            {site}",
            f"  Administration:     {site}admin/",
            f"  Networks' sandbox:  http://127.0.0.1:{sandbox_port}/  (what the channels received)",
            f"  E-mails:            {email_destination()}",
        ]
        upcoming = (
            ChannelVersion.objects.filter(status=Status.SCHEDULED, due_at__gte=timezone.now())
            .select_related("post")
            .order_by("due_at")
            .first()
        )
        if upcoming is not None:
            due = timezone.localtime(upcoming.due_at)
            when = f"{due:%H:%M:%S}" if due.date() == timezone.localdate() else f"{due:%Y-%m-%d %H:%M}"
            lines.append(f"  Next publication:   {when}, “{upcoming.post.title}”")
        logins = demo_logins()
        if settings.DEBUG and Person.objects.filter(username__in=[login.username for login in logins]).exists():
            lines += ["", f"Demo log-ins (the password of each: {logins[0].password}):", logins_table(logins)]
        return "\n".join([*lines, ""])


def _host_and_port(addrport: str) -> tuple[str, int]:
    """runserver's ADDRESS:PORT (or PORT alone) as the address to reach it at."""
    host, _, port = addrport.rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    return ("127.0.0.1" if host in ("0.0.0.0", "0", "::") else host), int(port)


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.2):
            return True
    except OSError:
        return False


def _all_running(processes: dict[str, subprocess.Popen]) -> bool:
    return all(process.poll() is None for process in processes.values())
