"""Serve the local sandbox of the social networks (the demo channels point at it)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from publishing.sandbox.following import seed_demo_following
from publishing.sandbox.server import DEFAULT_PORT, SandboxServer


class Command(BaseCommand):
    help = "Serve the networks' sandbox on 127.0.0.1 (default port 8700); open it in a browser to see what was sent."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=DEFAULT_PORT)
        parser.add_argument("--latency", type=float, default=0.0, help="Seconds each answer takes (e.g. 0.05).")

    def handle(self, *args, port: int, latency: float, **options):
        server = SandboxServer(("127.0.0.1", port))
        server.state.latency = latency
        seed_demo_following(server.state)
        self.stdout.write(f"Networks' sandbox: {server.base_url}/  (Ctrl-C to stop)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
