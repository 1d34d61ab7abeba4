"""Answer audit: does the reply say what the question asks, not only cite the right place?

    python benchmarks/answer_audit.py [--questions tests/data/questions.jsonl] [--show]

hit@1 (search_bench.py) checks the cited passage. An officer reads the reply's first line,
so this counts, among the confident answers, those whose first line (or the first lines of
the list it heads: "… มีดังนี้ค่ะ") lacks what was asked:

- a figure: "กี่วัน", "กี่บาท", "ลงวันที่เท่าไร", "กี่เปอร์เซ็นต์" (the pattern the search
  reads the asked figure with, `knowledge.search.asked_figure_re`; "ไม่ใช้งบประมาณ" counts
  as a sum);
- someone, for "ใคร …" (a person, post or unit, as the answers recognise one);
- a document, for "เอกสาร/หลักฐานอะไร";

or that open with "ยังไม่พบ…" (the passage lacks the asked cell). `--show` prints each.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")

from search_bench import load_jsonl  # noqa: E402


def checks():
    """(name, applies(question) -> bool, states(first line, tone-stripped, no spaces) -> bool)."""
    import re

    from knowledge import answer as A
    from knowledge import search as S

    def figure_of(q: str):
        return S.asked_figure_re(S.normalize(q))

    no_budget = re.compile(S.strip_tones("ไม่ใช้งบประมาณ"))
    return [
        ("the asked figure", lambda q: figure_of(q) is not None,
         lambda q, line: bool(figure_of(q).search(line) or no_budget.search(line))),
        ("someone, for ใคร", lambda q: "role" in S.detect_intents(q) and S.asked_quantity(q) is None,
         lambda q, line: bool(A._PERSON_TONELESS.search(line))),
        ("a document", lambda q: "forms" in S.detect_intents(q) and S.asked_quantity(q) is None,
         lambda q, line: bool(A._FORM_TONELESS.search(line))),
    ]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--questions", default=str(ROOT / "tests/data/questions.jsonl"))
    ap.add_argument("--show", action="store_true", help="print each answer that misses")
    args = ap.parse_args()
    from knowledge import get_engine
    from knowledge.text.normalize import strip_tones

    engine = get_engine()
    questions = [q["q"] for q in load_jsonl(Path(args.questions))]
    print(f"questions: {len(questions)}")
    for name, applies, states in checks():
        asked = missed = 0
        for q in questions:
            if not applies(q):
                continue
            ans = engine.answer(q)
            if ans.kind != "answer":
                continue
            asked += 1
            lines = ans.body.split("\n")
            first = lines[0]
            if first.endswith(("ดังนี้ค่ะ", "ขั้นตอนค่ะ")):  # a list's head: what it lists is the answer
                first = " ".join(lines[:6])
            if first.startswith("ยังไม่พบ") or not states(q, strip_tones(first).replace(" ", "")):
                missed += 1
                if args.show:
                    print(f"  [{name}] {q} || {first[:120]}")
        print(f"{name:18s} confident answers asked: {asked:4d}   first line lacks it: {missed:3d}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
