from bot.core.model import AnswerKind
from bot.core.service import FactBot


def test_cited_answer_in_the_language_of_the_question(bot: FactBot) -> None:
    answer = bot.ask("How many political prisoners were released?")
    assert answer.kind == AnswerKind.FACT
    assert answer.lang == "en"
    assert "14" in answer.text
    assert answer.citation is not None
    assert answer.citation.quote in answer.citation.passage
