"""Incremental reindex: unchanged files are not re-embedded, changes replace, deletions
remove, broken files lose nothing, and a crash before the swap leaves the old index serving."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from index import (
    ClaimIndex,
    IndexFolderError,
    IndexMismatchError,
    IndexMissingError,
    ReindexBusyError,
    Remedy,
    ReviewFolder,
    parse_review,
    reindex,
)
from index.passages import card_passages, commentary_passages
from index.store import LOCK_FILE, read_manifest, reindex_lock
from tests.conftest import REFERENCE_REVIEW, reference_review_as
from tests.fakes import HashingEmbedder


def _passages_of(path: Path) -> int:
    review = parse_review(path)
    cards = sum(len(card_passages(card)) for card in review.cards)
    return cards + len(commentary_passages(review.episode))


SECOND_REVIEW = reference_review_as(491)


def _add_second(reviews_dir: Path, text: str = SECOND_REVIEW) -> Path:
    path = reviews_dir / "lex-fridman-491.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_first_reindex_indexes_every_card(
    reviews_dir: Path, index_dir: Path, embedder: HashingEmbedder
) -> None:
    summary = reindex(reviews_dir, index_dir, embedder)
    assert summary.added == ["lex-fridman-490.txt"]
    assert (summary.episodes, summary.cards, summary.embedded_cards) == (1, 6, 6)
    index = ClaimIndex.open(index_dir, embedder)
    assert [s.claims for s in index.episodes()] == [6]


def test_reindex_with_nothing_changed_embeds_nothing_and_keeps_the_version(
    reviews_dir: Path, index_dir: Path, embedder: HashingEmbedder
) -> None:
    first = reindex(reviews_dir, index_dir, embedder)
    embedder.calls.clear()
    again = reindex(reviews_dir, index_dir, embedder)
    assert embedder.calls == []
    assert again.version == first.version
    assert again.unchanged == 1 and not again.changed_anything


def test_a_changed_file_re_embeds_only_its_own_cards(
    reviews_dir: Path, index_dir: Path, embedder: HashingEmbedder
) -> None:
    second = _add_second(reviews_dir)
    reindex(reviews_dir, index_dir, embedder)
    embedder.calls.clear()
    second.write_text(SECOND_REVIEW.replace("Verdict: Credible", "Verdict: Overstated"), "utf-8")
    summary = reindex(reviews_dir, index_dir, embedder)
    assert summary.changed == ["lex-fridman-491.txt"]
    # The passages of the changed file's six cards, none of the other file's.
    assert summary.embedded_cards == 6
    assert embedder.texts_embedded == _passages_of(second)
    index = ClaimIndex.open(index_dir, embedder)
    episode = index.find_episode("491")
    assert [c.verdict for c in index.episode_cards(episode)][1] == "Overstated"
    assert index.manifest.cards == 12
    assert index.manifest.vectors == 2 * _passages_of(REFERENCE_REVIEW)


def test_unchanged_cards_keep_answering_after_another_file_changes(
    reviews_dir: Path, index_dir: Path, embedder: HashingEmbedder
) -> None:
    second = _add_second(reviews_dir)
    reindex(reviews_dir, index_dir, embedder)
    before = ClaimIndex.open(index_dir, embedder).ask("licenses friendlier Llama Gemma")
    second.write_text(SECOND_REVIEW + "\n", "utf-8")
    reindex(reviews_dir, index_dir, embedder)
    after = ClaimIndex.open(index_dir, embedder).ask("licenses friendlier Llama Gemma")
    assert [h.card.id for h in after.hits] == [h.card.id for h in before.hits]
    assert [round(h.score, 5) for h in after.hits] == [round(h.score, 5) for h in before.hits]


def test_a_deleted_file_removes_its_episode_and_vectors(
    reviews_dir: Path, index_dir: Path, embedder: HashingEmbedder
) -> None:
    second = _add_second(reviews_dir)
    reindex(reviews_dir, index_dir, embedder)
    second.unlink()
    summary = reindex(reviews_dir, index_dir, embedder)
    assert summary.removed == ["lex-fridman-491.txt"]
    index = ClaimIndex.open(index_dir, embedder)
    assert [s.episode.number for s in index.episodes()] == [490]
    assert index.manifest.vectors == _passages_of(REFERENCE_REVIEW)
    assert all(h.episode.number == 490 for h in index.ask("DeepSeek", k=10).hits)


def test_a_broken_new_file_is_reported_and_nothing_of_it_is_indexed(
    reviews_dir: Path, index_dir: Path, embedder: HashingEmbedder
) -> None:
    _add_second(reviews_dir, SECOND_REVIEW.replace("Verdict: Credible — reflects", "Reflects"))
    summary = reindex(reviews_dir, index_dir, embedder)
    assert summary.added == ["lex-fridman-490.txt"]
    [error] = summary.failed
    assert error.path.name == "lex-fridman-491.txt"
    assert error.claim == '"Claude Code Is Way Better" for Programming'
    assert ClaimIndex.open(index_dir, embedder).manifest.episodes == 1


def test_a_file_broken_by_an_edit_keeps_its_last_good_version_serving(
    reviews_dir: Path, index_dir: Path, embedder: HashingEmbedder
) -> None:
    reindex(reviews_dir, index_dir, embedder)
    path = reviews_dir / REFERENCE_REVIEW.name
    path.write_text(path.read_text("utf-8").replace("Verdict: Accurate — reflects", ""), "utf-8")
    summary = reindex(reviews_dir, index_dir, embedder)
    assert len(summary.failed) == 1 and summary.changed == []
    index = ClaimIndex.open(index_dir, embedder)
    assert index.manifest.cards == 6
    # Restoring the file matches the kept hash: nothing to re-embed, nothing changed.
    shutil.copy(REFERENCE_REVIEW, path)
    assert reindex(reviews_dir, index_dir, embedder).changed == []


def _listing_then_removing(monkeypatch: pytest.MonkeyPatch, gone: Path) -> None:
    """The folder is listed with `gone` in it, which another process then removes (a sync
    or `git pull` while the reindex runs)."""
    listing = ReviewFolder.entries

    def racing(folder: ReviewFolder) -> list[Path]:
        entries = listing(folder)
        gone.unlink()
        return entries

    monkeypatch.setattr(ReviewFolder, "entries", racing)


def test_a_new_file_gone_after_the_listing_is_reported_and_the_others_are_indexed(
    reviews_dir: Path, index_dir: Path, embedder: HashingEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    _listing_then_removing(monkeypatch, _add_second(reviews_dir))
    summary = reindex(reviews_dir, index_dir, embedder)
    assert summary.added == ["lex-fridman-490.txt"]
    [error] = summary.failed
    assert error.path.name == "lex-fridman-491.txt" and "cannot read the file" in str(error)


def test_an_indexed_file_that_cannot_be_read_keeps_its_last_version_serving(
    reviews_dir: Path, index_dir: Path, embedder: HashingEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    second = _add_second(reviews_dir)
    reindex(reviews_dir, index_dir, embedder)
    _listing_then_removing(monkeypatch, second)
    summary = reindex(reviews_dir, index_dir, embedder)
    assert [e.path.name for e in summary.failed] == ["lex-fridman-491.txt"]
    assert summary.removed == [] and ClaimIndex.open(index_dir, embedder).manifest.episodes == 2


def test_two_files_reviewing_the_same_episode_keep_the_first(
    reviews_dir: Path, index_dir: Path, embedder: HashingEmbedder
) -> None:
    shutil.copy(REFERENCE_REVIEW, reviews_dir / "zz-copy.txt")
    summary = reindex(reviews_dir, index_dir, embedder)
    assert summary.added == ["lex-fridman-490.txt"]
    [error] = summary.failed
    assert "same episode" in str(error) and "lex-fridman-490.txt" in str(error)


def test_an_edited_review_keeps_its_episode_against_a_new_file_for_the_same_one(
    reviews_dir: Path, index_dir: Path, embedder: HashingEmbedder
) -> None:
    reindex(reviews_dir, index_dir, embedder)
    edited = reviews_dir / REFERENCE_REVIEW.name
    edited.write_text(edited.read_text("utf-8") + "\n\n", "utf-8")
    shutil.copy(REFERENCE_REVIEW, reviews_dir / "aa-copy.txt")  # sorts before the indexed one
    summary = reindex(reviews_dir, index_dir, embedder)
    assert summary.changed == [edited.name] and summary.added == []
    assert [e.path.name for e in summary.failed] == ["aa-copy.txt"]
    assert ClaimIndex.open(index_dir, embedder).manifest.episodes == 1


def test_a_refused_edits_last_version_keeps_its_episode_against_a_new_file(
    reviews_dir: Path, index_dir: Path, embedder: HashingEmbedder
) -> None:
    second = _add_second(reviews_dir)
    reindex(reviews_dir, index_dir, embedder)
    first = reviews_dir / REFERENCE_REVIEW.name
    first.write_text(SECOND_REVIEW, "utf-8")  # now claims the second file's episode: refused
    (reviews_dir / "zz-490.txt").write_text(REFERENCE_REVIEW.read_text("utf-8"), "utf-8")
    summary = reindex(reviews_dir, index_dir, embedder)
    assert sorted(e.path.name for e in summary.failed) == [first.name, "zz-490.txt"]
    served = {s.episode.source_name for s in ClaimIndex.open(index_dir, embedder).episodes()}
    assert served == {first.name, second.name}


def test_an_index_folder_that_cannot_be_created_is_a_clear_error(
    reviews_dir: Path, tmp_path: Path, embedder: HashingEmbedder
) -> None:
    in_the_way = tmp_path / "index"
    in_the_way.write_text("a file, not a folder", "utf-8")
    with pytest.raises(IndexFolderError, match=r"cannot use .*index as the index folder"):
        reindex(reviews_dir, in_the_way, embedder)


class _Crash(Exception):
    pass


@pytest.mark.parametrize("stage", ["start", "dropped", "embedded", "written", "before-swap"])
def test_a_crash_before_the_swap_leaves_the_old_index_serving(
    stage: str, reviews_dir: Path, index_dir: Path, embedder: HashingEmbedder
) -> None:
    reindex(reviews_dir, index_dir, embedder)
    old = ClaimIndex.open(index_dir, embedder)
    _add_second(reviews_dir)

    def crash(at: str) -> None:
        if at == stage:
            raise _Crash(at)

    with pytest.raises(_Crash):
        reindex(reviews_dir, index_dir, embedder, checkpoint=crash)
    survivor = ClaimIndex.open(index_dir, embedder)
    assert survivor.version == old.version
    assert [s.claims for s in survivor.episodes()] == [6]
    # The next reindex cleans the leftovers and completes.
    summary = reindex(reviews_dir, index_dir, embedder)
    assert summary.added == ["lex-fridman-491.txt"]
    leftovers = [p.name for p in index_dir.iterdir() if p.name.startswith("tmp-")]
    assert leftovers == []


def test_a_crash_right_after_the_swap_serves_the_new_index(
    reviews_dir: Path, index_dir: Path, embedder: HashingEmbedder
) -> None:
    reindex(reviews_dir, index_dir, embedder)
    _add_second(reviews_dir)

    def crash(at: str) -> None:
        if at == "after-swap":
            raise _Crash(at)

    with pytest.raises(_Crash):
        reindex(reviews_dir, index_dir, embedder, checkpoint=crash)
    assert ClaimIndex.open(index_dir, embedder).manifest.episodes == 2


def test_loading_an_index_built_with_another_model_says_to_reindex(
    reviews_dir: Path, index_dir: Path, embedder: HashingEmbedder
) -> None:
    reindex(reviews_dir, index_dir, embedder)
    with pytest.raises(IndexMismatchError, match="another/model") as refused:
        ClaimIndex.open(index_dir, HashingEmbedder(name="another/model"))
    assert refused.value.remedy is Remedy.REINDEX


def test_reindexing_with_another_model_rebuilds_everything(
    reviews_dir: Path, index_dir: Path, embedder: HashingEmbedder
) -> None:
    reindex(reviews_dir, index_dir, embedder)
    other = HashingEmbedder(dimension=32, name="another/model")
    summary = reindex(reviews_dir, index_dir, other)
    assert summary.full_rebuild and other.texts_embedded == _passages_of(REFERENCE_REVIEW)
    assert ClaimIndex.open(index_dir, other).manifest.dimension == 32


def test_opening_a_missing_index_says_how_to_build_it(
    index_dir: Path, embedder: HashingEmbedder
) -> None:
    with pytest.raises(IndexMissingError) as refused:
        ClaimIndex.open(index_dir, embedder)
    assert refused.value.remedy is Remedy.REINDEX


def test_a_second_reindex_while_one_holds_the_lock_is_refused(
    reviews_dir: Path, index_dir: Path, embedder: HashingEmbedder
) -> None:
    with reindex_lock(index_dir), pytest.raises(ReindexBusyError, match="already running"):
        reindex(reviews_dir, index_dir, embedder)
    assert (index_dir / LOCK_FILE).exists()
    reindex(reviews_dir, index_dir, embedder)  # free again afterwards
    assert read_manifest(index_dir).version == 1


def test_only_the_current_and_previous_generations_are_kept(
    reviews_dir: Path, index_dir: Path, embedder: HashingEmbedder
) -> None:
    path = _add_second(reviews_dir)
    for n in range(4):
        path.write_text(SECOND_REVIEW + "\n" * (n + 1), "utf-8")
        reindex(reviews_dir, index_dir, embedder)
    generations = sorted(p.name for p in index_dir.iterdir() if p.name.startswith("gen-"))
    assert len(generations) == 2
    assert read_manifest(index_dir).generation == generations[-1]


def test_an_incremental_reindex_reads_the_old_vectors_once(
    reviews_dir: Path, index_dir: Path, embedder: HashingEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 100k cards the vectors file is 1.5 GB: validated and reused, not read twice."""
    import faiss

    reindex(reviews_dir, index_dir, embedder)
    _add_second(reviews_dir)
    reads: list[str] = []
    read_index = faiss.read_index

    def counting(path: str, *args: object) -> faiss.Index:
        reads.append(path)
        return read_index(path, *args)

    monkeypatch.setattr(faiss, "read_index", counting)
    summary = reindex(reviews_dir, index_dir, embedder)
    assert summary.added == ["lex-fridman-491.txt"]
    assert len(reads) == 1
    assert [s.claims for s in ClaimIndex.open(index_dir, embedder).episodes()] == [6, 6]
