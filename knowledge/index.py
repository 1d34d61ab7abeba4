"""The search index: BM25F-style word postings, character-trigram postings and the
metadata needed to rank, explain and cite passages.

Built from a `Corpus` (knowledge.corpus.load_corpus when it exists; a line-level
fallback otherwise). Everything here is plain Python / numpy so it pickles quickly.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

import numpy as np

from knowledge.catalogue import YEAR_BOUND_KINDS
from knowledge.model import Corpus, Document, Section, Span
from knowledge.parsing.text import header_only, read_lines
from knowledge.text.facts import DOCUMENT_WORDS, NO_BUDGET, ROLE_WORDS, SUM, TIME_SPAN, TIME_SPAN_OR_YEARS
from knowledge.text.normalize import month_pattern, normalize
from knowledge.text.synonyms import expand_synonyms, fix_typos
from knowledge.text.tokenize import terms, tone_key

_CITY = "กรุงเทพมหานคร"  # the city every issuing unit belongs to: it names no one document

REPO_ROOT = Path(__file__).resolve().parent.parent
SOURCES_DIR = REPO_ROOT / "knowledge" / "sources"

# kinds that are navigation or containers, never an answer by themselves
NON_ANSWER_KINDS = frozenset({"document", "part", "unit", "toc"})
OWNER_KINDS = frozenset({"procedure", "project", "kpi"})

# field weights (BM25F): body, own title, context (procedure title + aliases + ancestors)
W_BODY, W_TITLE, W_CTX = 1.0, 2.5, 1.5
K1, B = 1.2, 0.6
K1_NG, B_NG = 1.0, 0.5
MAX_BODY_CHARS = 6000


def clean_for_index(text: str) -> str:
    """normalise -> fix the manuals' typos -> append canonical synonyms."""
    return expand_synonyms(fix_typos(normalize(text)))


@dataclass
class Postings:
    idx: np.ndarray  # int32 unit indices
    w: np.ndarray  # float32 precomputed BM25 contributions (idf included)


@dataclass
class Unit:
    """One indexed passage (a searchable Section)."""

    sid: str
    doc: str
    kind: str
    key: str | None
    title: str
    source: str
    lines: tuple[int, int]
    flags: frozenset = frozenset()  # duration | role | forms | definition | money
    norm_title: str = ""  # tone-stripped, no spaces: for phrase checks
    norm_text: str = ""  # tone-stripped, no spaces (first MAX_BODY_CHARS)
    term_set: frozenset = frozenset()  # every field
    own_terms: frozenset = frozenset()  # body + own title only (what tells siblings apart)
    display: str = ""  # display text (first HIT_TEXT_CHARS), prepared once at build time


@dataclass
class Index:
    units: list[Unit]
    words: dict[str, Postings]
    ngrams: dict[str, Postings]
    idf: dict[str, float]
    ng_idf: dict[str, float]
    vocab: list[str]  # word terms for typo-tolerant expansion
    n: int
    extra: dict = field(default_factory=dict)


_DURATION_RE = re.compile(TIME_SPAN_OR_YEARS + r"|ภายใน|ไม่เกิน|ก่อน.{0,12}วัน")
# a length of time written in the passage's own words ("คืนภายใน ๓๐ วัน"), not only in a
# step table's time column (how long the office takes to do the step)
_STATED_TIME_RE = re.compile(TIME_SPAN)
_ROLE_RE = re.compile(ROLE_WORDS)
_FORMS_RE = re.compile(DOCUMENT_WORDS)
# a month (as the manuals write one: "ก.ย.", "กย.", "กันยายน"), a period or a quarter
_SCHEDULE_RE = re.compile(month_pattern() + r"|ช่วงเวลา|ไตรมาส")
_DEFINITION_RE = re.compile(r"หมายถึง|หมายความว่า|คำจำกัดความ|นิยาม|ความหมาย")
# what a post or unit is charged with (not "เจ้าหน้าที่", an officer)
_DUTIES_RE = re.compile(r"หน้าที่ความรับผิดชอบ|อำนาจหน้าที่|มีหน้าที่")
# a sum of money: the alternatives, each searched only in a text holding a word it cannot
# match without (a passage full of numbers and no บาท is not scanned digit by digit)
_MONEY_RES = (
    (("บาท", "ล้าน", ","), re.compile(SUM)),
    (("งบประมาณ",), re.compile(r"งบประมาณ\s*\(?บาท|" + NO_BUDGET)),
)


def unit_flags(section: Section, raw_all: str) -> frozenset:
    """What kind of facts a passage holds, for intent boosts."""
    norm = normalize(raw_all)
    flags = set()
    if _DURATION_RE.search(norm) or any(st.duration for st in section.steps):
        flags.add("duration")
    if any(_STATED_TIME_RE.search(normalize(t)) for t in [st.text for st in section.steps] or [section.text] if t):
        flags.add("stated_duration")
    if _ROLE_RE.search(norm) or any(st.responsible for st in section.steps):
        flags.add("role")
    if _FORMS_RE.search(norm) or any(st.forms for st in section.steps):
        flags.add("forms")
    if _DEFINITION_RE.search(norm):
        flags.add("definition")
    if _DUTIES_RE.search(norm):
        flags.add("duties")
    if any(any(w in norm for w in needles) and rx.search(norm) for needles, rx in _MONEY_RES):
        flags.add("money")
    if _SCHEDULE_RE.search(norm):
        flags.add("schedule")
    return frozenset(flags)


def _section_body(section: Section) -> str:
    parts = [section.text or ""]
    if not section.text:
        for st in section.steps:
            parts.append(" ".join(x for x in (st.text, st.responsible, st.standard, st.forms) if x))
    for v in section.facets.values():
        if v and v not in parts[0]:
            parts.append(v)
    return "\n".join(p for p in parts if p)


def _context(corpus: Corpus, section: Section, owners: dict[str, Section]) -> str:
    ctx = []
    owner = owners.get(section.key) if section.key else None
    if owner is not None and owner.id != section.id:
        ctx.append(owner.title)
    if owner is not None:
        ctx.extend(owner.aliases)
    ctx.extend(section.aliases)
    # the nearest two ancestors' titles (unit / part) help "which group does X"
    for anc in corpus.ancestors(section)[:2]:
        if anc.kind not in {"document"} and (owner is None or anc.id != owner.id):
            ctx.append(anc.title)
    doc = corpus.documents.get(section.doc)
    if doc is not None and doc.kind in YEAR_BOUND_KINDS:
        # a plan's or report's every row is of that plan ("งบรวมแผนปฏิบัติการปี 2568")
        ctx.append(doc.title)
    return " ".join(dict.fromkeys(c for c in ctx if c))


def _bm25_postings(tfs: list[Counter], lengths: np.ndarray, k1: float, b: float):
    """Postings of every term (units in order) with their BM25 weights, and the idf."""
    n = len(tfs)
    terms = list(dict.fromkeys(chain.from_iterable(tfs)))  # first-seen order
    tid = {t: j for j, t in enumerate(terms)}
    total = sum(len(tf) for tf in tfs)
    t_ids = np.fromiter(map(tid.__getitem__, chain.from_iterable(tfs)), np.int64, total)
    freqs = np.fromiter(chain.from_iterable(tf.values() for tf in tfs), np.float64, total)
    units = np.repeat(np.arange(n, dtype=np.int64), np.fromiter((len(tf) for tf in tfs), np.int64, n))
    return _postings(terms, t_ids, units, freqs, lengths, k1, b)


def _postings(terms: list[str], t_ids: np.ndarray, units: np.ndarray, freqs: np.ndarray, lengths, k1, b):
    """`_bm25_postings` from the (term id, unit, frequency) of every term of every unit.

    Vectorised: the weights are the same float64 operations, in the same order, as
    `idf[t] * f * (k1 + 1) / (f + norm[i])` term by term, so they are bit-identical."""
    n = len(lengths)
    avg = float(lengths.mean()) if n else 1.0
    df = np.bincount(t_ids, minlength=len(terms)).tolist()
    idf = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in zip(terms, df)}
    norm = k1 * (1 - b + b * lengths / max(avg, 1e-9))
    idf_arr = np.fromiter(idf.values(), np.float64, len(terms))
    w = (idf_arr[t_ids] * freqs * (k1 + 1) / (freqs + norm[units])).astype(np.float32)
    order = np.argsort(t_ids, kind="stable")
    idx_sorted = units[order].astype(np.int32)
    w_sorted = w[order]
    ends = np.cumsum(df).tolist()
    postings = {}
    start = 0
    for t, end in zip(terms, ends):
        postings[t] = Postings(idx_sorted[start:end], w_sorted[start:end])
        start = end
    return postings, idf


# --- character trigrams as numbers: three 21-bit code points in a uint64 ---------------
# (every code point is below 2**21). A key shorter than a trigram is its own n-gram
# (`key_ngrams`), padded with _NO_CHAR, which is no code point.
_NO_CHAR = 0x1FFFFF


def _ngram_codes(key: str) -> np.ndarray:
    """`key_ngrams(key)` as codes, in order."""
    a = np.frombuffer(key.encode("utf-32-le"), np.uint32).astype(np.uint64)
    if 0 < len(a) < 3:
        a = np.concatenate([a, np.full(3 - len(a), _NO_CHAR, np.uint64)])
    return (a[:-2] << np.uint64(42)) | (a[1:-1] << np.uint64(21)) | a[2:]


def _ngram_strings(codes: np.ndarray) -> list[str]:
    """The n-grams of codes (decoded all at once: three code points per code)."""
    mask = np.uint64(_NO_CHAR)
    chars = np.stack([codes >> np.uint64(42), (codes >> np.uint64(21)) & mask, codes & mask], 1)
    short = (chars == _NO_CHAR).any(1)
    text = np.where(short[:, None], ord(" "), chars).astype(np.uint32).tobytes().decode("utf-32-le")
    out = [text[i : i + 3] for i in range(0, len(text), 3)]
    for i in np.flatnonzero(short).tolist():
        out[i] = "".join(chr(c) for c in chars[i].tolist() if c != _NO_CHAR)
    return out


def _unit_ngrams(body: np.ndarray, ctx: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """One unit's n-gram counts: the codes of body (each occurrence counted) and ctx
    (distinct codes, one each), as distinct codes, their counts and the unit's length.

    Counted unit by unit while the index is built, so the build never holds every
    occurrence of the corpus at once (it halves the arrays that set the peak memory)."""
    codes, counts = np.unique(np.concatenate([body, ctx]), return_counts=True)
    return codes, counts.astype(np.int32), len(body) + len(ctx)


def _ngram_postings(per_unit: list[tuple[np.ndarray, np.ndarray, int]], k1: float, b: float):
    """`_bm25_postings` of the n-gram counts of every unit (`_unit_ngrams`); a unit's length
    is its number of n-grams + 1."""
    n = len(per_unit)
    lengths = np.fromiter((m for _, _, m in per_unit), np.float64, n) + 1
    sizes = np.fromiter((len(c) for c, _, _ in per_unit), np.int64, n)
    uniq, t_ids = np.unique(np.concatenate([c for c, _, _ in per_unit]) if n else np.zeros(0, np.uint64),
                            return_inverse=True)
    freqs = np.concatenate([f for _, f, _ in per_unit]).astype(np.float64) if n else np.zeros(0)
    units = np.repeat(np.arange(n, dtype=np.int64), sizes)
    # one entry per (term, unit), sorted so
    order = np.lexsort((units, t_ids))
    return _postings(_ngram_strings(uniq), t_ids[order], units[order], freqs[order], lengths, k1, b)


HIT_TEXT_CHARS = 2000  # a hit carries the start of its passage (LINE shows far less)


def _display(section: Section) -> str:
    from knowledge.answer import display_text

    return display_text(section, HIT_TEXT_CHARS)


def build_index(corpus: Corpus) -> Index:
    owners = {s.key: s for s in corpus.sections.values() if s.key and s.kind in OWNER_KINDS}
    units: list[Unit] = []
    word_tfs: list[Counter] = []
    ng_counts: list[tuple[np.ndarray, np.ndarray, int]] = []
    lengths: list[float] = []
    # a context is shared by the passages of a procedure: cleaned and tokenised once
    ctx_seen: dict[str, tuple[str, Counter]] = {}
    ctx_keys: dict[str, str] = {}
    for section in corpus.sections.values():
        if not section.searchable or section.kind in NON_ANSWER_KINDS or not section.spans:
            continue
        if section.kind == "table_row" and header_only(section.text or ""):
            continue  # a header row read as a row: its column labels ("หน่วยงานรับผิดชอบหลัก") state nothing
        body_raw = _section_body(section)
        if not body_raw.strip() and not section.title.strip():
            continue
        body = clean_for_index(body_raw[: MAX_BODY_CHARS * 2])
        title = clean_for_index(section.title or "")
        tb = Counter(terms(body, parts=True))
        tt = Counter(terms(title, parts=True))
        raw_ctx = _context(corpus, section, owners)
        ctx_terms = ctx_seen.get(raw_ctx)
        if ctx_terms is None:
            ctx = clean_for_index(raw_ctx)
            ctx_terms = ctx_seen[raw_ctx] = (ctx, Counter(terms(ctx, parts=True)))
        ctx, tc = ctx_terms
        tf: Counter = Counter()
        for c, w in ((tb, W_BODY), (tt, W_TITLE), (tc, W_CTX)):
            for t, f in c.items():
                tf[t] += w * f
        if not tf:
            continue
        # tone keys: strip_tones(a + " " + b).replace(" ", "") == key(a) + key(b)
        title_key = tone_key(title)
        body_key = tone_key(body[:MAX_BODY_CHARS])
        ctx_key = ctx_keys.get(ctx)
        if ctx_key is None:
            ctx_key = ctx_keys[ctx] = tone_key(ctx)
        span = section.span
        doc = corpus.documents.get(section.doc)
        units.append(
            Unit(
                sid=section.id,
                doc=section.doc,
                kind=section.kind,
                key=section.key,
                title=section.title,
                source=span.source or (doc.source if doc else ""),
                lines=(span.first, span.last),
                flags=unit_flags(section, section.title + " " + body_raw),
                norm_title=title_key,
                norm_text=body_key,
                term_set=frozenset(tf),
                own_terms=frozenset(tb) | frozenset(tt),
                display=_display(section),
            )
        )
        word_tfs.append(tf)
        ng_counts.append(_unit_ngrams(_ngram_codes(title_key + body_key), np.unique(_ngram_codes(title_key + ctx_key))))
        lengths.append(sum(tb.values()) + 0.5 * sum(tt.values()) + 2)
    words, idf = _bm25_postings(word_tfs, np.asarray(lengths, np.float64), K1, B)
    ngrams, ng_idf = _ngram_postings(ng_counts, K1_NG, B_NG)
    vocab = sorted(t for t in words if len(t) >= 3 and not t.isdigit())
    index = Index(units=units, words=words, ngrams=ngrams, idf=idf, ng_idf=ng_idf, vocab=vocab, n=len(units))
    index.extra["doc_years"] = {d: doc.year_be for d, doc in corpus.documents.items()}
    # the issuing unit's own names (the words of Document.unit but the city's own name), so
    # "สพส." (สำนักพัฒนาสังคม) or "กองนโยบายฯ" points to 002
    index.extra["doc_units"] = {
        d: [normalize(w) for w in doc.unit.split() if w != _CITY] if doc.unit else [] for d, doc in corpus.documents.items()
    }
    pos = {u.sid: i for i, u in enumerate(units)}
    index.extra["parent"] = {
        i: pos[corpus.sections[u.sid].parent] for i, u in enumerate(units) if corpus.sections[u.sid].parent in pos
    }
    index.extra["spans"] = citable_spans(corpus, units)
    return index


@dataclass(frozen=True)
class CitableSpan:
    """One line range of a passage cited from several places (a procedure: its step table,
    framework, requirements; a plan's project: its summary row and its own section), with
    what that range alone holds, so an answer can cite the range that states the fact."""

    lines: tuple[int, int]  # to cite: the range, or the whole passage holding it
    terms: frozenset  # of the range alone
    norm_text: str  # tone-stripped, no spaces (see tone_key)
    section_id: str | None  # the passage answering for the range: its own part, or the one holding it


# a flowchart's lane labels or a procedure's one-line scope state no fact worth citing alone
_UNCITED_PARTS = frozenset({"flowchart", "scope"})


HOLDER_LOOKBACK = 40  # passages starting before a range that may hold it


def _holder(rows: list[tuple[int, int, str]], first: int, last: int) -> str | None:
    """The shortest passage of `rows` (sorted (first, last, id)) holding lines first..last."""
    k = bisect.bisect_right(rows, (first, float("inf"), ""))
    best = None
    for a, b, sid in rows[max(0, k - HOLDER_LOOKBACK) : k]:
        if a <= first and last <= b and (best is None or b - a < best[1] - best[0]):
            best = (a, b, sid)
    return best[2] if best else None


def citable_spans(corpus: Corpus, units: list[Unit]) -> dict[int, list[CitableSpan]]:
    """The ranges of every passage with more than one, its primary range first."""
    out: dict[int, list[CitableSpan]] = {}
    # the passages that are not cited from several ranges, by document and first line
    plain: dict[str, list[tuple[int, int, str]]] = {}
    for u in units:
        if len(corpus.sections[u.sid].spans) == 1:
            plain.setdefault(u.doc, []).append((u.lines[0], u.lines[1], u.sid))
    for rows in plain.values():
        rows.sort()
    for i, u in enumerate(units):
        section = corpus.sections[u.sid]
        if len(section.spans) < 2:
            continue
        parts = {(c.span.first, c.span.last): c for c in corpus.children(section) if c.spans}
        spans = []
        for k, span in enumerate(section.spans):
            child = parts.get((span.first, span.last))
            if k and child is not None and child.kind in _UNCITED_PARTS:
                continue
            text = clean_for_index("\n".join(read_lines(span.source or u.source)[span.first - 1 : span.last]))
            # a range that is no part of its own is answered from the passage holding it
            holder = (child.id if child is not None else _holder(plain.get(u.doc, []), span.first, span.last)) if k else None
            lines = (span.first, span.last)
            if holder is not None:
                lines = (corpus.sections[holder].span.first, corpus.sections[holder].span.last)
            spans.append(CitableSpan(lines, frozenset(terms(text, parts=True)), tone_key(text), holder))
        if len(spans) > 1:
            out[i] = spans
    return out


# --- a line-level fallback corpus (used until / unless knowledge.corpus exists) ---------

DOC_FILES = {
    "000": ("fao_operations_manual_2564.txt", "คู่มือปฏิบัติงาน สำนักงานการต่างประเทศ ฉบับปรับปรุง พ.ศ. 2564", "คู่มือปฏิบัติงาน สนง.การต่างประเทศ 2564", "สำนักงานการต่างประเทศ", 2564, "manual"),
    "001": ("fad_action_plan_2560.txt", "แผนปฏิบัติการประจำปี พ.ศ. 2560 กองการต่างประเทศ", "แผนปฏิบัติการ กองการต่างประเทศ 2560", "กองการต่างประเทศ", 2560, "action_plan"),
    "002": ("sdd_policy_planning_manual_2564.txt", "คู่มือการปฏิบัติงาน กองนโยบายและแผนงาน สำนักพัฒนาสังคม", "คู่มือปฏิบัติงาน กองนโยบายและแผนงาน สพส.", "กองนโยบายและแผนงาน สำนักพัฒนาสังคม", 2564, "manual"),
    "003": ("fao_performance_report_2564.txt", "แบบฟอร์มการรายงานผลการปฏิบัติราชการตามคำรับรอง ประจำปีงบประมาณ พ.ศ. 2564", "รายงานผลตามคำรับรอง 2564", "สำนักงานการต่างประเทศ", 2564, "results_report"),
    "004": ("fao_action_plan_2568.txt", "แผนปฏิบัติการประจำปี พ.ศ. 2568 สำนักงานการต่างประเทศ", "แผนปฏิบัติการ สนง.การต่างประเทศ 2568", "สำนักงานการต่างประเทศ", 2568, "action_plan"),
}

_TOC_LINE_RE = re.compile(r"\.{4,}|…{2,}|\t[-๐-๙0-9]+-?\s*$")


def fallback_corpus() -> Corpus:
    """One paragraph per non-empty line, titled by the nearest heading; TOC lines unsearchable."""
    documents: dict[str, Document] = {}
    sections: dict[str, Section] = {}
    for doc, (fname, title, short, unit, year, kind) in DOC_FILES.items():
        source = f"knowledge/sources/{fname}"
        documents[doc] = Document(doc, source, title, short, unit, year, kind)
        heading = title
        in_toc = False
        for no, line in enumerate((SOURCES_DIR / fname).read_text(encoding="utf-8").splitlines(), 1):
            s = line.strip()
            if not s:
                continue
            if s.startswith("#"):
                heading = s.lstrip("#").strip()
                in_toc = "สารบัญ" in heading
                continue
            sid = f"{doc}:L{no}"
            sections[sid] = Section(
                id=sid, doc=doc, kind="paragraph", title=heading, text=s,
                spans=[Span(source, no, no)], searchable=not (in_toc or _TOC_LINE_RE.search(s)),
            )
    return Corpus(documents=documents, sections=sections)


def load_any_corpus() -> Corpus:
    """The parsed corpus; the line-level fallback if the parser is missing or fails."""
    import logging
    import os

    if os.environ.get("KNOWLEDGE_FALLBACK_CORPUS") == "1":
        return fallback_corpus()
    try:
        from knowledge.corpus import load_corpus  # the parser engineer's module

        corpus = load_corpus()
        if not corpus.sections:
            raise ValueError("empty corpus")
        return corpus
    except Exception as exc:  # noqa: BLE001 - never leave the bot without an index
        logging.getLogger(__name__).warning("parsed corpus unavailable (%s); using line fallback", exc)
        return fallback_corpus()
