"""Abbreviations, synonyms and the manuals' own typos (table in knowledge/data/synonyms.tsv).

`fix_typos` replaces known misspellings with the right word; `expand_synonyms` appends
the canonical form of every abbreviation or synonym found, so that "กทม." in a manual
and "กรุงเทพมหานคร" in a question (or the other way round) share a token.
Both work on text already passed through `normalize`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from knowledge.text.normalize import normalize, strip_tones

TABLE_PATH = Path(__file__).resolve().parent.parent / "data" / "synonyms.tsv"


@dataclass(frozen=True)
class SynonymTable:
    typos: dict[str, str]  # variant -> right word
    synonyms: dict[str, str]  # variant (or canonical) -> canonical
    typo_re: re.Pattern | None
    syn_re: re.Pattern | None
    related: dict[str, tuple[str, ...]] = field(default_factory=dict)  # everyday wording -> the manuals' terms
    rel_re: re.Pattern | None = None

    def groups(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for variant, canonical in self.synonyms.items():
            out.setdefault(canonical, []).append(variant)
        return out


def _pattern(variants: list[str]) -> re.Pattern | None:
    """One regex finding any variant, the longest first at each position.

    Branches are grouped by their first character ("ก(?:รุงเทพฯ|ทม.)|…"): only one
    group can match at a position, and inside it the longest variant is tried first,
    so matches are those of a flat longest-first alternation, found about 5× faster
    (the flat form made the index build scan every variant at every character).
    """
    if not variants:
        return None
    by_first: dict[str, list[str]] = {}
    for v in sorted(set(variants), key=len, reverse=True):
        by_first.setdefault(v[0], []).append(v)
    groups = []
    for first, group in by_first.items():
        # ASCII words need word boundaries ("tor" must not match inside "director"); the
        # check looks back from after the first letter, so that every branch starts with
        # a literal and the regex engine skips positions whose letter starts no variant
        # (about 4x faster over the manuals than a lookbehind in front)
        f = re.escape(first)
        after_first = r"(?<![a-z0-9]" + f + ")" if first.isascii() and first.isalnum() else ""
        rests = [re.escape(v[1:]) + (r"(?![a-z0-9])" if v[-1].isascii() and v[-1].isalnum() else "") for v in group]
        groups.append(f + after_first + "(?:" + "|".join(rests) + ")")
    return re.compile("|".join(groups))


def parse_table(text: str) -> SynonymTable:
    typos: dict[str, str] = {}
    synonyms: dict[str, str] = {}
    related: dict[str, tuple[str, ...]] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, canonical, variants = (line.split("\t") + ["", ""])[:3]
        canonical = normalize(canonical)
        items = [normalize(v) for v in variants.split("|") if v.strip()]
        if kind == "typo":
            for v in items:
                if v != canonical:
                    typos[v] = canonical
        elif kind == "syn":
            synonyms.setdefault(canonical, canonical)
            for v in items:
                synonyms.setdefault(v, canonical)
        elif kind == "rel":
            for v in items:
                if v != canonical:
                    related[v] = (*related.get(v, ()), canonical)
    for table in (typos, synonyms, related):
        _add_toneless(table)
    return SynonymTable(typos, synonyms, _pattern(list(typos)), _pattern(list(synonyms)), related, _pattern(list(related)))


TONELESS_MIN = 3  # letters: a shorter toneless spelling is too likely another word


def _add_toneless(table: dict) -> None:
    """Each variant typed without its tone marks finds the same entry ("วีซา", "ใชงบ",
    "เคลียรเงินยืม"): officers often skip them on a phone, and the index's words are
    tone-free already. A toneless spelling that is itself an entry keeps its own."""
    for variant, value in list(table.items()):
        bare = strip_tones(variant)
        if bare != variant and len(bare) >= TONELESS_MIN:
            table.setdefault(bare, value)


@lru_cache(maxsize=1)
def load_table(path: str | None = None) -> SynonymTable:
    return parse_table(Path(path or TABLE_PATH).read_text(encoding="utf-8"))


def fix_typos(text: str, table: SynonymTable | None = None) -> str:
    table = table or load_table()
    if table.typo_re is None:
        return text
    return table.typo_re.sub(lambda m: table.typos[m.group(0)], text)


_THAI_RE = re.compile(r"[\u0e01-\u0e4e]")


def _found(rx: re.Pattern, text: str):
    """The matches of `rx` that are not pieces of other words. Thai is written without
    spaces, so a variant can sit inside words: "งบ" in ยังไง|บ้าง, เครื่อง|บิน and
    กรุง|บูดาเปสต์, "กต." at the end of สกต., "ทูต" of พิธีการทูต. A match that begins inside a
    word (of three letters or more: shorter pieces are the segmenter's debris around an
    unknown abbreviation) is dropped when it also ends inside a word or inside the word it
    began in; one that runs on to a word's end is kept ("การ|ประชุม" + "ออนไลน์"). After a
    dropped match the search goes on from its next letter ("ยืมเงิน" dropped in
    "การยืม|เงินทดรองราชการ" lets "เงินทดรองราชการ" match). Words are segmented only when a
    match follows a Thai letter."""
    spans: list[tuple[int, int]] | None | bool = False
    pos = 0
    while (m := rx.search(text, pos)) is not None:
        a, z = m.span()
        if a and _THAI_RE.match(text[a - 1]) and _THAI_RE.match(text[a]):
            if spans is False:  # the whole text, as the index then segments it (its pieces are memoised)
                from knowledge.text.tokenize import token_spans  # the tokenizer reads this table first

                spans = token_spans(text)
            if spans and _is_piece(spans, a, a + len(m.group(0).rstrip("."))):  # "กต." ends at กต
                pos = a + 1
                continue
        yield m
        pos = max(z, a + 1)


def _is_piece(spans: list[tuple[int, int]], a: int, z: int) -> bool:
    """[a, z) begins inside a word of three letters or more and ends inside that word or
    inside another one."""
    inside = next(((b, e) for b, e in spans if b < a < e), None)
    if inside is None or inside[1] - inside[0] < 3:
        return False
    return z <= inside[1] or any(b < z < e for b, e in spans)


def synonyms_in(text: str, table: SynonymTable | None = None) -> list[str]:
    """Canonical forms of the abbreviations and synonyms found in `text`, in order."""
    table = table or load_table()
    if table.syn_re is None:
        return []
    seen: dict[str, None] = {}
    for m in _found(table.syn_re, text):
        seen.setdefault(table.synonyms[m.group(0)], None)
    return list(seen)


def synonym_pairs(text: str, table: SynonymTable | None = None) -> list[tuple[str, str]]:
    """(variant as found, canonical) for every synonym occurrence in `text`."""
    table = table or load_table()
    if table.syn_re is None:
        return []
    return [(m.group(0), table.synonyms[m.group(0)]) for m in _found(table.syn_re, text)]


def related_pairs(text: str, table: SynonymTable | None = None) -> list[tuple[str, str]]:
    """(everyday wording as found, a term of the manuals) for every "rel" entry in a question.

    Unlike synonyms these only widen the question (an officer's "หยั่งท่าที" looks for the
    manuals' "ทาบถาม"), never the manuals' text, and they weigh less than the words typed."""
    table = table or load_table()
    if table.rel_re is None:
        return []
    return [(m.group(0), term) for m in _found(table.rel_re, text) for term in table.related[m.group(0)]]


def abbreviation_words(table: SynonymTable | None = None) -> set[str]:
    """The dotted Thai abbreviations of the table without their dots (สกต., ผว.กทม. ->
    สกต, ผวกทม): dictionary words, so that the tokenizer keeps them whole instead of
    breaking them into meaningless pieces (สก, ต)."""
    table = table or load_table()
    out = set()
    for v, c in table.synonyms.items():
        if v != c and "." in v and " " not in v and _THAI_RE.search(v):
            for piece in v.split("."):
                if 2 <= len(piece) <= 5 and _THAI_RE.search(piece):
                    out.add(piece)
    return out


def undot_abbreviations(text: str) -> str:
    """ผอ.สกต. -> ผอ สกต (space-separated dictionary words) for the abbreviations the table
    knows, also when a PDF gap join glued one to the word before (ให้สกจ. -> ให้ สกจ);
    other dotted text (dates, พ.ศ., ก.พ.) is left as it is."""
    rx = _abbreviation_re()
    return rx.sub(lambda m: " " + m.group(1) + " ", text) if rx is not None else text


@lru_cache(maxsize=1)
def _abbreviation_re() -> re.Pattern | None:
    words = sorted(abbreviation_words(), key=len, reverse=True)
    if not words:
        return None
    return re.compile("(" + "|".join(map(re.escape, words)) + r")\.")


def expand_synonyms(text: str, table: SynonymTable | None = None) -> str:
    """Append the canonical form of every synonym found (the original text stays)."""
    extra = [c for c in synonyms_in(text, table) if c not in text]
    return text + (" " + " ".join(extra) if extra else "")
