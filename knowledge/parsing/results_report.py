"""003: performance-agreement result forms (components, indicators, projects, results)."""

from __future__ import annotations

from knowledge.model import Section
from knowledge.parsing.overlay import build_overlay


def _primary(entry: dict, ranges: list[list[int]]) -> int:
    # indicators: the detail block (longest range) is the authoritative passage
    if entry["code"].startswith("K") and len(ranges) > 1:
        return max(range(len(ranges)), key=lambda i: ranges[i][1] - ranges[i][0])
    return 0


def _text_ranges(entry: dict, ranges: list[list[int]]) -> list[list[int]]:
    # keep the item text cohesive: the criteria/result rows plus the head of the detail block
    out = []
    for a, b in ranges:
        out.append([a, min(b, a + 12)])
    return out


def parse() -> dict[str, Section]:
    return build_overlay("003", primary=_primary, text_ranges=_text_ranges)
