"""How often claimbot's language detection (index/language.py) is wrong where it matters.

    .venv/bin/python benchmarks/languages.py \\
        --questions ../shared/questions-dev.jsonl \\
        --checkthat ../shared/checkthat-2022-2a \\
        --claimreview ../shared/claimreview-real

English questions read as another language are refused ("not my language"), so their share
must be about 0: the project's dev questions, and the CheckThat! tweets of each split. English
cards read as another language are never matched: the CheckThat! verified claims (Snopes,
English) measure that. Imported cards must get their own language: each ClaimReview document
goes through claimbot's import, and its cards' detected language is compared with the
document's `inLanguage` (or `languageCode`) where given, else with the language its file name
ends with (`-pt.json`). The data stays where it is; nothing is copied into this repository.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from checkthat_data import load  # noqa: E402

from index import (  # noqa: E402
    ClaimbotError,
    detect_language,
    parse_review,
    read_claimreview_json,
    write_imported_reviews,
)
from index.language import card_language, primary  # noqa: E402


def foreign_share(name: str, texts: Iterable[str]) -> str:
    """One table row: how many English texts are read as another language, and as none."""
    found = Counter(detect_language(text) for text in texts)
    total = sum(found.values())
    foreign = total - found["en"] - found[None]
    others = ", ".join(f"{code} {n}" for code, n in found.most_common() if code not in ("en", None))
    return (
        f"| {name} | {total} | {foreign} ({foreign / total:.1%}) | {found[None] / total:.1%} "
        f"| {others or '-'} |"
    )


def declared_language(data: Any) -> str | None:
    """The first `inLanguage` or `languageCode` anywhere in a JSON document, as ISO 639-1."""
    if isinstance(data, dict):
        for key in ("inLanguage", "languageCode"):
            value = data.get(key)
            if isinstance(value, dict):
                value = value.get("alternateName") or value.get("name")
            if isinstance(value, str) and value.strip():
                return primary(value)
        children: Iterable[Any] = data.values()
    elif isinstance(data, list):
        children = data
    else:
        return None
    for child in children:
        found = declared_language(child)
        if found is not None:
            return found
    return None


def claimreview_rows(folder: Path) -> tuple[list[str], Counter[str]]:
    """One row per document (reference language, the cards' detected ones), and the tally."""
    rows, tally = [], Counter[str]()
    for path in sorted(folder.glob("*.json")):
        data = path.read_bytes()
        declared = declared_language(json.loads(data))
        suffix = path.stem.rsplit("-", 1)[-1]
        expected = declared or (suffix if len(suffix) == 2 else None)
        try:
            imported = read_claimreview_json(data, path.name)
        except ClaimbotError as exc:
            rows.append(f"| {path.name} | {expected or '?'} | not imported: {exc} |")
            continue
        with tempfile.TemporaryDirectory() as scratch:
            written = write_imported_reviews(imported, Path(scratch))
            parsed = [parse_review(w.path) for w in written]
        detected = [card_language(c, r.episode) for r in parsed for c in r.cards]
        for language in detected:
            if expected is None:
                tally["no reference"] += 1
            elif language is None:
                tally["unsure"] += 1
            else:
                tally["right" if primary(language) == expected else "wrong"] += 1
        source = "inLanguage" if declared else "file name"
        shown = ", ".join(str(x) for x in detected)
        rows.append(f"| {path.name} | {expected or '?'} ({source}) | {shown} |")
    return rows, tally


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path, help="JSON lines with a 'question' each")
    parser.add_argument("--checkthat", type=Path, help="the CheckThat! 2022 2A folder")
    parser.add_argument("--claimreview", type=Path, help="a folder of ClaimReview JSON files")
    args = parser.parse_args()

    started = time.perf_counter()
    detect_language("Is this the first text the detector reads?")
    print(f"detector ready in {time.perf_counter() - started:.1f} s\n")
    print("| English texts | n | read as another language | no language | others |")
    print("|---|---|---|---|---|")
    if args.questions:
        lines = args.questions.read_text(encoding="utf-8").splitlines()
        questions = [json.loads(line)["question"] for line in lines if line.strip()]
        print(foreign_share(f"questions ({args.questions.name})", questions))
    if args.checkthat:
        data = load(args.checkthat)
        for split in ("dev-test", "dev", "train"):
            print(foreign_share(f"CheckThat! {split} tweets", (t.text for t in data.splits[split])))
        started = time.perf_counter()
        claims = [
            "\n".join(row.get(key) or "" for key in ("vclaim", "title", "subtitle"))
            for row in data.claims.values()
        ]
        row = foreign_share("CheckThat! verified claims (as cards)", claims)
        per_card = (time.perf_counter() - started) / len(claims) * 1000
        print(row)
        print(f"\n(cards: {per_card:.2f} ms each)")
    if args.claimreview:
        rows, tally = claimreview_rows(args.claimreview)
        print("\n| ClaimReview document | language | cards detected |")
        print("|---|---|---|")
        print("\n".join(rows))
        judged = tally["right"] + tally["wrong"] + tally["unsure"]
        print(
            f"\ncards with a reference language: {judged}; right {tally['right']}, "
            f"wrong {tally['wrong']}, unsure (None) {tally['unsure']}; "
            f"without a reference: {tally['no reference']}"
        )


if __name__ == "__main__":
    main()
