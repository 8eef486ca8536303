"""Synthetic episode reviews in the real format (docs/review-format.md), for benchmarks.

Made up but shaped like the real ones: 8 claims per episode, each with a headline, a quote of
about 40 words, an analysis of a paragraph, 3-5 "Label — text" bullets and a closing paragraph,
and a verdict line; plus the commentary sections (Quick Take, What Should We Believe?, The
Bottom Line, Guest Credentials). Deterministic: episode `i` is the same text in every corpus
size, so the 1k corpus is the first eighth of the 10k one.

    .venv/bin/python -m benchmarks.generate OUT_DIR --cards 10000
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

CARDS_PER_EPISODE = 8

PODCASTS = [
    "Signal and Noise", "The Long Run", "Deep Dive Daily", "Market Hours", "Open Lab",
    "The Policy Desk", "Frontier Talk", "Health Check", "Climate Ledger", "Builders Hour",
    "Mind Matters", "Court of Opinion", "The Data Show", "Field Notes", "Money Matters",
]  # fmt: skip

TOPICS: list[tuple[str, list[str], list[str]]] = [
    ("🔋", ["battery costs", "grid storage", "lithium supply", "EV adoption", "charging networks"],
     ["CATL", "BloombergNEF", "Tesla", "BYD", "the IEA"]),
    ("☢️", ["nuclear safety", "reactor costs", "uranium prices", "small modular reactors"],
     ["the NRC", "EDF", "NuScale", "Our World in Data", "the IAEA"]),
    ("💰", ["chip margins", "cloud revenue", "startup valuations", "ad spending", "buybacks"],
     ["NVIDIA", "Google", "Microsoft", "SoftBank", "the SEC"]),
    ("🧠", ["sleep and memory", "screen time", "meditation", "ADHD diagnoses", "burnout"],
     ["the NIH", "Stanford", "the Lancet", "the WHO", "Harvard"]),
    ("🏠", ["rent control", "housing supply", "mortgage rates", "zoning reform", "home prices"],
     ["the Fed", "Zillow", "the Census Bureau", "HUD", "the OECD"]),
    ("🤖", ["open model licenses", "coding assistants", "scaling laws", "AI agents", "GPU demand"],
     ["OpenAI", "Anthropic", "DeepSeek", "Meta", "Mistral"]),
    ("🌡️", ["carbon offsets", "heat pumps", "sea level rise", "methane leaks", "solar payback"],
     ["the IPCC", "NOAA", "Verra", "the EPA", "Carbon Brief"]),
    ("🥦", ["seed oils", "intermittent fasting", "ultra-processed food", "protein needs"],
     ["the FDA", "the USDA", "the BMJ", "Cochrane", "the AHA"]),
    ("⚖️", ["minimum wage", "remote work", "four-day weeks", "union membership", "tariffs"],
     ["the BLS", "the CBO", "the IMF", "Gallup", "the ILO"]),
    ("🚀", ["launch costs", "satellite internet", "Moon landings", "space debris", "Mars plans"],
     ["SpaceX", "NASA", "ESA", "Blue Origin", "Starlink"]),
]  # fmt: skip

VERDICTS = [
    ("Accurate", "consistent with the published data"),
    ("Mostly true", "right in direction, a little strong in degree"),
    ("Partially true", "one part holds, the other does not"),
    ("Overstated", "the trend is real but far smaller than claimed"),
    ("Misleading", "true numbers framed to suggest the wrong conclusion"),
    ("Unverified", "no public source could confirm it"),
    ("False", "contradicted by every available source"),
    ("Credible", "matches what practitioners report"),
]

FIRST = ["Ana", "Ben", "Chen", "Dara", "Eli", "Fatima", "Goran", "Hana", "Ivan", "Jade", "Kofi"]
LAST = ["Okafor", "Lindqvist", "Moreau", "Tanaka", "Alvarez", "Novak", "Reid", "Haddad", "Kim"]
ROLES = ["Economist", "Research Scientist", "Professor", "Analyst", "Engineer", "Physician"]
PLACES = ["MIT", "the Brookings Institution", "Oxford", "a national lab", "a hedge fund", "Yale"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "September"]

VERBS = ["doubled", "fell by a third", "rose sharply", "stalled", "halved", "tripled", "crept up"]
HEDGES = [
    "That figure comes from a single survey and has not been replicated.",
    "The methodology changed in the middle of the series, which exaggerates the shift.",
    "Independent estimates land in roughly the same range.",
    "Other sources put the number considerably lower.",
    "The comparison mixes nominal and inflation-adjusted figures.",
    "The underlying report is careful to call this a projection, not a measurement.",
]


def _sentence(rng: random.Random, subject: str, entity: str) -> str:
    year = rng.randint(2008, 2025)
    return rng.choice(
        [
            f"According to {entity}, {subject} {rng.choice(VERBS)} between {year} and "
            f"{year + rng.randint(1, 6)}, a change of about {rng.randint(5, 95)}%.",
            f"{entity.capitalize() if entity[0].islower() else entity} published figures in "
            f"{year} showing that {subject} {rng.choice(VERBS)} in most large markets.",
            f"Critics point out that {subject} varies widely by region, from {rng.randint(2, 40)}"
            f" to {rng.randint(41, 99)} percent depending on the study.",
            f"The {year} review by {entity} found that {subject} {rng.choice(VERBS)} for "
            f"{rng.choice(['households', 'firms', 'patients', 'workers', 'investors'])}.",
        ]
    )


def _paragraph(rng: random.Random, subject: str, entity: str, sentences: int) -> str:
    parts = [_sentence(rng, subject, entity) for _ in range(sentences)]
    parts.insert(rng.randrange(len(parts) + 1), rng.choice(HEDGES))
    return " ".join(parts)


def _claim(rng: random.Random, number: int) -> str:
    emoji, subjects, entities = rng.choice(TOPICS)
    subject, entity = rng.choice(subjects), rng.choice(entities)
    amount = rng.randint(2, 90)
    headline = rng.choice(
        [
            f'"{subject.capitalize()} Have Changed by {amount}% Since {rng.randint(2010, 2020)}"',
            f'{entity} Is "Winning" on {subject.title()}',
            f'"{subject.capitalize()} Is the Real Story" — What {entity} Found',
        ]
    )
    quote = " ".join(
        [
            f"If you look at {subject}, the numbers are just staggering.",
            _sentence(rng, subject, entity),
            f"Nobody talks about it, but {entity} knows it, and that is claim {number}.",
            f"In five years {subject} will look completely different.",
        ]
    )
    bullets = "\n".join(
        f"  • {rng.choice(entities)} — {_sentence(rng, rng.choice(subjects), entity)}"
        for _ in range(rng.randint(3, 5))
    )
    label, why = rng.choice(VERDICTS)
    separator = rng.choice([" — ", " – ", " - "])
    return (
        f'{emoji} {headline}\n\n"{quote}"\n\nOur Analysis\n\n'
        f"{_paragraph(rng, subject, entity, 2)}\n\n{bullets}\n\n"
        f"{_paragraph(rng, subject, entity, 1)}\n\nVerdict: {label}{separator}{why}\n"
    )


def review_text(episode: int, seed: int = 0) -> str:
    """The text of synthetic episode number `episode` (the same for a given seed)."""
    rng = random.Random(f"{seed}-{episode}")
    podcast = PODCASTS[episode % len(PODCASTS)]
    guests = [
        (f"{rng.choice(FIRST)} {rng.choice(LAST)}", f"{rng.choice(ROLES)}, {rng.choice(PLACES)}")
        for _ in range(rng.randint(1, 3))
    ]
    _, subjects, entities = rng.choice(TOPICS)
    claims = "\n".join(_claim(rng, n) for n in range(1, CARDS_PER_EPISODE + 1))
    believe = "\n".join(
        f"  {n}. {rng.choice(['Trust', 'Question', 'Check'])} the {rng.choice(subjects)} "
        f"figures: {_sentence(rng, rng.choice(subjects), rng.choice(entities))}"
        for n in range(1, 4)
    )
    credentials = "\n\n".join(
        f"{name}\n\n{role} at {rng.choice(PLACES)}. {_sentence(rng, rng.choice(subjects), name)}"
        for name, role in guests
    )
    return (
        f"← Back to {podcast}\nEpisode #{episode + 1}\n\n"
        f"{rng.choice(subjects).title()}, {rng.choice(subjects).title()} and What Comes Next\n\n"
        f"Published: {rng.choice(MONTHS)} {rng.randint(1, 28)}, {rng.randint(2023, 2026)} "
        f"~{rng.randint(1, 3)} hours {rng.choice(['Highly Credible', 'Mixed Credibility'])}\n\n"
        f"Guests: {' & '.join(f'{n} ({r})' for n, r in guests)}\n\n"
        f"Quick Take\n\n{_paragraph(rng, rng.choice(subjects), rng.choice(entities), 3)}\n\n"
        f"Key Claims Examined\n\n{claims}\n"
        f"What Should We Believe?\n\n{believe}\n\n"
        f"The Bottom Line\n\n{_paragraph(rng, rng.choice(subjects), rng.choice(entities), 3)}\n\n"
        f"Guest Credentials\n\n{credentials}\n"
    )


def file_name(episode: int) -> str:
    return f"synthetic-{episode + 1:06d}.txt"


def write_corpus(folder: Path, cards: int, seed: int = 0) -> list[Path]:
    """Write review files holding `cards` cards (rounded up to whole episodes) into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for episode in range(-(-cards // CARDS_PER_EPISODE)):
        path = folder / file_name(episode)
        path.write_text(review_text(episode, seed), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to write review files into")
    parser.add_argument("--cards", type=int, default=1000, help="number of cards (default 1000)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    paths = write_corpus(args.out, args.cards, args.seed)
    print(f"wrote {len(paths)} reviews ({len(paths) * CARDS_PER_EPISODE} cards) to {args.out}")


if __name__ == "__main__":
    main()
