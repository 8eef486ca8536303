"""Looking things up in an index: episodes, cards, questions (with a fake embedder)."""

from __future__ import annotations

from pathlib import Path

import pytest

from index import AnswerPolicy, ClaimbotError, ClaimIndex, NotFoundError, Remedy, reindex
from tests.fakes import HashingEmbedder


@pytest.fixture
def index(reviews_dir: Path, index_dir: Path, embedder: HashingEmbedder) -> ClaimIndex:
    reindex(reviews_dir, index_dir, embedder)
    return ClaimIndex.open(index_dir, embedder, AnswerPolicy(threshold=0.3))


@pytest.mark.parametrize(
    "query", ["490", "#490", "lex-fridman-podcast-490", "lex-fridman-490", "state of ai", "FRIDMAN"]
)
def test_an_episode_is_found_by_number_slug_file_or_fragment(index: ClaimIndex, query: str) -> None:
    assert index.find_episode(query).number == 490


@pytest.mark.parametrize(
    "query", ["Lex Fridman Podcast #490: State of AI in 2026", "lex fridman podcast 490"]
)
def test_an_episode_is_found_by_the_name_claimbot_prints(index: ClaimIndex, query: str) -> None:
    assert index.find_episode(query).number == 490


def test_an_unknown_episode_is_a_clear_not_found_pointing_to_the_list(index: ClaimIndex) -> None:
    with pytest.raises(NotFoundError, match="no indexed episode matches '999'") as refused:
        index.find_episode("999")
    assert refused.value.remedy is Remedy.LIST_EPISODES


def test_episode_cards_come_in_review_order(index: ClaimIndex) -> None:
    cards = index.episode_cards(index.find_episode("490"))
    assert [c.position for c in cards] == [1, 2, 3, 4, 5, 6]


def test_a_card_is_found_by_id_with_its_episode(index: ClaimIndex) -> None:
    hit = index.card("lex-fridman-podcast-490/gpt-oss-is-first-open-model-trained-for-tool-use")
    assert hit.card.verdict == "Largely accurate" and hit.episode.number == 490
    with pytest.raises(NotFoundError):
        index.card("nope")


def test_the_best_card_for_a_question_comes_first(index: ClaimIndex) -> None:
    answer = index.ask("gpt-oss tool use")
    assert answer.answered
    assert answer.hits[0].card.headline.startswith("gpt-oss")
    assert [h.score for h in answer.hits] == sorted((h.score for h in answer.hits), reverse=True)


def test_an_answer_lists_only_cards_that_clear_the_threshold(index: ClaimIndex) -> None:
    answer = index.ask("gpt-oss tool use", k=6)
    assert answer.answered
    assert all(h.confidence >= index.min_confidence for h in answer.hits)


def test_an_unrelated_question_abstains_but_still_lists_the_closest_cards(
    index: ClaimIndex,
) -> None:
    answer = index.ask("zebra xylophone quartz", k=3)
    assert not answer.answered
    assert len(answer.hits) == 3


@pytest.mark.parametrize("question", ["", "   ", "\n\t"])
def test_an_empty_question_is_refused_clearly(index: ClaimIndex, question: str) -> None:
    with pytest.raises(ClaimbotError, match="empty"):
        index.ask(question)


def test_a_huge_question_with_control_characters_still_gets_an_answer(index: ClaimIndex) -> None:
    answer = index.ask("DeepSeek \x00\x1b[31m @everyone " * 2000)
    assert answer.hits


def test_opening_and_asking_leave_the_threads_openmp_count_as_it_was(
    reviews_dir: Path, tmp_path: Path, embedder: HashingEmbedder
) -> None:
    """OpenMP keeps the count per thread: one left changed by a search would change every later
    FAISS call of the caller's thread."""
    import faiss

    reindex(reviews_dir, tmp_path / "index", embedder)
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(2)
    try:
        index = ClaimIndex.open(tmp_path / "index", embedder)
        assert faiss.omp_get_max_threads() == 2
        assert index.ask("chinese open model licenses").hits
        assert faiss.omp_get_max_threads() == 2
    finally:
        faiss.omp_set_num_threads(before)
