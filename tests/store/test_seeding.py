"""Seeding from facts/: idempotent, updates edited YAML, never overwrites chat edits, fails loudly, round-trips."""

from __future__ import annotations

import copy
import functools
import io
import shutil
from pathlib import Path

import pytest
import yaml

from bot.bootstrap import App, build
from bot.cli import main
from bot.core.errors import KnowledgeBaseError
from bot.core.factfile import fact_to_dict
from bot.core.model import Actor, FactDraft, LangText, SeedReport
from bot.store.seeding import seed
from tests.conftest import FACTS_DIR, make_settings

FACT_FILE = "belarus-west-2025-07.yaml"
SOURCE_ID = "belarus-west-2025-07"


@functools.cache
def _parsed() -> tuple[dict, ...]:
    return tuple(yaml.safe_load((FACTS_DIR / FACT_FILE).read_text(encoding="utf-8")))


def _entries() -> list[dict]:
    return copy.deepcopy(list(_parsed()))


def _entry(fact_id: str) -> dict:
    return next(e for e in _entries() if e["id"] == fact_id)


def _copy_facts(tmp_path: Path) -> Path:
    target = tmp_path / "facts"
    shutil.copytree(FACTS_DIR, target, ignore=shutil.ignore_patterns("*.md", "drafts"))
    return target


def _edit_yaml(facts_dir: Path, fact_id: str, lang: str, answer: str) -> None:
    """Change one fact's answer in a copy of facts/, as a curator would in a pull request."""
    path = facts_dir / FACT_FILE
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    next(e for e in entries if e["id"] == fact_id)[lang]["answer"] = answer
    path.write_text(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _sources_only(tmp_path: Path) -> Path:
    target = tmp_path / "facts"
    shutil.copytree(FACTS_DIR / "sources", target / "sources")
    return target


def _write(path: Path, entries: list[dict] | dict) -> Path:
    path.write_text(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _stored(app: App) -> dict[str, dict]:
    with app.uow() as uow:
        return {f.id: fact_to_dict(f) for f in uow.facts.all()}


def _revision(app: App) -> int:
    with app.uow() as uow:
        return uow.facts.changed_since(-1)[1]


# --- idempotence ----------------------------------------------------------------------------


def test_first_seed_adds_everything_and_a_second_seed_changes_nothing(empty_url: str) -> None:
    app = build(make_settings(empty_url))
    try:
        first = app.seed_report
        assert first is not None
        assert first.sources == [SOURCE_ID]
        assert sorted(first.added) == sorted(e["id"] for e in _entries())
        assert (first.updated, first.conflicts, first.unchanged) == ([], [], 0)
        before, revision = _stored(app), _revision(app)

        assert seed(app.uow, FACTS_DIR) is None  # the files did not change: nothing is even read
        forced = seed(app.uow, FACTS_DIR, force=True)
        assert forced == SeedReport(unchanged=len(first.added))
        assert _stored(app) == before
        assert _revision(app) == revision
    finally:
        app.close()


# --- YAML edits and chat edits --------------------------------------------------------------


def test_an_edited_yaml_fact_updates_its_row(app: App, tmp_path: Path) -> None:
    facts_dir = _copy_facts(tmp_path)
    new_answer = "After Keith Kellogg's visit, Minsk announced that 14 political prisoners would be freed."
    _edit_yaml(facts_dir, "prisoners-released", "en", new_answer)
    before = _stored(app)

    report = seed(app.uow, facts_dir)

    assert report is not None
    assert (report.added, report.updated, report.conflicts) == ([], ["prisoners-released"], [])
    assert report.unchanged == len(before) - 1
    after = _stored(app)
    assert after["prisoners-released"]["en"]["answer"] == new_answer
    assert after["prisoners-released"]["de"] == before["prisoners-released"]["de"]
    assert {k: v for k, v in after.items() if k != "prisoners-released"} == {
        k: v for k, v in before.items() if k != "prisoners-released"
    }
    app.bot.sync()
    assert app.bot.ask("How many political prisoners were released?").text == new_answer
    assert seed(app.uow, facts_dir) is None
    assert seed(app.uow, facts_dir, force=True) == SeedReport(unchanged=len(before))


def test_a_fact_edited_in_chat_is_not_overwritten_by_a_changed_yaml(app: App, moderator: Actor, tmp_path: Path) -> None:
    mod = app.bot.moderation
    current = mod.show("prisoners-released").fact
    chat_answer = "Minsk announced the release of 14 political prisoners after the visit of the US envoy."
    texts = current.texts | {"en": LangText(chat_answer, current.texts["en"].questions)}
    mod.edit(moderator, "prisoners-released", FactDraft(current.quote, texts), expected_version=current.version)
    mod.remove(moderator, "kellogg-visit")
    facts_dir = _copy_facts(tmp_path)
    _edit_yaml(facts_dir, "prisoners-released", "en", "A curator's new wording of the prisoner release.")
    _edit_yaml(facts_dir, "container-transport-14-fold", "en", "Container traffic via Belarus grew 14-fold.")

    report = seed(app.uow, facts_dir)

    assert report is not None
    assert report.conflicts == ["prisoners-released"]
    assert report.updated == ["container-transport-14-fold"]  # other facts still follow the YAML
    stored = _stored(app)
    assert stored["prisoners-released"]["en"]["answer"] == chat_answer
    assert stored["kellogg-visit"]["removed"] is True  # an unchanged YAML fact does not resurrect it
    assert stored["container-transport-14-fold"]["en"]["answer"] == "Container traffic via Belarus grew 14-fold."
    forced = seed(app.uow, facts_dir, force=True)
    assert forced is not None
    assert forced.conflicts == ["prisoners-released"]
    assert _stored(app)["prisoners-released"]["en"]["answer"] == chat_answer


def test_a_fact_created_in_chat_is_not_replaced_by_a_yaml_fact_with_its_id(
    app: App, moderator: Actor, tmp_path: Path
) -> None:
    quote = _entry("prisoners-released")["quote"]
    added = app.bot.moderation.add(
        moderator, FactDraft(quote, {"en": LangText("Fourteen prisoners were freed.", ("Who was set free in Minsk?",))})
    )
    facts_dir = _copy_facts(tmp_path)
    _write(facts_dir / "more.yaml", [_entry("prisoners-released") | {"id": added.id}])

    report = seed(app.uow, facts_dir)

    assert report is not None
    assert report.conflicts == [added.id]
    assert _stored(app)[added.id] == fact_to_dict(added)


def test_an_edited_source_yaml_updates_the_source_and_its_passages(store_app: App, tmp_path: Path) -> None:
    facts_dir = _copy_facts(tmp_path)
    path = facts_dir / "sources" / f"{SOURCE_ID}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["url"] = "https://example.org/belarus-west"
    data["passages"][3]["section"] = "Eine korrigierte Überschrift"
    _write(path, data)
    before = _stored(store_app)

    report = seed(store_app.uow, facts_dir)

    assert report == SeedReport(unchanged=len(before), sources=[SOURCE_ID])
    with store_app.uow() as uow:
        source = uow.sources.get(SOURCE_ID)
    assert source is not None
    assert source.url == "https://example.org/belarus-west"
    assert [p.section for p in source.passages][3] == "Eine korrigierte Überschrift"
    assert [p.paragraph for p in source.passages] == list(range(1, 16))
    assert _stored(store_app) == before
    store_app.bot.sync()
    citation = store_app.bot.ask("How many political prisoners were released?").citation
    assert citation is not None and citation.url == "https://example.org/belarus-west"
    assert seed(store_app.uow, facts_dir, force=True) == SeedReport(unchanged=len(before))


# --- validation -----------------------------------------------------------------------------


def _broken(**changes: object) -> dict:
    entry = _entry("prisoners-released") | {"id": "broken-fact"}
    for key, value in changes.items():
        if value is None:
            del entry[key]
        else:
            entry[key] = value
    return entry


@pytest.mark.parametrize(
    ("entries", "reason"),
    [
        pytest.param([_broken(source="no-such-article")], "unknown source 'no-such-article'", id="unknown-source"),
        pytest.param(
            [_broken(quote="Nach dem Besuch kündigte Minsk die Freilassung von 15 politischen Gefangenen an.")],
            "quote not found verbatim",
            id="quote-not-verbatim",
        ),
        pytest.param(
            [_broken(quote="Nach dem Besuch kündigte Minsk die Freilassung")],
            "quote not found verbatim",
            id="quote-not-whole-sentences",
        ),
        pytest.param([_broken(en=None)], "missing language en", id="missing-language"),
        pytest.param([_broken(), _broken()], "duplicate id", id="duplicate-in-one-file"),
    ],
)
def test_loading_fails_loudly_with_file_fact_and_reason(
    app: App, tmp_path: Path, entries: list[dict], reason: str
) -> None:
    facts_dir = _sources_only(tmp_path)
    path = _write(facts_dir / "broken.yaml", entries)
    before = _stored(app)

    with pytest.raises(KnowledgeBaseError) as raised:
        seed(app.uow, facts_dir)

    message = raised.value.message("en")
    assert str(path) in message
    assert "'broken-fact'" in message
    assert reason in message
    assert _stored(app) == before


def test_a_duplicate_id_across_files_names_both_files(app: App, tmp_path: Path) -> None:
    facts_dir = _copy_facts(tmp_path)
    path = _write(facts_dir / "zz-copy.yaml", [_entry("prisoners-released")])

    with pytest.raises(KnowledgeBaseError) as raised:
        seed(app.uow, facts_dir)

    message = raised.value.message("en")
    assert "'prisoners-released'" in message
    assert "duplicate id" in message
    assert str(path) in message
    assert str(facts_dir / FACT_FILE) in message


# --- export and import ----------------------------------------------------------------------


def _cli(monkeypatch: pytest.MonkeyPatch, url: str, facts_dir: Path, *argv: str) -> str:
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("FACTS_DIR", str(facts_dir))
    out = io.StringIO()
    assert main(list(argv), stdin=io.StringIO(), stdout=out) == 0
    return out.getvalue()


@pytest.mark.usefixtures("restore_logging")
def test_export_imports_into_an_empty_database_with_nothing_lost(
    app: App, database_url: str, moderator: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no developer .env file takes part
    mod = app.bot.moderation
    mod.remove(moderator, "kellogg-visit")
    quote = _entry("prisoners-released")["quote"]
    only_en = mod.add(moderator, FactDraft(quote, {"en": LangText("Minsk freed 14 prisoners.", ("Who was freed?",))}))
    current = mod.show("container-transport-14-fold").fact
    texts = current.texts | {"de": LangText("Um das 14-fache.", ("Wie stark wuchs der Containerverkehr?",))}
    mod.edit(moderator, current.id, FactDraft(current.quote, texts))
    original = _stored(app)
    app.close()
    export = tmp_path / "export.yaml"
    _cli(monkeypatch, database_url, FACTS_DIR, "facts", "export", str(export))

    sources_only = _sources_only(tmp_path / "sources-only")
    empty = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    out = _cli(monkeypatch, empty, sources_only, "facts", "import", str(export))

    assert out == f"imported: {len(original)} added, 0 updated, 0 unchanged\n"
    copy = build(make_settings(empty, facts_dir=sources_only))
    try:
        imported = _stored(copy)
        assert imported == original
        assert imported["kellogg-visit"]["removed"] is True
        assert set(imported[only_en.id]) == {"id", "source", "quote", "en"}
        assert {"de", "en"} <= set(imported["prisoners-released"])
        assert copy.bot.ask("Who was freed?").fact_id == only_en.id
        assert copy.bot.ask("Wann traf der US-Sondergesandte Kellogg in Belarus ein?").fact_id != "kellogg-visit"
    finally:
        copy.close()
    again = _cli(monkeypatch, empty, sources_only, "facts", "import", str(export))
    assert again == f"imported: 0 added, 0 updated, {len(original)} unchanged\n"
