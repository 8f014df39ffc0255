"""`make bench`: matcher latency, index build, import and memory on synthetic knowledge bases.

Each size runs in its own process so that peak RSS is the peak of that size alone. References in the
same run: the brute-force floor (rapidfuzz `extractOne` with WRatio over every preprocessed question)
and a hand-rolled `difflib.SequenceMatcher` loop.
"""

from __future__ import annotations

import argparse
import difflib
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from typing import TextIO

from rapidfuzz import fuzz, process, utils

from bot.core.answering import Answerer
from bot.core.matching import DocKind, Index
from bot.core.model import Fact, LangText, Passage, Source
from bot.core.text import tokens

SYLLABLES = {
    "de": "ber lin gen schaft ung keit rus land han del wirt sank tion grenz pipe ost west mark bahn zoll".split(),
    "en": "tra de ment tion port mar ket sanc gov ern bor der pipe line east west rail cus tom pol icy".split(),
}
FUNCTION = {
    "de": "wie viele was wann warum welche hat ist die der das mit von für".split(),
    "en": "how many what when why which has is the of with from for did".split(),
}
BENCH_SOURCE = "bench"


def _vocabulary(rng: random.Random, lang: str, size: int) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES[lang]) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def _sentence(rng: random.Random, lang: str, vocab: list[str], n: int) -> str:
    # Skewed choice: a few words are common (the top 1% make ~16% of all words), most are rare.
    content = [vocab[int(len(vocab) * rng.random() ** 2.5)] for _ in range(n)]
    words = [rng.choice(FUNCTION[lang]), *content]
    return " ".join(words).capitalize() + "?"


def synthetic_facts(count: int, seed: int = 7) -> tuple[Source, list[Fact]]:
    """`count` facts with 4 questions (2 German-like, 2 English-like) of ~56 characters each."""
    rng = random.Random(seed)
    vocab = {lang: _vocabulary(rng, lang, max(2000, count // 2)) for lang in ("de", "en")}
    sentences = tuple(f"Satz {i} über {rng.choice(vocab['de'])} und {rng.choice(vocab['de'])}." for i in range(200))
    source = Source(BENCH_SOURCE, "Synthetic", "2025-07", "de", None, (Passage(BENCH_SOURCE, 1, None, sentences),))
    facts = []
    for i in range(count):
        texts = {
            lang: LangText(
                answer=_sentence(rng, lang, vocab[lang], 8).rstrip("?") + ".",
                questions=tuple(_sentence(rng, lang, vocab[lang], rng.randint(5, 7)) for _ in range(2)),
            )
            for lang in ("de", "en")
        }
        facts.append(Fact(f"f{i}", BENCH_SOURCE, 1, sentences[i % len(sentences)], texts))
    return source, facts


def _questions(rng: random.Random, facts: list[Fact], n: int) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Known questions (a stored variant with a typo and a dropped word) and questions unlike any stored one."""
    known, unknown = [], []
    for _ in range(n):
        fact = rng.choice(facts)
        lang = rng.choice(("de", "en"))
        words = rng.choice(fact.texts[lang].questions).rstrip("?").split()
        del words[rng.randrange(1, len(words))]
        i = rng.randrange(1, len(words))
        if len(words[i]) > 4:
            j = rng.randrange(1, len(words[i]) - 1)
            words[i] = words[i][:j] + words[i][j + 1] + words[i][j] + words[i][j + 2 :]
        known.append((" ".join(words) + "?", lang))
        noise = "".join(rng.choice("bcdfgklmnprstvz") + rng.choice("aeiou") for _ in range(4))
        unknown.append((f"{rng.choice(FUNCTION[lang])} {noise} {noise[::-1]} {noise[2:]}?", lang))
    return known, unknown


def _latencies(fn: Callable[[str, str], object], questions: list[tuple[str, str]]) -> list[float]:
    out = []
    for q, lang in questions:
        started = time.perf_counter()
        fn(q, lang)
        out.append((time.perf_counter() - started) * 1000)
    return out


def _pct(values: list[float], p: float) -> float:
    return round(sorted(values)[min(len(values) - 1, int(len(values) * p))], 2)


def measure(size: int, n_questions: int) -> dict:
    rng = random.Random(size)
    source, facts = synthetic_facts(size)
    result: dict = {"facts": size, "strings": sum(len(t.questions) for f in facts for t in f.texts.values())}

    started = time.perf_counter()
    index = Index()
    index.add_source(source)
    index.add_facts(facts)
    result["build_s"] = round(time.perf_counter() - started, 2)

    answerer = Answerer(index)
    known, unknown = _questions(rng, facts, n_questions)
    for name, questions in (("known", known), ("unknown", unknown)):
        lat = _latencies(lambda q, lang: answerer.ask(q, lang), questions)
        result[f"{name}_p50_ms"], result[f"{name}_p99_ms"] = _pct(lat, 0.5), _pct(lat, 0.99)
    agree = sum(
        (index.search(query) or [None])[0] == (index.exhaustive(query) or [None])[0]
        for query in (tokens(q, lang) for q, lang in known + unknown)
    )
    result["agreement"] = round(agree / (2 * n_questions), 4)
    result["answered_known"] = round(sum(answerer.ask(q, lang).answered for q, lang in known) / n_questions, 3)

    typed = [(q[: rng.randint(4, len(q) - 1)], lang) for q, lang in known]
    kinds = frozenset({DocKind.QUESTION})
    lat = _latencies(lambda q, lang: index.search(tokens(q, lang), kinds=kinds, lang=lang, prefix_last=True), typed)
    result["prefix_p99_ms"] = _pct(lat, 0.99)

    # The bot's footprint: synthetic facts plus the index, before the reference methods allocate theirs.
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)

    strings = [utils.default_process(q) for f in facts for t in f.texts.values() for q in t.questions]
    sample = (known + unknown)[: max(20, n_questions // 5)]
    for name, questions in (("known", sample[: len(sample) // 2]), ("unknown", sample[len(sample) // 2 :])):
        lat = _latencies(
            lambda q, _: process.extractOne(utils.default_process(q), strings, scorer=fuzz.WRatio), questions
        )
        result[f"floor_{name}_p50_ms"], result[f"floor_{name}_p99_ms"] = _pct(lat, 0.5), _pct(lat, 0.99)
    if size <= 10_000:  # a hand-rolled bot's loop; a few questions suffice, it takes seconds each
        lat = _latencies(
            lambda q, _: max(strings, key=lambda s: difflib.SequenceMatcher(None, q.lower(), s).ratio()), sample[:5]
        )
        result["difflib_p50_ms"] = _pct(lat, 0.5)
    return result


def _import_time(source: Source, facts: list[Fact]) -> float:
    """Import through the real store (SQLite, migrated) as `facts import` does."""
    from bot.bootstrap import open_store
    from bot.config import Settings
    from bot.core.model import Actor
    from bot.core.moderation import Moderation
    from bot.store import migrate

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp}/bench.sqlite3")  # type: ignore[call-arg]
        engine, uow = open_store(settings)
        migrate.upgrade(engine)
        with uow() as unit:
            unit.sources.save(source)
            unit.commit()
        index = Index()
        index.add_source(source)
        started = time.perf_counter()
        Moderation(uow, index).import_facts(Actor("cli", "bench", "bench", is_moderator=True), facts)
        elapsed = time.perf_counter() - started
        engine.dispose()
    return round(elapsed, 1)


def run_bench(args: argparse.Namespace, out: TextIO) -> int:
    """Run every size in a child process and print one table."""
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        rows.append(_child(str(size), str(args.questions)) | _child("import", str(size)))
        out.write(_format(rows[-1]) + "\n")
        out.flush()
    largest = rows[-1]
    floor = largest["floor_unknown_p50_ms"]
    out.write(
        f"\nat {largest['facts']:,} facts: p50 {largest['known_p50_ms']} ms / {largest['unknown_p50_ms']} ms "
        f"(known/unknown) vs brute-force floor {largest['floor_known_p50_ms']} / {floor} ms "
        f"→ {floor / max(largest['unknown_p50_ms'], 0.01):.0f}× faster on unknown questions; "
        f"agreement with exhaustive search {largest['agreement']:.2%}\n"
    )
    from bot.bench_telegram import run_telegram_bench  # Telegram load test: its own module, see there

    run_telegram_bench(out)
    return 0


def _child(*args: str) -> dict:
    """Run one measurement in a fresh process (its own peak memory) and read its JSON line."""
    child = subprocess.run([sys.executable, "-m", "bot.bench", *args], capture_output=True, text=True, check=True)
    return json.loads(child.stdout.strip().splitlines()[-1])


def _format(r: dict) -> str:
    difflib_part = f" difflib p50 {r['difflib_p50_ms']} ms" if "difflib_p50_ms" in r else ""
    import_part = f" import {r['import_s']} s" if "import_s" in r else ""
    return (
        f"{r['facts']:>7,} facts ({r['strings']:,} questions): build {r['build_s']} s{import_part}, "
        f"ask p50/p99 known {r['known_p50_ms']}/{r['known_p99_ms']} ms unknown {r['unknown_p50_ms']}/"
        f"{r['unknown_p99_ms']} ms, prefix p99 {r['prefix_p99_ms']} ms, agreement {r['agreement']:.2%}, "
        f"answered {r['answered_known']:.0%}; floor extractOne p50/p99 known {r['floor_known_p50_ms']}/"
        f"{r['floor_known_p99_ms']} ms unknown {r['floor_unknown_p50_ms']}/{r['floor_unknown_p99_ms']} ms;"
        f"{difflib_part} peak RSS {r['peak_rss_mb']} MB"
    )


if __name__ == "__main__":
    if sys.argv[1] == "import":  # its own process: the import builds its own store and index
        print(json.dumps({"import_s": _import_time(*synthetic_facts(int(sys.argv[2])))}))
    else:
        print(json.dumps(measure(int(sys.argv[1]), int(sys.argv[2]))))
