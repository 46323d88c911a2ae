"""Watch the due times and hand each due publication to the django-q2 workers."""

from __future__ import annotations

import signal
import threading

from django.core.management.base import BaseCommand
from django.utils import timezone

from publishing import dispatcher
from publishing.claims import claimable
from publishing.options import options


class Command(BaseCommand):
    help = "Run the publishing dispatcher (several may run at once; claims are atomic)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Dispatch what is due now, then stop.")
        parser.add_argument("--dry-run", action="store_true", help="List what is due now; claim nothing.")

    def handle(self, *args, once: bool, dry_run: bool, **options_):
        if dry_run:
            until = timezone.now() + timezone.timedelta(seconds=options()["LOOKAHEAD_SECONDS"])
            due = claimable(until).select_related("post", "channel")
            for version in due:
                self.stdout.write(
                    f"{version.pk}\t{version.due_at:%Y-%m-%d %H:%M:%S}\t{version.channel}\t{version.post}"
                )
            self.stdout.write(f"{due.count()} publication(s) due; nothing claimed (--dry-run).")
            return
        if once:
            self.stdout.write(f"{dispatcher.dispatch_once()} publication(s) handed to the workers.")
            return
        stop = threading.Event()
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        dispatcher.run(stop)
