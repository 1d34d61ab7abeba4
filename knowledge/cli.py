"""`python -m bot ask [--json] [--top K] [--batch FILE] QUESTION` (the bot CLI delegates here)."""

from __future__ import annotations

import argparse
import json
import sys


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ask", description="ถามคำถามจากคู่มือ (search the manuals)")
    p.add_argument("question", nargs="*", help="คำถาม")
    p.add_argument("--json", action="store_true", help="one JSON object per question per line")
    p.add_argument("--top", type=int, default=5, help="results per question (default 5)")
    p.add_argument("--batch", metavar="FILE", help="a file with one question per line ('-' = stdin)")
    return p


def _questions(args) -> list[str]:
    out: list[str] = []
    if args.batch:
        fh = sys.stdin if args.batch == "-" else open(args.batch, encoding="utf-8")
        with fh if fh is not sys.stdin else open(0, closefd=False) as f:
            out.extend(line.strip() for line in f if line.strip())
    if args.question:
        out.append(" ".join(args.question))
    return out


def search_json(engine, question: str, top: int) -> dict:
    res = engine.search(question, top=top)
    return {
        "query": question,
        "took_ms": round(res.took_ms, 3),
        "confident": bool(res.confident),
        "results": [
            {"title": h.title, "text": h.text, "source": h.source, "lines": [h.lines[0], h.lines[1]], "score": h.score}
            for h in res.hits
        ],
    }


def format_answer(ans) -> str:
    lines = [ans.body]
    if ans.kind == "answer":
        lines.append("")
        lines.append(f"ที่มา: {ans.citation}")
        if ans.source:
            lines.append(f"({ans.source} บรรทัด {ans.lines[0]}–{ans.lines[1]})")
        if ans.suggestions:
            lines.append("หัวข้อที่เกี่ยวข้อง: " + " · ".join(s.title for s in ans.suggestions))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    questions = _questions(args)
    if not questions:
        _parser().print_usage(sys.stderr)
        print("ask: a QUESTION or --batch FILE is required", file=sys.stderr)
        return 2
    from knowledge.engine import get_engine

    engine = get_engine()
    top = max(1, args.top)
    for i, q in enumerate(questions):
        if args.json:
            print(json.dumps(search_json(engine, q, top), ensure_ascii=False), flush=True)
        else:
            if len(questions) > 1:
                print(("\n" if i else "") + f"❓ {q}")
            print(format_answer(engine.answer(q)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
