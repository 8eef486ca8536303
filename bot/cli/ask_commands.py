"""`claimbot ask`, `verdicts`, `episodes` and `claim`: questions and browsing."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli.common import CommandFactory, emit_json, open_index_for, read_questions
from bot.cli.terminal_text import render_answer, render_card, render_episodes, render_verdicts
from bot.json_output import answer_json, episode_json, episodes_json, verdicts_json
from bot.settings import Settings
from index import ClaimbotError
from index.text import without_lone_surrogates

QUESTION_BATCH = 256


def register(command: CommandFactory) -> None:
    p = command("ask", "answer a question with the nearest verdict card(s)")
    p.add_argument("question", nargs="?", help="the question, in plain words")
    p.add_argument(
        "--questions",
        type=Path,
        metavar="FILE",
        help="answer every line of FILE (plain text or JSON with a 'question' field)",
    )
    p.add_argument("-k", "--results", type=int, default=3, metavar="N", help="cards to show (1-10)")
    p.set_defaults(run=cmd_ask)

    p = command("verdicts", "list one episode's claims and verdicts")
    p.add_argument("episode", help="episode number, slug, file name or part of its title")
    p.set_defaults(run=cmd_verdicts)

    p = command("episodes", "list the indexed episodes with their claim counts")
    p.set_defaults(run=cmd_episodes)

    p = command("claim", "show one claim in full by its id")
    p.add_argument("id", help="a claim id, as `verdicts` prints it")
    p.set_defaults(run=cmd_claim)


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    if (args.question is None) == (args.questions is None):
        raise ClaimbotError("give either a QUESTION or --questions FILE")
    if not 1 <= args.results <= 10:
        raise ClaimbotError("--results must be between 1 and 10")
    index = open_index_for(args, settings)
    if args.question is not None:
        answer = index.ask(without_lone_surrogates(args.question), k=args.results)
        if args.json:
            emit_json(answer_json(answer))
        else:
            print(render_answer(answer))
        return 0
    questions = list(read_questions(args.questions))
    for start in range(0, len(questions), QUESTION_BATCH):
        batch = questions[start : start + QUESTION_BATCH]
        vectors = index.embed_questions(batch)
        for question, vector in zip(batch, vectors, strict=True):
            answer = index.answer(question, vector, k=args.results)
            if args.json:
                emit_json(answer_json(answer))
            else:
                print(f"? {question}\n{render_answer(answer)}\n")
    return 0


def cmd_verdicts(args: argparse.Namespace, settings: Settings) -> int:
    index = open_index_for(args, settings)
    episode = index.find_episode(args.episode)
    cards = index.episode_cards(episode)
    if args.json:
        emit_json(verdicts_json(episode, cards))
    else:
        print(render_verdicts(episode, cards))
    return 0


def cmd_episodes(args: argparse.Namespace, settings: Settings) -> int:
    summaries = open_index_for(args, settings).episodes()
    if args.json:
        emit_json(episodes_json(summaries))
    else:
        print(render_episodes(summaries))
    return 0


def cmd_claim(args: argparse.Namespace, settings: Settings) -> int:
    hit = open_index_for(args, settings).card(args.id)
    if args.json:
        emit_json(
            {
                **verdicts_json(hit.episode, [hit.card])["claims"][0],
                "episode": episode_json(hit.episode),
            }
        )
    else:
        print(render_card(hit))
    return 0
