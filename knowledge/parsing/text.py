"""Display-text cleaning shared by every document parser.

The sources are PDF-to-Markdown extractions; these helpers turn one raw line (or cell)
into clean display text without ever touching the source files: HTML fragments and
mermaid flowcharts become readable text, PDF wrap hyphens are joined, decomposed sara
am is composed, stray Indic letters and leader dots are removed.
"""

from __future__ import annotations

import html
import re
from functools import cache, lru_cache
from pathlib import Path

from knowledge.text.normalize import fix_sara_am

REPO_ROOT = Path(__file__).resolve().parents[2]


_INDIC_RE = re.compile("[\u0900-\u0dff]")
_NBSP_RE = re.compile("[\u00a0\u2007\u202f\u200b\ufeff]")
_LEADERS_RE = re.compile(r"\s*\.{2,}\s*(?=\t|$)|\.{4,}")
_PRE_RE = re.compile(r"<pre>(.*?)</pre>", re.S)
_URL_RE = re.compile(r"<(https?://[^>\s]+)>")
_BLOCK_TAG_RE = re.compile(r"</?(?:p|li|ul|ol|br|div|tr|table|td|th)\b[^>]*>", re.I)
_TAG_RE = re.compile(r"<[^>]{0,400}>")
# a hyphen then whitespace between two Thai letters is a PDF line-wrap artefact
_WRAP_HYPHEN_RE = re.compile(r"(?<=[\u0e01-\u0e4e])-\s+(?=[\u0e01-\u0e4e])")
# hyphens without a space that are still wrap artefacts (after these words only)
_WRAP_HYPHEN_WORDS_RE = re.compile(
    r"(ผู้อำนวยการ|หัวหน้า|หัวหน้ากลุ่ม|สำนักงาน|แผนปฏิรูป|ฝ่ายบริหารงาน|ได้รับจากการ)-(?=[\u0e01-\u0e4e])"
)
_SPACES_RE = re.compile(r"[ \t]+")
_MERMAID_LABEL_RE = re.compile(
    r"[A-Za-z0-9_\-]+\s*(?:\(\(\s*(.*?)\s*\)\)|\(\[\s*(.*?)\s*\]\)|\[\s*(.*?)\s*\]|\{\s*(.*?)\s*\}|\(\s*(.*?)\s*\))"
)
_ARROWS_RE = re.compile(r"\s*(?:↓|→|-->|⟶)\s*")


# officials' names on the report forms are personal data: the answer never needs them
_PERSON_RE = re.compile(r"(ชื่อผู้รับผิดชอบการรายงาน\s*:\s*)(?:นางสาว|นาง|นาย)\s*[\u0e01-\u0e4e]+\s+[\u0e01-\u0e4e]+")


def mermaid_labels(graph: str) -> list[str]:
    """Node labels of a mermaid `graph TD … --> …` block, in order, de-duplicated."""
    graph = html.unescape(graph)
    labels: list[str] = []
    for m in _MERMAID_LABEL_RE.finditer(graph):
        label = next((g for g in m.groups() if g is not None), "")
        label = label.strip().strip('"').strip()
        if label and label not in labels and not re.fullmatch(r"graph|TD|LR", label):
            labels.append(label)
    return labels


def _pre_to_text(m: re.Match[str]) -> str:
    labels = mermaid_labels(m.group(1))
    return " → ".join(labels) if labels else ""


def join_wrap_hyphens(text: str) -> str:
    text = _WRAP_HYPHEN_RE.sub("", text)
    return _WRAP_HYPHEN_WORDS_RE.sub(r"\1", text)


_SPECIAL_RE = re.compile("[<&*\u00a0\u2007\u202f\u200b\ufeff\u0900-\u0dff\u0e4d○↓→\n-]|\\.\\.")


@lru_cache(maxsize=65536)
def clean_cell(raw: str) -> str:
    """One cell (or line) of source text → clean display text (may hold newlines for lists)."""
    if not raw:
        return ""
    text = raw
    if "ชื่อผู้รับผิดชอบ" in text:
        text = _PERSON_RE.sub(r"\1[ชื่อบุคคล]", text)
    if not _SPECIAL_RE.search(text):
        return _SPACES_RE.sub(" ", text).strip()
    text = _NBSP_RE.sub(" ", text)
    text = _INDIC_RE.sub("", text)
    if "\u0e4d" in text:
        text = fix_sara_am(text)
    if "<" in text:
        text = _PRE_RE.sub(_pre_to_text, text)
        text = _URL_RE.sub(r"\1", text)
        text = re.sub(r"<li>\s*", "\n", text, flags=re.I)
        text = _BLOCK_TAG_RE.sub("\n", text)
        text = _TAG_RE.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    if "**" in text:
        text = text.replace("**", "")
    if ".." in text:
        text = _LEADERS_RE.sub(" ", text)
    if "-" in text:
        text = join_wrap_hyphens(text)
    text = text.replace("○", " ")
    arrows = "↓" in text or "→" in text or "-->" in text
    lines = []
    for line in text.split("\n"):
        line = _SPACES_RE.sub(" ", line).strip()
        if arrows:
            line = _ARROWS_RE.sub(" → ", line).strip(" →")
        if line and line not in {"-", "--", "---", "↓"}:
            lines.append(line)
    return "\n".join(lines)


@lru_cache(maxsize=65536)
def clean_inline(raw: str) -> str:
    """Like clean_cell but on one line (list items joined with spaces)."""
    return " ".join(clean_cell(raw).split("\n")).strip()


def strip_heading(line: str) -> str:
    """Drop markdown heading/bold markers from a title line."""
    line = re.sub(r"^\s*#+\s*", "", line)
    return clean_inline(line)


def split_row(line: str) -> list[str]:
    return line.split("\t")


def is_blank(line: str) -> bool:
    return not _NBSP_RE.sub("", line).strip()


@cache
def read_lines(source: str) -> tuple[str, ...]:
    """The lines of a source file (path relative to the repo root), without newlines."""
    data = (REPO_ROOT / source).read_text(encoding="utf-8")
    lines = data.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return tuple(lines)


# a table's header row read as a row ("ตัววัดผลหลัก (Key Result : KR)" / "ค่าเป้าหมาย (Target)"):
# column labels, no fact
_HEADER_WORDS = re.compile(r"^(?:ค่าเป้าหมาย|ตัวชี้วัด|ตัววัดผล|ประเด็นการพัฒนา|หน่วยงาน\s*(?:รับผิดชอบ|สนับสนุน)|หน่วยนับ|ผลการดำเนินงาน|ลำดับ)"
                           r"|Target|Key Result|Objective|ระดับหน่วยงาน")


def header_only(text: str) -> bool:
    """Whether every line (or tab-separated cell) of `text` is a column heading: a range or
    a passage that answers nothing, however many of a question's words it holds."""
    cells = [re.sub(r"\([^()]*\)", "", c).strip() for c in re.split(r"[\n\t]", text) if c.strip()]
    return bool(cells) and all(":" not in c and not re.search(r"\d", c) and _HEADER_WORDS.search(c) for c in cells)
