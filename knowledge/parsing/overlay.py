"""Catalogue overlay for the plan/report documents (001, 003, 004).

The whole document is first parsed by the generic block parser (parts, paragraphs, table
rows, so every line can be cited). Then every catalogued project / KPI / measure gets one
keyed Section whose spans are the registry's line ranges (primary first) and whose text is
the clean text of those ranges, so "by name" questions land on one cohesive passage.
Generic rows that lie inside an item's primary range are re-parented under it and share
its key.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable

from knowledge.model import Section
from knowledge.parsing.blocks import parse_blocks
from knowledge.parsing.registry import REGISTRY
from knowledge.parsing.text import clean_inline
from knowledge.parsing.tree import TreeBuilder, start_document

_THAI_RE = re.compile("[\u0e01-\u0e4e]")
MAX_TEXT = 2500

# kind of catalogue item → Section.kind (by_key looks up procedure/project/kpi)
_KIND = {"project": "project", "kpi": "kpi", "measure": "project", "paragraph": "kpi", "procedure": "procedure"}


def item_title(tb: TreeBuilder, entry: dict, first: int) -> str:
    name = re.sub(r"\[[^\]]*\]", "", entry["name"]).replace("…", " ").strip()
    name = re.sub(r"\s+", " ", name)
    if _THAI_RE.search(name) and "→" not in name:
        return name
    line = clean_inline(tb.lines[first - 1].split("\t")[0]) or clean_inline(tb.lines[first - 1])
    return line[:120] or name


def _within(generic: list[Section], starts: list[int], first: int, last: int) -> list[Section]:
    """Generic sections (sorted by first line) lying wholly inside [first, last]."""
    i = bisect.bisect_left(starts, first)
    out = []
    while i < len(generic) and starts[i] <= last:
        if generic[i].spans[0].last <= last:
            out.append(generic[i])
        i += 1
    return out


def build_overlay(
    doc: str,
    toc_ranges: list[tuple[int, int]] = (),
    primary: Callable[[dict, list[list[int]]], int] = lambda e, r: 0,
    text_ranges: Callable[[dict, list[list[int]]], list[list[int]]] | None = None,
    extra: Callable[[TreeBuilder, str, Section], None] | None = None,
) -> dict[str, Section]:
    tb, root = start_document(doc, wrap=True)
    n = len(tb.lines)
    parse_blocks(tb, root, 1, n, set(), doc, list(toc_ranges))
    generic = sorted(
        (s for s in tb.sections.values() if s.kind in {"paragraph", "table_row"}), key=lambda g: g.spans[0].first
    )
    starts = [g.spans[0].first for g in generic]
    taken: set[str] = set()
    entries = [e for e in REGISTRY if e["doc"] == doc]
    # indicators first: a KPI's definition rows belong to the KPI, not to one of its projects
    entries.sort(key=lambda e: e["kind"] != "kpi")
    for entry in entries:
        ranges = [[a, min(b, n)] for a, b in entry["ranges"] if 1 <= a <= n]
        if not ranges:
            continue
        p = primary(entry, ranges)
        ordered = [ranges[p]] + [r for i, r in enumerate(ranges) if i != p]
        spans = []
        for a, b in ordered:
            t = tb.tight(a, b)
            if t and tb.span(*t) not in spans:
                spans.append(tb.span(*t))
        if not spans:
            continue
        chosen = text_ranges(entry, ordered) if text_ranges else ordered
        body = []
        for a, b in chosen:
            t = tb.tight(a, b)
            if not t:
                continue
            inside = [g.text for g in _within(generic, starts, *t)]
            part = "\n".join(inside) if inside else tb.text_of(*t)
            if part and part not in body:
                body.append(part)
        text = "\n".join(body)
        if len(text) > MAX_TEXT:
            text = text[: MAX_TEXT - 1] + "…"
        title = item_title(tb, entry, spans[0].first)
        facets = {k: str(entry[k]) for k in ("budget", "target", "gloss", "context") if entry.get(k)}
        if entry["kind"] in {"measure", "paragraph"}:
            facets["type"] = entry["kind"] if entry["kind"] == "measure" else "plan_element"
        aliases = [
            a for a in (entry.get("notes_name"), entry["name"]) if a and a != title and _THAI_RE.search(a)
        ]
        item = tb.add(
            f"{doc}/{entry['code']}", _KIND[entry["kind"]], title, text or title, spans, root, key=entry["key"],
            facets=facets, aliases=aliases,
        )
        own = [(sp.first, sp.last) for i, sp in enumerate(spans) if i == 0 or sp.last > sp.first]
        first, last = spans[0].first, spans[0].last
        for s in (g for a, b in own for g in _within(generic, starts, a, b)):
            if s.id in taken or tb.sections[s.parent].kind not in {"part", "document"}:
                continue
            tb.sections[s.parent].children.remove(s.id)
            s.parent = item.id
            s.key = entry["key"]
            if not s.title.startswith(title):
                s.title = f"{title} – {s.title}"
            item.children.append(s.id)
            taken.add(s.id)
            if (s.spans[0].first, s.spans[0].last) == (first, last):
                s.searchable = False  # the item itself is the same passage
        if extra:
            extra(tb, entry["code"], item)
    return tb.ordered(doc)
