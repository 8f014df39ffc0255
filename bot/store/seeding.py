"""Load facts/ (sources and curated facts as YAML) into the store; idempotent and conflict-aware."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from bot.core.errors import KnowledgeBaseError
from bot.core.factfile import dump_source, fact_to_dict, load_facts, load_yaml_source
from bot.core.model import Fact, SeedReport, Source
from bot.core.ports import UnitOfWork

DIGEST_KEY = "seed_digest"


def fact_hash(fact: Fact) -> str:
    return hashlib.sha256(json.dumps(fact_to_dict(fact), sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _files(facts_dir: Path) -> tuple[list[Path], list[Path]]:
    if not facts_dir.is_dir():
        raise KnowledgeBaseError(f"{facts_dir}: facts directory not found")
    return sorted((facts_dir / "sources").glob("*.yaml")), sorted(facts_dir.glob("*.yaml"))


def digest(facts_dir: Path) -> str:
    """Fingerprint of every YAML file, so an unchanged knowledge base is not re-read at start."""
    h = hashlib.sha256()
    for path in (p for group in _files(facts_dir) for p in group):
        h.update(str(path.relative_to(facts_dir)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def read_knowledge(facts_dir: Path, known: dict[str, Source] | None = None) -> tuple[list[Source], list[Fact]]:
    """Parse and validate every source and fact file; errors name file, fact id and reason."""
    source_files, fact_files = _files(facts_dir)
    sources = [load_yaml_source(p.read_text(encoding="utf-8"), str(p)) for p in source_files]
    by_id = {**(known or {}), **{s.id: s for s in sources}}
    facts: list[Fact] = []
    seen: dict[str, Path] = {}
    for path in fact_files:
        for fact in load_facts(path.read_text(encoding="utf-8"), by_id, str(path)):
            if fact.id in seen:
                raise KnowledgeBaseError(f"{path}: fact {fact.id!r}: duplicate id (also in {seen[fact.id]})")
            seen[fact.id] = path
            facts.append(fact)
    return sources, facts


def seed(uow: Callable[[], UnitOfWork], facts_dir: Path, *, force: bool = False) -> SeedReport | None:
    """Bring the store in line with facts/; None when the files did not change since the last seed."""
    fingerprint = digest(facts_dir)
    with uow() as unit:
        unit.lock_writes()  # processes starting together seed one after the other, never twice
        if not force and unit.meta.get(DIGEST_KEY) == fingerprint:
            return None
        known = {s.id: s for s in unit.sources.all()}
        sources, facts = read_knowledge(facts_dir, known)
        report = SeedReport()
        for source in sources:
            if known.get(source.id) != source:
                unit.sources.save(source)
                report.sources.append(source.id)
        for fact in facts:
            _seed_fact(unit, replace(fact, origin="seed"), report)
        unit.meta.set(DIGEST_KEY, fingerprint)
        unit.commit()
    return report


def _seed_fact(unit: UnitOfWork, fact: Fact, report: SeedReport) -> None:
    new_hash = fact_hash(fact)
    state = unit.facts.seed_state(fact.id)
    if state is None:
        unit.facts.add(fact, edited=False, seed_hash=new_hash)
        report.added.append(fact.id)
        return
    old_hash, edited = state
    if old_hash == new_hash:
        report.unchanged += 1
    elif edited or old_hash is None:
        report.conflicts.append(fact.id)
    else:
        current = unit.facts.get(fact.id)
        assert current is not None
        unit.facts.update(fact, expected_version=current.version, edited=False, seed_hash=new_hash)
        report.updated.append(fact.id)


def write_source(facts_dir: Path, source: Source) -> Path:
    """Keep an imported article in facts/sources, reviewable in a diff like the seed article."""
    path = facts_dir / "sources" / f"{source.id}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump_source(source), encoding="utf-8")
    return path
