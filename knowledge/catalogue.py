"""The Document catalogue of the five source manuals (doc ids "000" … "004")."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from knowledge.model import Document

SOURCES_DIR = "knowledge/sources"

_FAO = "สำนักงานการต่างประเทศ สำนักปลัดกรุงเทพมหานคร"
# doc, file, title, short title, issuing unit, BE year, kind
_ROWS = [
    ("000", "fao_operations_manual_2564.txt", "คู่มือการปฏิบัติงาน สำนักงานการต่างประเทศ ฉบับปรับปรุง พ.ศ. 2564",
     "คู่มือปฏิบัติงาน สกต. 2564", _FAO, 2564, "manual"),
    ("001", "fad_action_plan_2560.txt", "แผนปฏิบัติการประจำปี พ.ศ. ๒๕๖๐ กองการต่างประเทศ",
     "แผนปฏิบัติการ กต. 2560", "กองการต่างประเทศ สำนักปลัดกรุงเทพมหานคร", 2560, "action_plan"),
    ("002", "sdd_policy_planning_manual_2564.txt", "คู่มือการปฏิบัติงาน กองนโยบายและแผนงาน สำนักพัฒนาสังคม",
     "คู่มือปฏิบัติงาน กองนโยบายและแผนงาน สพส.", "กองนโยบายและแผนงาน สำนักพัฒนาสังคม กรุงเทพมหานคร", 2564, "manual"),
    ("003", "fao_performance_report_2564.txt",
     "แบบฟอร์มการรายงานผลการปฏิบัติราชการตามคำรับรอง ประจำปีงบประมาณ พ.ศ. 2564",
     "รายงานผลตามคำรับรอง สกต. 2564", _FAO, 2564, "results_report"),
    ("004", "fao_action_plan_2568.txt", "แผนปฏิบัติการประจำปี พ.ศ. 2568 สำนักงานการต่างประเทศ",
     "แผนปฏิบัติการ สกต. 2568", _FAO, 2568, "action_plan"),
]

# plans and reports hold one year's figures (a manual's procedures hold for any year)
YEAR_BOUND_KINDS = ("action_plan", "results_report")
# how a question names a kind of document ("คู่มือปฏิบัติงาน สกต." is the office's manual)
KIND_WORDS = {"manual": ("คู่มือ",), "action_plan": ("แผนปฏิบัติการ",), "results_report": ("รายงานผล", "คำรับรอง")}
# what an answer calls the document it quotes ("แผนระบุไว้ว่า …", not "คู่มือระบุไว้ว่า" for a plan)
KIND_NOUNS = {"manual": "คู่มือ", "action_plan": "แผน", "results_report": "รายงาน"}


def document_noun(doc: str) -> str:
    """คู่มือ, แผน or รายงาน: the word an answer uses for document `doc`."""
    d = DOCUMENTS.get(doc)
    return KIND_NOUNS.get(d.kind, "คู่มือ") if d else "คู่มือ"

DOCUMENTS: dict[str, Document] = {
    row[0]: Document(row[0], f"{SOURCES_DIR}/{row[1]}", *row[2:]) for row in _ROWS
}


def document_for_source(source: str) -> Document | None:
    return next((d for d in DOCUMENTS.values() if d.source == source), None)


def catalogue_keys() -> list[dict]:
    """Every catalogued procedure/project/KPI: key, doc, Thai name, primary line span.

    Written to tests/data/catalogue_keys.json by `python -m knowledge.catalogue`.
    """
    import re

    from knowledge.corpus import load_corpus
    from knowledge.parsing.registry import REGISTRY

    corpus = load_corpus()
    out = []
    for e in REGISTRY:
        section = corpus.sections.get(f"{e['doc']}/{e['code']}")
        if section is None:
            continue
        name = e["name"]
        if not re.search("[\u0e01-\u0e4e]", name) or (e["doc"] == "000" and "." in e["code"]):
            name = section.title
        out.append({"key": e["key"], "doc": e["doc"], "name": name, "lines": section.span.as_list()})
    return out


def fiscal_year(day: date) -> int:
    """The Thai fiscal year (1 Oct – 30 Sep), named by its BE year: 1 Oct 2025 → 2569.
    Plans and reports are named by it."""
    return day.year + 543 + (1 if day.month >= 10 else 0)


def this_fiscal_year() -> int:
    """The fiscal year of Bangkok's date now ("ปีนี้" in a question)."""
    return fiscal_year(datetime.now(ZoneInfo("Asia/Bangkok")).date())


if __name__ == "__main__":
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "tests" / "data" / "catalogue_keys.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(catalogue_keys(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {path}")
