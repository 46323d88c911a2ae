"""Charte checks per second on one core: 10,000 generated posts of ~500 characters, two channel versions each.

Run: .venv/bin/python bench/charte.py [--posts N] [--rounds N]
Prints its progress, then a last line that is a JSON object: {"posts_per_s": ..., ...}.
Target (DESIGN.md): at least 2,000 posts/s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.utils import timezone  # noqa: E402

from calendar_app.charte.base import CheckContext, ElectionInfo, LinkInfo  # noqa: E402
from calendar_app.charte.loader import data_from_defaults  # noqa: E402
from calendar_app.charte.registry import build_ruleset  # noqa: E402

SENTENCES = [
    "La Ville de Montmagny invite la population au marché de Noël, samedi de 10 h à 16 h, au parc de la "
    "Pointe-aux-Oies.",
    "Les travaux de réfection de la rue Saint-Jean-Baptiste se poursuivent cette semaine ; la circulation se "
    "fait en alternance.",
    "La collecte des sapins aura lieu le 8 janvier ; déposez votre arbre en bordure de rue avant 7 h.",
    "Le Service des loisirs offre des cours de natation pour tous les âges à la piscine municipale.",
    "Consultez l'horaire complet des activités sur le site Web de la Ville.",
    "La bibliothèque municipale sera fermée le 25 décembre et le 1er janvier.",
    "Un avis d'ébullition préventif est en vigueur pour le secteur ouest jusqu'à nouvel ordre.",
    "Le conseil municipal a adopté le budget lors de la séance du 8 décembre.",
    "Les inscriptions au camp de jour débutent le 15 mars à 9 h.",
    "Le Festival de l'Oie blanche célèbre le retour des oies sur les battures du fleuve Saint-Laurent.",
    "Pour toute question, écrivez à info@ville.montmagny.qc.ca ou composez le 418 248-3361.",
    "Le déneigement des trottoirs commence dès que 5 cm de neige sont tombés.",
]
SPICE = [
    "Votez pour Gilles Boucher le 4 novembre !",
    "Pour joindre Mme Tremblay, composez le 418 555-0142.",
    "Achetez vos billets chez Quincaillerie Dubé avec le code promo NOEL20.",
    "Don't miss the event this weekend.",
]


def generate(count: int, seed: int = 2026) -> list[CheckContext]:
    rng = random.Random(seed)
    now = timezone.now()
    election = ElectionInfo(
        name="Élections municipales générales",
        candidate_names=("Hélène Morin", "Gilles Boucher", "Annie Lapointe"),
        party_names=("Équipe Montmagny Avenir", "EMA", "#MontmagnyAvenir", "Rassemblement citoyen de Montmagny"),
    )
    categories = ["public_interest", "event", "public_notice", "job_offer", "campaign", "press_release"]
    contexts = []
    for number in range(count):
        sentences = rng.sample(SENTENCES, 6)
        if rng.random() < 0.1:
            sentences[rng.randrange(6)] = rng.choice(SPICE)
        body = " ".join(sentences)[:520]
        # Each X version links to its own news page: no two versions are the same text.
        x_text = " ".join(sentences[:2])[:260] + f" https://www.ville.montmagny.qc.ca/nouvelles/{number + 1}"
        contexts.append(
            CheckContext(
                body=body,
                category=rng.choice(categories),
                at=now,
                versions=[(1, "facebook", ""), (2, "x", x_text)],
                links=[LinkInfo("https://www.ville.montmagny.qc.ca/activites")],
                election=election if number % 5 == 0 else None,
                recent_texts_by_channel={1: [rng.choice(SENTENCES)], 2: []},
            )
        )
    return contexts


def check_all(ruleset, contexts: list[CheckContext]) -> tuple[float, int]:
    """Seconds to check every context with ``RuleSet.check``, as the services do, and the findings.

    Each context is let go once checked, as a service lets go of a post's context: keeping
    10,000 analysed texts alive would measure the memory allocator, not the Charte."""
    findings = 0
    started = time.perf_counter()
    for index in range(len(contexts)):
        context, contexts[index] = contexts[index], None
        findings += len(ruleset.check(context))
    return time.perf_counter() - started, findings


def per_rule(ruleset, contexts: list[CheckContext]) -> dict[str, float]:
    """Microseconds per post spent in the text analysis and in each rule (timers add their own cost)."""
    spent: dict[str, float] = {"(text analysis)": 0.0, **{rule.code: 0.0 for rule in ruleset.rules}}
    for index in range(len(contexts)):
        context, contexts[index] = contexts[index], None
        started = time.perf_counter()
        context.units()  # folding and tokens, shared by every rule
        spent["(text analysis)"] += time.perf_counter() - started
        for rule in ruleset.rules:
            started = time.perf_counter()
            rule.results(context)
            spent[rule.code] += time.perf_counter() - started
    return {code: seconds / len(contexts) * 1e6 for code, seconds in spent.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3, help="passes over the corpus; the median is the figure")
    arguments = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[-1]})  # one core, as the target says
    ruleset = build_ruleset(data_from_defaults())
    print(f"rule set {ruleset.version}: {len(ruleset.rules)} rules")
    corpus = generate(arguments.posts)
    average = sum(len(context.body) for context in corpus) / len(corpus)
    print(f"{len(corpus)} posts, {average:.0f} characters on average, two channel versions each")
    for context in generate(200, seed=1):  # warm the caches (stems, compiled lexicons, dictionaries)
        ruleset.check(context)
    rates, findings = [], 0
    for round_number in range(1, arguments.rounds + 1):
        contexts = [replace(context) for context in corpus]  # fresh contexts: nothing analysed yet
        elapsed, findings = check_all(ruleset, contexts)
        rates.append(len(corpus) / elapsed)
        print(f"round {round_number}: {elapsed:.2f} s, {rates[-1]:.0f} posts/s ({findings} findings)")
    print("per rule, on one more pass:")
    spent = per_rule(ruleset, [replace(context) for context in corpus])
    for code, microseconds in sorted(spent.items(), key=lambda item: -item[1]):
        print(f"  {code:24} {microseconds:8.1f} µs/post")
    posts_per_s = statistics.median(rates)
    print(f"median of {len(rates)} rounds: {posts_per_s:.0f} posts/s on one core (target 2,000)")
    print(
        json.dumps(
            {
                "posts_per_s": round(posts_per_s),
                "rounds": [round(rate) for rate in rates],
                "posts": len(corpus),
                "findings": findings,
            }
        )
    )


if __name__ == "__main__":
    main()
