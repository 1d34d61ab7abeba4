"""A small builder for a document's section tree (ids, parents, children, pre-order)."""

from __future__ import annotations

import re

from knowledge.catalogue import DOCUMENTS
from knowledge.model import Section, Span
from knowledge.parsing.text import clean_cell, is_blank, read_lines


_HEADING_RE = re.compile(r"^\s*#+\s*")
_CONT_RE = re.compile(r"\(\s*ต่อ\s*\)\W*$")
_DEBRIS_RE = re.compile(r"^\s*(?:#+\s*)?(?:ตารางที่\s*[๐-๙0-9]+|ตาราง|[๐-๙0-9]{1,3})\s*$")


def page_debris(line: str) -> bool:
    """A line a page break left inside a table: a caption ("ตารางที่ ๒"), a page number, or the
    table's heading repeated with "(ต่อ)" ("กระบวนการ ๑.๑ … (ต่อ)")."""
    return bool(_DEBRIS_RE.match(line) or ("\t" not in line and _CONT_RE.search(line)))


class TreeBuilder:
    """Collects the sections of one document; `ordered()` returns them in document order."""

    def __init__(self, doc: str, source: str):
        self.doc = doc
        self.source = source
        self.lines = read_lines(source)
        self.sections: dict[str, Section] = {}

    def span(self, first: int, last: int) -> Span:
        return Span(self.source, first, last)

    def tight(self, first: int, last: int) -> tuple[int, int] | None:
        """Shrink a line range to its first and last non-blank lines."""
        last = min(last, len(self.lines))
        while first <= last and is_blank(self.lines[first - 1]):
            first += 1
        while last >= first and is_blank(self.lines[last - 1]):
            last -= 1
        return (first, last) if first <= last else None

    def text_of(self, first: int, last: int) -> str:
        """Clean display text of a line range (tabs become ' | ' between cells)."""
        out: list[str] = []
        for line in self.lines[first - 1 : last]:
            if is_blank(line) or _DEBRIS_RE.match(line):
                continue
            if "\t" not in line:
                if _HEADING_RE.match(line) and _CONT_RE.search(line):
                    continue  # "(ต่อ)" page-continuation heading
                line = _HEADING_RE.sub("", line)
            cells = [clean_cell(c) for c in line.split("\t")]
            cells = [c.replace("\n", " ") if len(cells) > 1 else c for c in cells if c]
            if cells:
                out.append(" | ".join(cells))
        return "\n".join(out)

    def add(
        self,
        sid: str,
        kind: str,
        title: str,
        text: str,
        spans: list[Span],
        parent: str | None,
        key: str | None = None,
        **extra,
    ) -> Section:
        base, n = sid, 2
        while sid in self.sections:
            sid = f"{base}~{n}"
            n += 1
        section = Section(
            id=sid, doc=self.doc, kind=kind, title=title, text=text, spans=spans, key=key, parent=parent, **extra
        )
        self.sections[sid] = section
        if parent is not None:
            self.sections[parent].children.append(sid)
        return section

    def inherit_facets(self, names: tuple[str, ...] = ("regulations", "requirements", "stakeholders")) -> None:
        """Sub-procedures without their own framework rows take their parent procedure's."""
        for s in self.sections.values():
            if s.kind != "procedure" or s.parent is None:
                continue
            parent = self.sections[s.parent]
            if parent.kind != "procedure":
                continue
            for name in names:
                if name in parent.facets and name not in s.facets:
                    s.facets[name] = parent.facets[name]

    def ordered(self, root: str) -> dict[str, Section]:
        """Pre-order traversal, children sorted by their first line (document order)."""
        out: dict[str, Section] = {}

        def first_line(sid: str) -> int:
            s = self.sections[sid]
            return min(sp.first for sp in s.spans) if s.spans else 0

        stack = [root]
        while stack:
            sid = stack.pop()
            out[sid] = self.sections[sid]
            kids = sorted(self.sections[sid].children, key=first_line)
            self.sections[sid].children = kids
            stack.extend(reversed(kids))
        # anything not reachable (should not happen) keeps its place at the end
        for sid, s in self.sections.items():
            out.setdefault(sid, s)
        return out


def start_document(doc: str, wrap: bool = False) -> tuple[TreeBuilder, str]:
    """A builder for one catalogued document, with its (non-searchable) root section added.

    With `wrap`, everything hangs under one navigation part titled with the document's
    name, unit and year, so that every passage carries which plan/report it comes from
    (the plans and the report share topics; officers say "แผนปี 68", "รายงานปี 64").
    """
    d = DOCUMENTS[doc]
    tb = TreeBuilder(doc, d.source)
    span = [tb.span(1, len(tb.lines))]
    root = tb.add(doc, "document", d.title, "", span, None, searchable=False).id
    if wrap:
        year = str(d.year_be)
        title = f"{d.title} ({d.short_title}, ปี {year[-2:]})"
        root = tb.add(f"{doc}/doc", "part", title, title, list(span), root, searchable=False).id
    return tb, root


def part_lines(entries: list[dict]) -> set[int]:
    """Every line a registry entry's parts claim (the generic parser skips them)."""
    claimed: set[int] = set()
    for e in entries:
        for a, b in e["parts"].values():
            claimed.update(range(a, b + 1))
    return claimed
