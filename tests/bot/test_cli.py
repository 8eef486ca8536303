"""The `claimbot` command line: through its installed entry point (a real process, the real
model) and in-process for the JSON contracts and error paths."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from index import Embedder
from tests.conftest import REFERENCE_REVIEW

CLAIMBOT = Path(sys.executable).with_name("claimbot")


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CLAIMBOT), *args], capture_output=True, text=True, env=env, timeout=300
    )


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("cli")
    (root / "reviews").mkdir()
    shutil.copy(REFERENCE_REVIEW, root / "reviews")
    env = dict(os.environ)
    env.update(
        CLAIMBOT_REVIEWS_DIR=str(root / "reviews"),
        CLAIMBOT_INDEX_DIR=str(root / "index"),
        HF_HUB_OFFLINE="1",
    )
    return env


def test_entry_point_reindexes_and_answers_the_demo_question(cli_env: dict[str, str]) -> None:
    done = _run("reindex", "--json", env=cli_env)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["added"] == ["lex-fridman-490.txt"] and summary["cards"] == 6
    asked = _run("ask", "Are Chinese model licenses really friendlier?", env=cli_env)
    assert asked.returncode == 0, asked.stderr
    first_lines = asked.stdout.splitlines()[:3]
    assert first_lines[0].startswith("Close match (confidence ")
    assert first_lines[1].startswith("✅ Accurate")
    assert first_lines[2] == '🔓 Chinese Open Models Have "Friendlier Licenses"'


def test_entry_point_reports_errors_on_stderr_with_a_non_zero_exit(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    done = _run("episodes", "--index", str(tmp_path / "nothing"), env=cli_env)
    assert done.returncode == 1
    assert done.stdout == ""
    assert "no index" in done.stderr and "claimbot reindex" in done.stderr
    assert "Traceback" not in done.stderr


def _json_out(capsys: pytest.CaptureFixture[str]) -> object:
    return json.loads(capsys.readouterr().out)


def test_ask_json_has_the_documented_shape(
    indexed: Path, real_embedder: Embedder, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["ask", "Are Nvidia's margins really that high?", "--json"], real_embedder) == 0
    out = _json_out(capsys)
    assert isinstance(out, dict)
    assert set(out) == {"question", "answered", "results"}
    assert out["answered"] is True
    best = out["results"][0]
    assert set(best) == {
        "id",
        "episode",
        "headline",
        "verdict",
        "rating",
        "score",
        "confidence",
        "provenance",
    }
    assert 0.5 <= best["confidence"] <= 1.0
    assert best["episode"] == {
        "podcast": "Lex Fridman Podcast",
        "number": 490,
        "title": "State of AI in 2026: LLMs, Coding, Scaling Laws, China, Agents, GPUs, AGI",
    }
    assert "NVIDIA Chips Margin" in best["headline"]


def test_ask_questions_file_answers_one_json_line_per_question_in_order(
    indexed: Path, real_embedder: Embedder, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    questions = tmp_path / "q.txt"
    questions.write_text(
        'Is gpt-oss trained for tool use?\n\n{"question": "banana bread recipe"}\nhi\n',
        "utf-8",
    )
    capsys.readouterr()
    assert main(["ask", "--questions", str(questions), "--json"], real_embedder) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [x["question"] for x in lines] == [
        "Is gpt-oss trained for tool use?",
        "banana bread recipe",
        "hi",
    ]
    assert [x["answered"] for x in lines] == [True, False, False]


def test_ask_questions_reads_json_lines_keeping_line_separators_and_lone_surrogates(
    indexed_by_fake: Path, embedder: Embedder, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    questions = tmp_path / "q.jsonl"
    written = [
        json.dumps({"question": "nvidia margins\u2028really?"}, ensure_ascii=False),
        '{"question": "   "}',  # blank, like a blank plain line: skipped
        '{"question": "gpt-oss \\ud800 tool use"}',  # a lone surrogate, valid JSON
    ]
    questions.write_text("\n".join(written) + "\n", "utf-8")
    capsys.readouterr()
    assert main(["ask", "--questions", str(questions), "--json"], embedder) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.split("\n") if x]
    assert [x["question"] for x in lines] == [
        "nvidia margins\u2028really?",
        "gpt-oss \ufffd tool use",
    ]


HINDI_QUESTION = "क्या यह सच है कि एनवीडिया के मार्जिन बहुत ऊंचे हैं?"


def test_a_question_in_a_language_the_model_does_not_read_says_so(
    indexed_by_fake: Path, embedder: Embedder, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["ask", HINDI_QUESTION], embedder) == 0
    out = capsys.readouterr().out
    assert out.startswith("Your question looks like Hindi;") and "CLAIMBOT_MODEL" in out


def test_ask_json_names_the_language_of_a_question_the_model_does_not_read(
    indexed_by_fake: Path, embedder: Embedder, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["ask", HINDI_QUESTION, "--json"], embedder) == 0
    out = _json_out(capsys)
    assert isinstance(out, dict)
    assert out["language"] == {"question_language": "hi", "served": ["en"]}
    assert out["answered"] is False and out["results"] == []


def test_a_json_question_that_is_not_text_names_its_line(
    indexed_by_fake: Path, embedder: Embedder, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    questions = tmp_path / "q.jsonl"
    questions.write_text('{"question": "fine"}\n{"question": null}\n', "utf-8")
    assert main(["ask", "--questions", str(questions)], embedder) == 1
    assert 'q.jsonl, line 2: "question" must be text' in capsys.readouterr().err


def test_abstention_is_said_and_the_closest_cards_are_labelled(
    indexed: Path, real_embedder: Embedder, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["ask", "Give me a recipe for banana bread"], real_embedder) == 0
    out = capsys.readouterr().out
    assert out.startswith("No reviewed claim covers that.")
    assert "not a match" in out


def test_verdicts_json_lists_every_claim_of_the_episode(
    indexed_by_fake: Path, embedder: Embedder, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["verdicts", "490", "--json"], embedder) == 0
    out = _json_out(capsys)
    assert isinstance(out, dict)
    assert out["episode"]["number"] == 490
    assert [c["verdict"] for c in out["claims"]] == [
        "Accurate",
        "Credible",
        "Accurate",
        "Accurate",
        "Largely accurate",
        "Accurate",
    ]
    assert set(out["claims"][0]) == {"id", "headline", "verdict", "rating", "provenance"}


def test_episodes_json_counts_claims(
    indexed_by_fake: Path, embedder: Embedder, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["episodes", "--json"], embedder) == 0
    out = _json_out(capsys)
    assert isinstance(out, list)
    assert [(e["number"], e["claims"]) for e in out] == [(490, 6)]


def test_reindex_with_a_broken_file_exits_non_zero_and_names_the_file_and_line(
    indexed_by_fake: Path, embedder: Embedder, capsys: pytest.CaptureFixture[str]
) -> None:
    reviews = Path(os.environ["CLAIMBOT_REVIEWS_DIR"])
    (reviews / "broken.txt").write_text("Episode #3\nno back link\n", "utf-8")
    capsys.readouterr()
    assert main(["reindex", "--json"], embedder) == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out)["failed"][0]["file"] == "broken.txt"
    assert "broken.txt, line 1" in captured.err


def test_an_unknown_episode_is_an_error_not_a_traceback(
    indexed_by_fake: Path, embedder: Embedder, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verdicts", "9999"], embedder) == 1
    said = capsys.readouterr().err
    assert "no indexed episode matches '9999': see `claimbot episodes`" in said


def test_ask_needs_exactly_one_of_question_and_questions_file(
    embedder: Embedder, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ask"], embedder) == 1
    assert "give either a QUESTION or --questions FILE" in capsys.readouterr().err
