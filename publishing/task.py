"""The django-q2 task: publish a batch of claimed versions, each at its due second, exactly once.

It re-checks each claim, re-runs the Charte and the approval check (art. 7, 9.4, 9.5), then, at each
due second, records the attempts *right before* their network calls (one attempt per claim, enforced
by a unique constraint), makes the calls in threads outside any transaction, and records the
outcomes. A heartbeat renews its claims all the while. django-q2's own retries are off:
``publishing.outcomes`` decides. The dispatcher enqueues it by its dotted path,
``publishing.task.publish_batch``.
"""

from __future__ import annotations

import datetime
import logging
import time
import uuid
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for_calls
from itertools import groupby

from django.conf import settings
from django.db import connections, transaction
from django.db.models import F, Q
from django.utils import timezone, translation

from calendar_app.models import ChannelVersion
from calendar_app.services.charte import charte_checks
from calendar_app.services.workflow import bulk_transition
from calendar_app.workflow import Status
from publishing.claims import Heartbeat, by_token, slow_channels
from publishing.models import PublicationAttempt
from publishing.options import options
from publishing.outcomes import record_outcomes
from publishing.sending import Job, call, last_moment_refusals, prepare, request_summary, worker_name

logger = logging.getLogger("vitrine.publishing")


def publish_claimed(version_id: int, token, *, wait: bool = True) -> str:
    """Publish one claimed version (``publish_batch`` of one); returns what happened, for the logs."""
    return publish_batch([(version_id, str(token))], wait=wait)[0]


def publish_batch(claims: list[tuple[int, str]], *, wait: bool = True) -> list[str]:
    """Publish a batch of claimed versions, each at its due second; returns each one's outcome, for the logs.

    1. A heartbeat renews the claims from the start until the calls have ended.
    2. Versions whose claim is gone are left alone ("stale").
    3. The Charte and the approval are checked for each due second, during the look-ahead (not for a
       version only looked up: it may be out already).
    4. Those stopped before any call (a block, unreadable credentials, an image that cannot fit) have
       their attempt recorded at once.
    5. Right before each due second: the claims are checked again, those on a channel whose network
       became slow meanwhile are released (nothing sent), the others' attempts recorded (one
       transaction); at the second, their calls start in parallel threads, outside any transaction.
    6. The outcome of each call is recorded as soon as it is answered (those answered together, in one
       transaction), while the task waits for its next second and after its last one.
    """
    started = time.monotonic()
    phases: dict[str, float] = {}
    with translation.override(settings.LANGUAGE_CODE):
        with Heartbeat(by_token(claims)):
            phases["renewed"] = time.monotonic()
            jobs = _load_jobs(claims)
            phases["checked"] = time.monotonic()
            for job in jobs:
                if not job.refusals:
                    prepare(job)
            phases["prepared"] = time.monotonic()
            _start_attempts([job for job in jobs if job.refusals or job.error], calling=False)
            _send_at_due_seconds([job for job in jobs if not job.refusals and job.error is None], wait=wait)
        record_outcomes([job for job in jobs if not job.recorded])
    _log_timings(jobs, started, phases)
    outcomes = {job.version.pk: job.outcome or "stale" for job in jobs}
    return [outcomes.get(int(version_id), "stale") for version_id, _token in claims]


def _log_timings(jobs: list[Job], started: float, phases: dict[str, float]) -> None:
    """Where a task's time went before its first call (ms from its start), and how late that call was: what
    an operator reads when publications go out late (``LOG_LEVEL=INFO``)."""
    called = [job for job in jobs if job.called_at is not None]
    first = min(called, key=lambda job: job.called_at, default=None)
    timings = {name: round((moment - started) * 1000) for name, moment in phases.items()}
    if first is not None:
        timings["first_call_late"] = round((first.called_at - first.due).total_seconds() * 1000)
    logger.info(
        "task versions=%d calls=%d %s",
        len(jobs),
        len(called),
        " ".join(f"{k}_ms={v}" for k, v in timings.items()),
        extra={"versions": len(jobs), **{f"{name}_ms": value for name, value in timings.items()}},
    )


def _load_jobs(claims: list[tuple[int, str]]) -> list[Job]:
    tokens = {int(version_id): uuid.UUID(str(token)) for version_id, token in claims}
    versions = (
        ChannelVersion.objects.filter(pk__in=list(tokens), status=Status.PUBLISHING)
        .select_related("post", "channel", "post__author")
        # The channel's profile checklist: ``last_moment_refusals`` reads it (art. 5.10, 9.1), once per batch.
        .prefetch_related("post__links", "post__post_media__asset", "channel__profile_confirmations")
    )
    jobs = []
    now = timezone.now()
    for version in versions:
        if version.claim_token != tokens[version.pk]:
            continue
        due = max(version.next_attempt_at or version.due_at, now)
        jobs.append(Job(version, tokens[version.pk], due, []))
    # The Charte for the whole batch at once (its contexts read together), not for a version only looked up.
    checking = [job for job in jobs if not job.looking_up]
    reports = charte_checks([(job.version.post, job.due) for job in checking])
    for job, report in zip(checking, reports, strict=True):
        job.report = report
        job.refusals = last_moment_refusals(job.version, at=job.due, report=report)
    return sorted(jobs, key=lambda job: job.due)


def _by_token(jobs: list[Job]) -> dict[uuid.UUID, list[int]]:
    return by_token((job.version.pk, job.token) for job in jobs)


def _send_at_due_seconds(jobs: list[Job], *, wait: bool) -> None:
    """For each due time in turn (``jobs`` are sorted by it): record its attempts ``ATTEMPT_LEAD_SECONDS``
    before it (so that the database's answer is in before the second), wait for it, start its calls in
    the pool; record the answers as they come, in the waits and after the last second."""
    if not jobs:
        return
    lead = datetime.timedelta(seconds=options()["ATTEMPT_LEAD_SECONDS"])
    calls: list[tuple[Future, Job]] = []
    with ThreadPoolExecutor(max_workers=min(len(jobs), options()["THREADS_PER_TASK"])) as pool:
        for due, group in groupby(jobs, key=lambda job: job.due):
            if wait:
                _record_answered(calls, until=due - lead)
                _sleep_until(due - lead)
            starting = _start_attempts(list(group), calling=True)
            if wait:
                _sleep_until(due)
            calls += [(pool.submit(_in_thread, call, job), job) for job in starting]
        _record_answered(calls, until=None)


def _record_answered(calls: list[tuple[Future, Job]], *, until: datetime.datetime | None) -> None:
    """Record each call's outcome as soon as it is answered, until ``RECORD_SLACK_SECONDS`` before
    ``until`` (the task's next second), or until every call is answered (``until=None``).

    Soon, not at the task's end: people see « published » sooner; a worker killed later leaves fewer
    outcomes unknown (each costs a look-up); and an answered call left unrecorded would look unanswered,
    making its channel "slow" for the dispatcher (``claims.slow_channels``) for as long as another call
    of the same task hangs on a dead network.
    """
    while pending := [(future, job) for future, job in calls if not job.recorded]:
        timeout = None
        if until is not None:
            timeout = (until - timezone.now()).total_seconds() - options()["RECORD_SLACK_SECONDS"]
            if timeout <= 0:
                return
        done, _ = wait_for_calls([future for future, _job in pending], timeout=timeout, return_when=FIRST_COMPLETED)
        if not done:
            return
        answered = [job for future, job in pending if future in done]
        record_outcomes(answered)
        for job in answered:
            job.recorded = True


def _sleep_until(moment: datetime.datetime) -> None:
    delay = (moment - timezone.now()).total_seconds()
    if delay > 0:
        time.sleep(delay)


def _start_attempts(jobs: list[Job], *, calling: bool) -> list[Job]:
    """Record the attempt of each job whose claim is still held, atomically; returns those jobs.

    ``calling``: the network call follows at its due second, so the claim counts one more try
    (``attempts``), the attempt says when and by which process, and what it asks; a job on a channel
    whose network became slow since it was claimed is released instead (back to scheduled, nothing
    sent, no try counted).
    A claim already attempted (django-q2 delivering a task twice) or released is skipped.
    """
    if not jobs:
        return []
    now = timezone.now()
    with transaction.atomic():
        held = set()
        for token, ids in _by_token(jobs).items():
            # The UPDATE takes the rows' locks: the reaper's release waits for it, or it finds no row.
            held |= {
                (pk, token)
                for pk in ChannelVersion.objects.filter(pk__in=ids, status=Status.PUBLISHING, claim_token=token)
                .select_for_update()
                .values_list("pk", flat=True)
            }
        held -= set(
            PublicationAttempt.objects.filter(version_id__in=[pk for pk, _token in held]).values_list(
                "version_id", "claim_token"
            )
        )
        starting = [job for job in jobs if (job.version.pk, job.token) in held]
        if calling:
            starting = _release_on_slow_channels(starting, now=now)
            ChannelVersion.objects.filter(pk__in=[job.version.pk for job in starting]).update(
                attempts=F("attempts") + 1
            )
            for job in starting:
                job.version.attempts += 1
        attempts = PublicationAttempt.objects.bulk_create(
            PublicationAttempt(
                version=job.version,
                number=job.version.attempts,
                claim_token=job.token,
                worker=worker_name(),
                # When the call is made: at its due second (the thread writes the exact time with the outcome).
                call_started_at=max(job.due, now) if calling else None,
                request_summary=request_summary(job) if calling else "",
                ruleset_version=job.report.version if job.report else "",
                check_results=job.report.as_json() if job.report else [],
            )
            for job in starting
        )
    for job, attempt in zip(starting, attempts, strict=True):
        job.attempt = attempt
    return starting


def _release_on_slow_channels(jobs: list[Job], *, now) -> list[Job]:
    """Release the jobs whose channel's network is slow right now — a call of another claim on it is
    unanswered (the calls of one claim are sent together on purpose: a burst queues in the threads) —
    scheduled again as they were, claimed once it answers; returns the others."""
    slow = set(
        slow_channels(now)
        .filter(version__channel_id__in={job.version.channel_id for job in jobs})
        .exclude(claim_token__in={job.token for job in jobs})
        .values_list("version__channel_id", flat=True)
    )
    released = [job for job in jobs if job.version.channel_id in slow]
    for token, ids in _by_token(released).items():
        bulk_transition(
            model=ChannelVersion,
            moves=ids,
            source=Status.PUBLISHING,
            target=Status.SCHEDULED,
            where=Q(claim_token=token),
            updated_at=now,
            claim_token=None,
            claimed_until=None,
        )
    return [job for job in jobs if job.version.channel_id not in slow]


def _in_thread(function, *args, **kwargs):
    """Run ``function`` in a pool thread; should it ever open a database connection, it is closed."""
    try:
        return function(*args, **kwargs)
    finally:
        connections.close_all()
