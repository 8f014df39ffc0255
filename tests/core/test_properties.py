"""ask() never raises and always returns a well-formed answer, whatever the text."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.answering import Answerer
from bot.core.model import LANGS, AnswerKind
from tests.core.kb import make_answerer

ANSWERER = make_answerer()

hostile = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(categories=["Cc", "Cf", "Zs", "So", "Mn"]), max_size=200),
    st.sampled_from(["", " ", "\u200b\u200b", "\u202eevil", "<script>alert(1)</script>", "'; DROP TABLE facts; --"]),
    st.builds(lambda s: s * 20_000, st.sampled_from(["a", "Belarus ", "😀", "ש"])),
    st.text(alphabet="אבגדהוזחטיכלמנסעפצקרשת ٠١٢ مرحبا", max_size=200),
)


def _well_formed(answer, answerer: Answerer) -> None:
    assert answer.lang in LANGS
    assert 0.0 <= answer.confidence <= 1.0
    assert len(answer.suggestions) <= 3
    assert answer.text
    if answer.answered:
        assert answer.citation is not None
        assert answer.citation.quote in answer.citation.passage
        if answer.kind == AnswerKind.FACT:
            assert answerer.index.fact(answer.fact_id) is not None
    else:
        assert answer.citation is None and answer.fact_id is None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(question=hostile, hint=st.sampled_from([None, "de", "en", "xx", "de-AT"]))
def test_ask_never_raises_and_is_well_formed(question: str, hint: str | None) -> None:
    _well_formed(ANSWERER.ask(question, hint), ANSWERER)
