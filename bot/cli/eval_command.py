"""`claimbot eval`: retrieval quality of the current index on labelled questions."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli.common import CommandFactory, emit_json, open_index_for
from bot.settings import Settings
from index.evaluate import EvalReport, evaluate, load_questions


def register(command: CommandFactory) -> None:
    p = command("eval", "measure retrieval on labelled questions (JSON Lines)")
    p.add_argument(
        "questions", type=Path, help="labelled questions, e.g. tests/data/questions.jsonl"
    )
    p.add_argument("--split", help="only questions of this split (e.g. test)")
    p.add_argument("--latency", action="store_true", help="also time each question end to end")
    p.set_defaults(run=run_eval)


def run_eval(args: argparse.Namespace, settings: Settings) -> int:
    index = open_index_for(args, settings)
    questions = load_questions(args.questions, args.split)
    report = evaluate(index, questions, measure_latency=args.latency)
    if args.json:
        emit_json(report.as_dict())
    else:
        print(render_report(report))
    return 0


def render_report(report: EvalReport) -> str:
    lines = [
        f"in-scope questions: {report.in_scope}   off-topic: {report.off_topic}",
        f"Recall@1 {report.recall_at_1:.3f}   Recall@3 {report.recall_at_3:.3f}   "
        f"MRR {report.mrr:.3f}",
        f"answered (in-scope) {report.answered_in_scope:.1%}   "
        f"abstained (off-topic) {report.abstained_off_topic:.1%}",
    ]
    if report.latency_ms_p50 is not None:
        lines.append(f"latency p50 {report.latency_ms_p50:.1f} ms")
    if report.misses:
        lines.append("\nmisses:")
        for miss in report.misses:
            if miss.expected:
                what = "not answered" if miss.rank == 1 else f"right card at rank {miss.rank}"
                lines.append(f"  - {miss.question!r}: {what}; top {miss.got!r} ({miss.score:.2f})")
            else:
                lines.append(f"  - {miss.question!r}: off-topic but answered with {miss.got!r}")
    return "\n".join(lines)
