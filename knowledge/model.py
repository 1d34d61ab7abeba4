"""The shapes that flow from the parsers to the index and to answers.

Every passage keeps its provenance (source file and 1-based inclusive line span) so
that an answer can always say where it came from. Display text is cleaned; the
source files themselves are never changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Span:
    """A 1-based inclusive line range in a source file (path relative to the repo root)."""

    source: str
    first: int
    last: int

    def as_list(self) -> list[int]:
        return [self.first, self.last]


@dataclass(frozen=True, slots=True)
class Document:
    """One catalogued source: what answers show as the citation's first half."""

    doc: str  # short stable id: "000" … "004"
    source: str  # path relative to the repo root, e.g. knowledge/sources/fao_operations_manual_2564.txt
    title: str  # Thai title as officers know it
    short_title: str  # a few words for cards
    unit: str  # issuing unit (Thai)
    year_be: int  # Buddhist Era year of issue
    kind: str  # "manual" | "action_plan" | "results_report"


@dataclass(frozen=True, slots=True)
class Duration:
    """A step's duration parsed from free text; `raw` is always kept for display."""

    raw: str
    min: float | None = None
    max: float | None = None
    unit: str | None = None  # minute | hour | day | workday | week | month | page-rate …
    anchor: str | None = None  # "before_event" when the manual counts back from the event


@dataclass(slots=True)
class Step:
    """One row of a step-by-step table (continuation rows already joined)."""

    no: str  # "1", "2", … as printed (Arabic digits)
    text: str  # clean detail of the work
    duration: Duration | None = None
    responsible: str = ""
    standard: str = ""  # มาตรฐานคุณภาพงาน: time rules often live here
    monitoring: str = ""
    forms: str = ""
    references: str = ""
    flow_label: str = ""  # the flowchart box label, when one survived
    span: Span | None = None


@dataclass(slots=True)
class Section:
    """A node of a document's tree: document → part → unit → procedure → step/table row.

    `key` is the catalogue code of the procedure / project / KPI the section belongs
    to ("000:P4", "000:A12", "004:KR1.1" …); every section under a procedure shares it.
    `searchable` is False for tables of contents and other navigation that must never
    win a search.
    """

    id: str
    doc: str
    kind: str  # document|part|unit|procedure|steps|step|scope|framework|requirements|flowchart|project|kpi|paragraph|table_row|toc
    title: str
    text: str
    spans: list[Span]
    key: str | None = None
    parent: str | None = None
    children: list[str] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    facets: dict[str, str] = field(default_factory=dict)  # regulations, requirements, scope, stakeholders, documents, budget, kpi …
    aliases: list[str] = field(default_factory=list)  # other names the same thing goes by in the manual
    searchable: bool = True

    @property
    def span(self) -> Span:
        """The primary span: the one a citation points to."""
        return self.spans[0]


@dataclass(slots=True)
class Corpus:
    """All parsed documents: the one thing the index is built from."""

    documents: dict[str, Document]
    sections: dict[str, Section]  # by id, in document order

    def children(self, section: Section) -> list[Section]:
        return [self.sections[c] for c in section.children]

    def ancestors(self, section: Section) -> list[Section]:
        out: list[Section] = []
        parent = section.parent
        while parent is not None:
            node = self.sections[parent]
            out.append(node)
            parent = node.parent
        return out

    def by_key(self, key: str) -> Section | None:
        """The procedure / project / KPI section that owns a catalogue key."""
        for section in self.sections.values():
            if section.key == key and section.kind in {"procedure", "project", "kpi"}:
                return section
        return None
