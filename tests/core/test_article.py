from pathlib import Path

import pytest

from bot.core.article import parse_article, split_sentences
from bot.core.errors import InvalidInput
from bot.core.factfile import load_yaml_source
from tests.conftest import FACTS_DIR, SHARED

SEED = SHARED / "seed" / "belarus-west-2025-07.de.txt"


def _seed_source():
    return parse_article(SEED.read_text(encoding="utf-8"), source_id="belarus-west-2025-07", title="t", lang="de")


def test_date_prefix_is_metadata_and_headings_are_not_passages() -> None:
    source = _seed_source()
    assert source.date == "2025-07"
    texts = [p.text for p in source.passages]
    assert not any(t.startswith("date") for t in texts)
    assert "Die Proteste zwangen Lukaschenko, Moskau um Unterstützung zu bitten" not in texts
    assert [p.paragraph for p in source.passages] == list(range(1, len(source.passages) + 1))


def test_passages_carry_their_section_heading() -> None:
    source = _seed_source()
    assert source.passages[0].section is None
    nato = [p for p in source.passages if p.section and p.section.startswith("Wie Moskau ist auch Minsk")]
    assert any("Oreshnik" in p.text for p in nato)


def test_every_body_paragraph_is_kept_verbatim() -> None:
    lines = [" ".join(line.split()) for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    for passage in _seed_source().passages:
        assert any(passage.text in line for line in lines)


def test_the_shipped_source_file_matches_the_article() -> None:
    shipped = load_yaml_source((FACTS_DIR / "sources" / "belarus-west-2025-07.yaml").read_text(), "x")
    parsed = _seed_source()
    assert [p.sentences for p in shipped.passages] == [p.sentences for p in parsed.passages]
    assert [p.section for p in shipped.passages] == [p.section for p in parsed.passages]


def test_sentence_split_keeps_abbreviations_ordinals_and_parentheses() -> None:
    text = "Am 3. Juli kam z. B. Dr. Meier an. (Er blieb kurz.) Dann „ging“ er. Ende"
    assert split_sentences(text) == (
        "Am 3. Juli kam z. B. Dr. Meier an.",
        "(Er blieb kurz.)",
        "Dann „ging“ er.",
        "Ende",
    )


def test_article_without_date_or_body_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput):
        parse_article("Nur eine Überschrift", source_id="x", title="t", lang="de")
    with pytest.raises(InvalidInput):
        parse_article("date 2025-08 Kurz", source_id="x", title="t", lang="de")
