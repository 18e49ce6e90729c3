"""Writes a deterministic synthetic content set of N events in the project's content model."""

from __future__ import annotations

import argparse
import random
from pathlib import Path

KINDS = ("person", "criminal-group", "government", "security-force", "institution", "media", "country",
         "international-body")
WORDS = ("police", "prison", "port", "curfew", "decree", "raid", "election", "court", "border", "gang",
         "army", "cocaine", "hostage", "assembly", "minister", "province", "checkpoint", "extortion")


def write_synthetic(root: Path, events: int = 10_000, seed: int = 2024) -> Path:
    """Create root/ with site.yaml and about.md and `events` events; numbers of actors, topics,
    places and sources grow with the events as they do in real conflict datasets."""
    rng = random.Random(seed)
    root = Path(root)
    for folder in ("events", "actors", "topics", "places", "sources", "pages"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    (root / "site.yaml").write_text(
        "title: Synthetic timeline\ndescription: A generated content set for tests and benchmarks.\n"
        "base_url: https://example.org/\nlanguage: en\ntime_zone: America/Guayaquil\n", encoding="utf-8")
    (root / "pages" / "about.md").write_text("---\ntitle: About\n---\nGenerated content.\n", encoding="utf-8")

    n_actors, n_topics = max(8, events // 20), max(4, min(60, events // 100))
    n_places, n_sources = max(3, events // 50), max(5, events // 4)
    actors = [f"actor-{i:05d}" for i in range(n_actors)]
    topics = [f"topic-{i:03d}" for i in range(n_topics)]
    places = [f"place-{i:04d}" for i in range(n_places)]
    sources = [f"source-{i:05d}" for i in range(n_sources)]
    for i, actor in enumerate(actors):
        (root / "actors" / f"{actor}.yaml").write_text(
            f"name: Actor {i}\nkind: {KINDS[i % len(KINDS)]}\nrole: A role in the story\n"
            f"summary: |\n  Actor {i} appears in **several** events.\n", encoding="utf-8")
    for i, topic in enumerate(topics):
        (root / "topics" / f"{topic}.yaml").write_text(
            f"name: Topic {i}\nsummary: |\n  Everything about topic {i}.\n", encoding="utf-8")
    for i, place in enumerate(places):
        (root / "places" / f"{place}.yaml").write_text(
            f"name: Place {i}\nprovince: Province {i % 24}\nlatitude: {-4 + (i % 50) / 10}\n"
            f"longitude: {-80 + (i % 40) / 10}\n", encoding="utf-8")
    for i, source in enumerate(sources):
        year, month, day = 2020 + i % 6, 1 + i % 12, 1 + i % 28
        url = f"url: https://news.example.org/{year}/{source}\n" if i % 3 else "offline: read in print\n"
        (root / "sources" / f"{source}.yaml").write_text(
            f"title: Report number {i}\npublisher: Publisher {i % 40}\npublished: {year}-{month:02d}-{day:02d}\n"
            f"{url}language: en\n", encoding="utf-8")

    for i in range(events):
        year, month, day = 2020 + i % 6, 1 + rng.randrange(12), 1 + rng.randrange(28)
        precision = rng.random()
        date = f"{year}-{month:02d}" if precision < 0.1 else f"{year}-{month:02d}-{day:02d}"
        words = " ".join(rng.sample(WORDS, 7))  # varied enough not to look like duplicates
        cited = rng.sample(range(n_sources), k=1 + rng.randrange(3))
        cited[0] = i % n_sources  # every source is cited at least once
        cited = list(dict.fromkeys(cited))
        text = (f"title: \"Event {i}: {words}\"\n"
                f"date: {date}\n"
                + ("approximate: true\n" if precision < 0.05 else "")
                + f"place: {places[i % n_places]}\n"
                f"actors: [{', '.join(sorted({actors[i % n_actors]} | {rng.choice(actors) for _ in range(2)}))}]\n"
                f"topics: [{', '.join(sorted({topics[i % n_topics], rng.choice(topics)}))}]\n"
                f"importance: {rng.choice(('major', 'notable', 'notable', 'minor'))}\n"
                "summary: |\n"
                f"  On this date the {words} story moved on [@{sources[cited[0]]}]. Officials *said* more than "
                f"{rng.randrange(10, 5000)} people were affected [{'; '.join('@' + sources[c] for c in cited)}].\n\n"
                f"  A second paragraph adds [context](https://example.org/context/{i}) and detail.\n"
                "sources:\n" + "".join(f"  - source: {sources[c]}\n    note: reports it\n" for c in cited))
        (root / "events" / f"{date}-event-{i:05d}.yaml").write_text(text, encoding="utf-8")
    return root


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--events", type=int, default=10_000)
    args = parser.parse_args()
    write_synthetic(args.folder, args.events)
    print(f"wrote {args.events} events to {args.folder}")
