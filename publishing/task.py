"""The django-q2 task: publish a batch of claimed versions, each at its due second, exactly once.

It re-checks each claim, re-runs the Charte and the approval check (art. 7, 9.4, 9.5), records the
attempt *before* the network call (one attempt per claim, enforced by a unique constraint), calls
the adapter outside any transaction, then records the outcome. django-q2's own retries are off:
``publishing.outcomes`` decides. The dispatcher enqueues it by its dotted path,
``publishing.task.publish_batch``.
"""

from __future__ import annotations

import datetime
import os
import socket
import uuid
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone, translation

from calendar_app.charte.loader import get_ruleset
from calendar_app.models import ChannelVersion
from calendar_app.workflow import Status
from publishing.models import PublicationAttempt
from publishing.options import options
from publishing.outcomes import record_outcomes
from publishing.sending import Job, last_moment_refusals, prepare, send

WORKER = f"{socket.gethostname()}:{os.getpid()}"


def publish_claimed(version_id: int, token, *, wait: bool = True) -> str:
    """Publish one claimed version (``publish_batch`` of one); returns what happened, for the logs."""
    return publish_batch([(version_id, str(token))], wait=wait)[0]


def publish_batch(claims: list[tuple[int, str]], *, wait: bool = True) -> list[str]:
    """Publish a batch of claimed versions, each at its due second; returns each one's outcome, for the logs.

    1. Versions whose claim is gone are left alone ("stale").
    2. The Charte and the approval are checked for each due second, during the look-ahead.
    3. One transaction renews the claims and records one attempt per claim *before* any network call
       (a claim delivered twice finds its attempt recorded and stops).
    4. The network calls run in parallel threads, outside any transaction, each at its due second.
    5. One transaction records every outcome.
    """
    with translation.override(settings.LANGUAGE_CODE):
        jobs = _load_jobs(claims)
        _start_attempts(jobs)
        sending = [job for job in jobs if job.attempt is not None and not job.refusals]
        for job in sending:  # here, so that the threads below never touch the database
            prepare(job)
        sending = [job for job in sending if job.error is None and not job.refusals]
        if len(sending) > 1:
            with ThreadPoolExecutor(max_workers=min(len(sending), options()["THREADS_PER_TASK"])) as pool:
                list(pool.map(lambda job: _in_thread(send, job, wait=wait), sending))
        for job in sending if len(sending) == 1 else ():
            send(job, wait=wait)
        record_outcomes(jobs)
    outcomes = {job.version.pk: job.outcome or "stale" for job in jobs}
    return [outcomes.get(int(version_id), "stale") for version_id, _token in claims]


def _load_jobs(claims: list[tuple[int, str]]) -> list[Job]:
    tokens = {int(version_id): uuid.UUID(str(token)) for version_id, token in claims}
    versions = (
        ChannelVersion.objects.filter(pk__in=list(tokens), status=Status.PUBLISHING)
        .select_related("post", "channel", "post__author")
        .prefetch_related("post__links", "post__post_media__asset")
    )
    jobs = []
    now = timezone.now()
    ruleset = get_ruleset()  # one read of the rule set's revision for the whole batch
    for version in versions:
        if version.claim_token != tokens[version.pk]:
            continue
        due = max(version.next_attempt_at or version.due_at, now)
        jobs.append(Job(version, tokens[version.pk], due, last_moment_refusals(version, at=due, ruleset=ruleset)))
    return jobs


def _start_attempts(jobs: list[Job]) -> None:
    """Renew each claim and record its attempt, atomically; a claim already attempted or released is skipped."""
    if not jobs:
        return
    claimed_until = timezone.now() + datetime.timedelta(seconds=options()["CLAIM_SECONDS"])
    by_token: dict[uuid.UUID, list[int]] = {}
    for job in jobs:
        by_token.setdefault(job.token, []).append(job.version.pk)
    with transaction.atomic():
        held = set()
        for token, ids in by_token.items():
            # The UPDATE takes the rows' locks: the reaper's release waits for it, or it finds no row.
            ChannelVersion.objects.filter(pk__in=ids, status=Status.PUBLISHING, claim_token=token).update(
                claimed_until=claimed_until
            )
            held |= {
                (pk, token)
                for pk in ChannelVersion.objects.filter(pk__in=ids, claim_token=token).values_list("pk", flat=True)
            }
        attempted = set(
            PublicationAttempt.objects.filter(version_id__in=[pk for pk, _token in held]).values_list(
                "version_id", "claim_token"
            )
        )
        starting = [job for job in jobs if (job.version.pk, job.token) in held - attempted]
        attempts = PublicationAttempt.objects.bulk_create(
            PublicationAttempt(version=job.version, number=job.version.attempts, claim_token=job.token, worker=WORKER)
            for job in starting
        )
    for job, attempt in zip(starting, attempts, strict=True):
        job.attempt = attempt


def _in_thread(function, *args, **kwargs):
    """Run ``function`` in a pool thread; should it ever open a database connection, it is closed."""
    try:
        return function(*args, **kwargs)
    finally:
        connections.close_all()
