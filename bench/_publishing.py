"""What the publishing benchmarks share: a fresh database, the sandbox, a real cluster and dispatcher.

Each benchmark builds its own data in its own database: a new SQLite file by default, or the
PostgreSQL database named by ``DATABASE_URL`` (its publishing tables are emptied first).
"""

from __future__ import annotations

import datetime
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
SENTENCES = [
    "La collecte des feuilles aura lieu le 3 novembre dans tous les secteurs.",
    "La bibliothèque municipale sera fermée le 25 décembre et le 1er janvier.",
    "Les travaux de réfection de la rue Saint-Jean-Baptiste se poursuivent cette semaine.",
    "Le Service des loisirs offre des cours de natation pour tous les âges à la piscine municipale.",
    "Les inscriptions au camp de jour débutent le 15 mars à 9 h.",
    "Le déneigement des trottoirs commence dès que 5 cm de neige sont tombés.",
    "Le conseil municipal a adopté le budget lors de la séance du 8 décembre.",
    "Le Festival de l'Oie blanche célèbre le retour des oies sur les battures du fleuve.",
    "Un avis d'ébullition préventif est en vigueur pour le secteur ouest jusqu'à nouvel ordre.",
    "La collecte des sapins aura lieu le 8 janvier; déposez votre arbre en bordure de rue avant 7 h.",
    "Merci de votre collaboration.",
    "Pour toute question, écrivez à info@ville.montmagny.qc.ca.",
]
sys.path.insert(0, str(PROJECT))


def setup_database() -> str:
    """Point Django at the benchmark's database and migrate it; returns its DATABASE_URL."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        folder = Path(tempfile.mkdtemp(prefix="vitrine-bench-"))
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
        os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import connection

    print(f"database: {connection.vendor} ({url.split('@')[-1]})", flush=True)
    return url


# A city's accounts: the posts are spread over this many channels of the sandbox's network (a thousand
# posts on one account within a week would make every one a repetition of the others).
CHANNELS = 10


def fresh_world(network: str, sandbox_url: str):
    """Montmagny, an adviser and ``CHANNELS`` sandbox channels, with earlier benchmark posts removed.

    Each channel has its own access token (``bench-0``, ``bench-1``…), as each account of a city does:
    the sandbox's faults can aim at one channel by its token.
    """

    from calendar_app.demo import montmagny
    from calendar_app.models import Channel, Municipality, OfficialContact, Post
    from publishing.models import PublicationAttempt
    from tests import factories

    municipality, _created = Municipality.objects.get_or_create(singleton=True, defaults=montmagny.MUNICIPALITY)
    for kind, value, label in montmagny.OFFICIAL_CONTACTS:
        OfficialContact.objects.get_or_create(
            municipality=municipality, kind=kind, value=value, defaults={"label": label}
        )

    PublicationAttempt.objects.all().delete()
    Post.objects.all().delete()
    Channel.objects.all().delete()
    adviser = factories.reviewer(username=f"bench-{time.time_ns()}")
    channels = [add_channel(adviser, network, sandbox_url, token=f"bench-{number}") for number in range(CHANNELS)]
    return adviser, channels


def add_channel(adviser, network: str, sandbox_url: str, *, token: str):
    """One more sandbox channel of ``network``, authorised by ``adviser``, with its own access ``token``."""
    from django.utils import timezone

    from tests import factories

    channel = factories.channel(
        network,
        api_base_url=f"{sandbox_url}/{network}",
        handle=f"@bench{time.time_ns()}",
        authorised_by=adviser,
        authorised_at=timezone.now(),
    )
    channel.set_credentials({"access_token": token})
    channel.save()
    return channel


def schedule(adviser, channels, count: int, *, first: int = 0) -> None:
    """``count`` approved posts scheduled through the services (so the worker's last checks are real), one
    channel each in turn, numbered from ``first``, due far ahead; ``retime`` then sets the due times to measure."""
    from django.utils import timezone

    from calendar_app.services import posts as post_services
    from calendar_app.services import scheduling

    started = time.monotonic()
    later = timezone.now() + datetime.timedelta(days=1)
    rng = random.Random(2026 + first)
    for number in range(first, first + count):
        # Varied texts, as a city's week of posts is (1,000 copies of one text would all be repetitions).
        sentences = rng.sample(SENTENCES, rng.randint(1, 4))
        post = post_services.post_create(
            author=adviser,
            title=f"Avis {number}",
            category="public_interest",
            body=f"Avis no {number}. " + " ".join(sentences),
            channels=[channels[number % len(channels)]],
        )
        post_services.post_approve(post=post, reviewer=adviser, acknowledge_warnings=True)
        scheduling.post_schedule(
            post=post, actor=adviser, timing=scheduling.Timing(default=later), acknowledge_warnings=True
        )
    print(f"scheduled {count} posts in {time.monotonic() - started:.1f} s", flush=True)


def retime(due_times: list[datetime.datetime]) -> None:
    """Give the scheduled versions these due times, in the order of their ids, all in one transaction (a few
    statements: one UPDATE a version took seconds for 500 on PostgreSQL, while the first ones fell due)."""
    from django.db import transaction

    from calendar_app.models import ChannelVersion

    versions = list(ChannelVersion.objects.order_by("pk").only("pk"))
    for version, due in zip(versions, due_times, strict=True):
        version.due_at = due
    with transaction.atomic():
        ChannelVersion.objects.bulk_update(versions, ["due_at"], batch_size=250)


def arguments(description: str):
    """The options both benchmarks take."""
    import argparse

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=4, help="django-q2 workers (the default of settings.Q_CLUSTER).")
    return parser


def prepare(posts: int, workers: int):
    """The database, the sandbox answering in 50 ms, ``posts`` scheduled posts, and a running worker.

    Returns (database URL, sandbox server, worker processes); the posts are due a day ahead until
    ``retime`` gives them the due times to measure.
    """
    url = setup_database()
    from publishing.sandbox.server import start_in_thread

    server = start_in_thread()
    server.state.latency = 0.05
    adviser, channels = fresh_world("mastodon", server.base_url)
    schedule(adviser, channels, posts)
    processes = start_worker(url, workers)
    time.sleep(3)  # the cluster and the dispatcher start
    return url, server, processes


def worker_env(database_url: str, workers: int, settings: dict[str, str] | None = None) -> dict[str, str]:
    """The environment the cluster and the dispatcher run in; ``settings`` adds variables such as
    ``PUBLISHING_MAX_ATTEMPTS`` (config/settings.py reads them)."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "Q_WORKERS": str(workers),
        "LOG_LEVEL": os.environ.get("BENCH_LOG_LEVEL", "WARNING"),
    }
    return {**env, **(settings or {})}


def worker_settings(env: dict[str, str]) -> dict:
    """``settings.PUBLISHING`` as a process started with ``env`` reads it: what the worker really uses
    (a variable the settings do not read, or misspelt, shows as the default)."""
    code = "import json; from django.conf import settings; print(json.dumps(settings.PUBLISHING))"
    manage = [sys.executable, str(PROJECT / "manage.py"), "shell", "-c", code]
    output = subprocess.run(manage, cwd=PROJECT, env=env, capture_output=True, text=True, check=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def start_worker(
    database_url: str, workers: int, settings: dict[str, str] | None = None, log=None
) -> list[subprocess.Popen]:
    """A django-q2 cluster and a dispatcher, as in production; their output goes to ``log`` (a file) if given."""
    env = worker_env(database_url, workers, settings)
    manage = [sys.executable, str(PROJECT / "manage.py")]
    return [
        subprocess.Popen([*manage, command], cwd=PROJECT, env=env, stdout=log, stderr=log)
        for command in ("qcluster", "publish_dispatcher")
    ]


def stop_worker(processes: list[subprocess.Popen]) -> None:
    """SIGINT, as an operator stops them; a process still running after 20 s is SIGKILLed with its children
    (a cluster's workers would outlive their parent)."""
    from tests.publishing.test_worker_live import kill_tree

    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            kill_tree(process)


def wait_for(count: int, timeout: float) -> int:
    from calendar_app.models import ChannelVersion
    from calendar_app.workflow import Status

    deadline = time.monotonic() + timeout
    done = 0
    while time.monotonic() < deadline:
        done = ChannelVersion.objects.filter(status__in=(Status.PUBLISHED, Status.FAILED, Status.BLOCKED)).count()
        if done >= count:
            break
        time.sleep(0.5)
    return done


def outcomes(server) -> dict:
    """Published count, duplicates at the sandbox (posts created twice), re-sends (requests sent again under a key
    the network had already answered: no second post, but a second send), and each publication's call time minus
    its due time (ms)."""
    from calendar_app.models import ChannelVersion
    from calendar_app.workflow import Status
    from publishing.models import PublicationAttempt

    keys = [item.idempotency_key for item in server.state.posts()]
    due = dict(ChannelVersion.objects.values_list("pk", "due_at"))
    lateness = [
        (called - due[version_id]).total_seconds() * 1000
        for version_id, called in PublicationAttempt.objects.filter(
            outcome="published", call_started_at__isnull=False
        ).values_list("version_id", "call_started_at")
    ]
    return {
        "published": ChannelVersion.objects.filter(status=Status.PUBLISHED).count(),
        "received": len(keys),
        "duplicates": len(keys) - len(set(keys)),
        "resent": len(server.state.resent()),
        "lateness_ms": sorted(lateness),
    }


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    index = min(len(values) - 1, max(0, round(fraction * (len(values) - 1))))
    return sorted(values)[index]


SUMMARY_KEYS = ("p50_ms", "p95_ms", "p99_ms", "max_ms")


def summary(values: list[float]) -> dict:
    return {
        "p50_ms": round(statistics.median(values), 1) if values else None,
        "p95_ms": round(percentile(values, 0.95), 1),
        "p99_ms": round(percentile(values, 0.99), 1),
        "max_ms": round(max(values), 1) if values else None,
    }
