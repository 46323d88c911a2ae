"""Publish one post (every channel still to go) or one channel version at once, in this process."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from calendar_app.models import ChannelVersion, Post
from calendar_app.services.workflow import version_transition
from calendar_app.workflow import Status
from publishing.claims import claim_due
from publishing.sending import last_moment_refusals, outgoing_for
from publishing.task import publish_claimed


class Command(BaseCommand):
    help = "Publish a post (its scheduled or failed channel versions) now, bypassing the dispatcher's wait."

    def add_arguments(self, parser):
        parser.add_argument("post_id", type=int)
        parser.add_argument("--channel", type=int, help="Only this channel's version.")
        parser.add_argument("--dry-run", action="store_true", help="Show what would be sent; send nothing.")

    def handle(self, *args, post_id: int, channel: int | None, dry_run: bool, **options):
        post = Post.objects.filter(pk=post_id).first()
        if post is None:
            raise CommandError(f"No post {post_id}.")
        versions = post.versions.filter(status__in=(Status.SCHEDULED, Status.FAILED)).select_related("channel", "post")
        if channel is not None:
            versions = versions.filter(channel_id=channel)
        if not versions:
            raise CommandError(f"Post {post_id} has no scheduled or failed channel version to publish.")
        for version in versions:
            if dry_run:
                refusals = last_moment_refusals(version)
                outgoing = outgoing_for(version)
                verdict = "BLOCKED: " + " ".join(refusals) if refusals else "would publish"
                self.stdout.write(
                    f"{version.channel}: {verdict}\n  {outgoing.text[:200]!r} ({len(outgoing.media)} image(s))"
                )
                continue
            now = timezone.now()
            with transaction.atomic():
                if version.status == Status.FAILED:
                    version_transition(version=version, target=Status.SCHEDULED, actor=None, next_attempt_at=now)
                else:
                    ChannelVersion.objects.filter(pk=version.pk).update(next_attempt_at=now)
            claims = claim_due(now=now, only=[version.pk])
            if not claims:
                self.stdout.write(f"{version.channel}: already claimed by a worker.")
                continue
            self.stdout.write(f"{version.channel}: {publish_claimed(version.pk, claims[0].token, wait=False)}")
