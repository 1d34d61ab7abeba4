"""Ranking: word BM25F + character trigrams + typo-tolerant expansion, then a rerank
with phrase/title boosts and the passage type the question asks for (intent)."""

from __future__ import annotations

import math
import re
from functools import lru_cache
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process

from knowledge import catalogue
from knowledge.catalogue import DOCUMENTS, KIND_WORDS, YEAR_BOUND_KINDS
from knowledge.index import K1, Index, Unit
from knowledge.text.facts import SUM, TIME_SPAN
from knowledge.text.normalize import fix_keyboard_layout, homophone_key, month_pattern, normalize, strip_tones
from knowledge.text.synonyms import fix_typos, related_pairs, synonym_pairs, synonyms_in
from knowledge.text.tokenize import STOPWORDS, char_ngrams, number_words_to_digits, terms

# --- intents ------------------------------------------------------------------------

# งบ (budget) as a word of its own: not the ง บ where one word ends and the next begins, which
# a vowel or อก after the บ gives away: ยังไงบ้าง, ส่งบัญชี, ส่งบุคลากร, เครื่องบิน, ต้องบอก
# (tone marks stripped: ส่งบ reads สงบ). "งบเท่าไร", "ตั้งงบประมาณ" and "คำของบประมาณ" stay.
BUDGET_WORD = r"งบ(?![ะัาำิีึืุู็]|อก)"
INTENT_PATTERNS = {
    "steps": r"ขั้นตอน|ทำอย่างไร|ทำยังไง|ทำไง|(?:ดำเนินการ|ปฏิบัติ)(?:ต่อ)?(?:อย่างไร|ยังไง)|ต้องทำอะไร|วิธีการ|วิธี|กระบวนการ|กระบวนงาน|ขั้นแรก|เริ่มจาก|ลำดับ|how to|workflow|(?<![a-z])flow",
    "duration": r"กี่วัน|กี่ชั่วโมง|กี่นาที|กี่เดือน|กี่สัปดาห์|ภายใน|นานเท่า|นานไหม|ระยะเวลา|เมื่อไร|เมื่อไหร่|กำหนดส่ง|กำหนดเวลา|ใช้เวลา|deadline|ล่วงหน้า|ก่อนวัน|วันทำการ",
    "role": r"ใคร|ผู้รับผิดชอบ|(?<!หน้าที่)(?<!หน้าที่ความ)รับผิดชอบ|หน่วยงานใด|หน่วยงานไหน|หน่วยใด|หน่วยไหน|ฝ่ายไหน|ฝ่ายใด|ลงนาม|เซ็น(?!ต|เตอร์)|ผู้อนุมัติ|อนุมัติ|ผู้มีอำนาจ",
    "forms": r"เอกสาร|แบบฟอร์ม|(?<!แพลต)ฟอร์ม|หลักฐาน|ต้องใช้อะไร|ต้องเตรียมอะไร|แนบ|(?<![a-z])form",
    "framework": r"ระเบียบ|กฎหมาย|ข้อบังคับ|พ\.ร\.บ|พระราชบัญญัติ|ข้อบัญญัติ|อ้างอิง|กรอบแนวคิด|หนังสือสั่งการ|มติ",
    "budget": BUDGET_WORD + r"|กี่บาท|บาท|วงเงิน|ค่าใช้จ่าย|budget",
    "when": r"เดือนไหน|เดือนอะไร|ช่วงไหน|ช่วงเดือน|เมื่อไร|เมื่อไหร่|(?<!ขั้น)ตอนไหน|ช่วงเวลา|กำหนดการ|วันไหน|ไตรมาส|(?<!ลง)วันที่\s*(?:เท่าไร|เท่าไหร่|เท่าใด|ใด)",  # not "ลงวันที่": a letter's date
    "duties": r"(?<!เจ้า)หน้าที่|ภารกิจ",
    "definition": r"หมายถึง|หมายความว่า|คืออะไร|คือ|นิยาม|ความหมาย|แปลว่า|definition",
}
# matched tone-insensitively, so "ขันตอน" or "กีวัน" still count; not inside another word
# ("ยังไงบ้าง" holds ง บ, "เปอร์เซ็นต์" เซ็น, "แพลตฟอร์ม" ฟอร์ม, "ขั้นตอนไหน" ตอนไหน)
_INTENT_RES = {k: re.compile(strip_tones(v)) for k, v in INTENT_PATTERNS.items()}

# passage kinds that best answer each intent (multiplicative boosts)
INTENT_KINDS = {
    "steps": {"steps": 1.35, "step": 1.15, "flowchart": 1.1, "procedure": 1.2},
    "duration": {"step": 1.2, "steps": 1.25, "requirements": 1.15, "framework": 1.0, "procedure": 1.1},
    "role": {"step": 1.2, "steps": 1.25, "procedure": 1.1},
    "forms": {"steps": 1.15, "step": 1.15, "requirements": 1.1},
    "framework": {"framework": 1.35, "requirements": 1.1},
    "budget": {"project": 1.1, "table_row": 1.1},
    "definition": {"paragraph": 1.1},
}
# passage facts that answer each intent
DUTIES_BOOST = 1.3  # "ผอ. มีหน้าที่อะไร": a passage stating what a post is charged with
INTENT_FLAGS = {"duration": ("duration", 1.1), "role": ("role", 1.1), "forms": ("forms", 1.05),
                "definition": ("definition", 1.3), "duties": ("duties", DUTIES_BOOST), "budget": ("money", 1.25), "when": ("schedule", 1.2)}
YEAR_BOOST = 1.25
# A question asking how work is done holds for any year ("ปี 2569 เงินยืมคืนกี่วัน"); any
# other question naming a year asks what that year held ("ปี 2567 ผู้ว่าฯ ไปเยือนเมืองไหน"),
# which only a plan or report of that year can say. Measured: independent set's unanswerable
# 0.875 -> 0.925 and fresh 0.775 -> 0.800 not sure, no sure right answer lost on any set.
PROCEDURAL_INTENTS = frozenset({"steps", "duration", "role", "forms", "framework"})
ALL_DOCS = frozenset(DOCUMENTS)
YEAR_BOUND_DOCS = frozenset(d for d, doc in DOCUMENTS.items() if doc.kind in YEAR_BOUND_KINDS)
_YEAR_RE = re.compile(r"(?:พ\.?ศ\.?|ปี|ปีงบประมาณ|ปีงบ|fy)\s*(25\d\d|\d\d)(?!\d)|(?<!\d)(25[4-7]\d)(?!\d)")


# "ปีนี้", "ปีที่แล้ว", "ปีหน้า": a fiscal year counted from today's
_RELATIVE_YEARS = {strip_tones(k): v for k, v in {
    "ปีนี้": 0, "ปีปัจจุบัน": 0, "ปีงบประมาณนี้": 0, "ปีที่แล้ว": -1, "ปีที่ผ่านมา": -1, "ปีก่อน": -1,
    "ปีหน้า": 1, "ปีถัดไป": 1}.items()}
_RELATIVE_YEAR_RE = re.compile("|".join(sorted(_RELATIVE_YEARS, key=len, reverse=True)))


def years_in(text: str) -> set[int]:
    """BE years a question names: "ปี 68", "พ.ศ. 2568", "๒๕๖๘" -> {2568}; "ปีที่แล้ว" -> the
    fiscal year before this one."""
    out = set()
    for m in _YEAR_RE.finditer(text):
        y = m.group(1) or m.group(2)
        out.add(int(y) if len(y) == 4 else 2500 + int(y))
    relative = {_RELATIVE_YEARS[m.group(0)] for m in _RELATIVE_YEAR_RE.finditer(strip_tones(text))}
    if relative:
        this_year = catalogue.this_fiscal_year()
        out.update(this_year + k for k in relative)
    return out


# "มีกี่กระบวนงาน" counts procedures: it does not ask for any one's steps
_COUNTS_STEPS_RE = re.compile(strip_tones(r"กี่\s*(?:กระบวนงาน|กระบวนการ)"))


def detect_intents(text: str) -> set[str]:
    t = strip_tones(normalize(text))
    found = {k for k, r in _INTENT_RES.items() if r.search(t)}
    if "steps" in found and not _INTENT_RES["steps"].search(_COUNTS_STEPS_RE.sub(" ", t)):
        found.discard("steps")
    if "budget" in found:
        asked = asked_quantity(text)
        if asked is not None and asked[0] != "money" and asked[1] != strip_tones("บาท"):
            # "วงเงินไม่เกิน 5 ล้าน เสนอราคาได้กี่ครั้ง" asks for a count: the sum is its context
            found.discard("budget")
    return found


# --- small talk ---------------------------------------------------------------------

_GREETING_RE = re.compile(r"^(สวัสดี|หวัดดี|ดีค่ะ|ดีครับ|ดีจ้า|hello|hi|hey|ทัก|อรุณสวัสดิ์|ราตรีสวัสดิ์)")
_THANKS_RE = re.compile(r"^(ขอบคุณ|ขอบใจ|thank|thx|ty|ขอบพระคุณ|โอเค|ok|okay|ได้เลย|รับทราบ|เข้าใจแล้ว)")
_SMALL_FILLER = set(
    "ครับ ค่ะ คะ คับ จ้า จ้ะ นะ มาก มากๆ ๆ เลย หน่อย ทุกคน ท่าน ตอนเช้า ตอนเย็น ค่า ค้าบ ครับผม เรื่อง มีเรื่อง "
    "ถาม สอบถาม รบกวน บอท น้อง ค่ะ".split()
)


def smalltalk_kind(text: str) -> str | None:
    """"empty" | "greeting" | "thanks" | None (a real question)."""
    t = normalize(text)
    letters = re.sub(r"[^\u0e01-\u0e4ea-z0-9]", "", t)
    if not letters:
        return "empty"
    for kind, rx in (("greeting", _GREETING_RE), ("thanks", _THANKS_RE)):
        m = rx.match(t)
        if m:
            rest = t[m.end():]
            from knowledge.text.tokenize import word_tokens

            leftover = [w for w in word_tokens(rest) if w not in _SMALL_FILLER and strip_tones(w) not in STOPWORDS and re.search(r"[\u0e01-\u0e4ea-z0-9]", w)]
            if len("".join(leftover)) <= 3:
                return kind
    return None


# --- query analysis -----------------------------------------------------------------


@dataclass
class Query:
    raw: str
    text: str  # normalised, typos fixed
    content: list[str]  # content terms typed by the user (tone-stripped)
    weighted: dict[str, float]  # term -> query weight (incl. synonyms and fuzzy)
    fuzzy: dict[str, tuple[str, float]] = field(default_factory=dict)  # typed -> (vocab term, sim)
    ngrams: list[str] = field(default_factory=list)
    intents: set[str] = field(default_factory=set)
    years: set[int] = field(default_factory=set)
    alts: dict[str, set[str]] = field(default_factory=dict)  # typed term -> synonym terms
    typed: list[tuple[str, float, tuple[str, ...]]] = field(default_factory=list)  # (term, idf, parts)
    expanded: str = ""
    layout_fixed: bool = False
    # the documents of the asker's own unit (see unit_docs): preferred when the question
    # names no unit or document of its own
    home: frozenset = frozenset()


SYN_WEIGHT = 0.7
REL_WEIGHT = 0.5  # a term of the manuals that an officer's everyday wording stands for
PART_WEIGHT = 0.5
FUZZY_WEIGHT = 1.0
FUZZY_CUTOFF = 75.0


def prepare(index: Index) -> None:
    """Make the per-index tables the search fills on first use (vocabulary by length, the
    compounds, the duties passages, the titles by their first letters): at start, so the
    first questions do not wait for them (11 ms for the compounds on this session's machine)."""
    _vocab_near(index, 4)
    _vocab_homophones(index)
    _compound_map(index)
    _duties_rows_named(index, "")
    _titles_named(index, "")


def _vocab_by(index: Index, name: str, key) -> dict:
    """The index vocabulary grouped by `key(term)`, made once per index (kept in index.extra
    under `name`): the fuzzy match's tables."""
    groups = index.extra.get(name)
    if groups is None:
        groups = {}
        for v in index.vocab:
            groups.setdefault(key(v), []).append(v)
        index.extra[name] = groups
    return groups


def _vocab_near(index: Index, n: int) -> list[str]:
    """Vocabulary terms whose length can reach FUZZY_CUTOFF against an n-letter word."""
    buckets = _vocab_by(index, "_vocab_by_len", len)
    # ratio = 2*matches/(n+m) >= 0.75 needs 0.6n <= m <= 1.67n
    lo, hi = int(n * 0.6), int(n / 0.6) + 1
    out: list[str] = []
    for m in range(lo, hi + 1):
        out.extend(buckets.get(m, ()))
    return out


def _vocab_homophones(index: Index) -> dict[str, list[str]]:
    """The vocabulary by homophone key (see normalize.homophone_key)."""
    return _vocab_by(index, "_vocab_homophones", homophone_key)


COMPOUND_WEIGHT = 0.2  # query weight of a compound / part found by _compound_map
COMPOUND_MAX = 8  # compounds per typed word (the most informative first)
COMPOUND_MIN_PART = 3  # letters (tone marks stripped) in each part
COMPOUND_PARTS = True  # a typed compound also looks for its two parts


def _compound_map(index: Index) -> dict:
    """Two-part compounds of the index vocabulary whose parts are words of the manuals too:
    {"of": part -> compounds (most frequent first), "parts": compound -> parts}."""
    comp = index.extra.get("_compounds")
    if comp is None:
        words = index.idf
        of: dict[str, list[str]] = {}
        parts: dict[str, tuple[str, ...]] = {}
        for w in index.vocab:
            if len(w) < 5:
                continue
            for i in range(2, len(w) - 1):
                a, b = w[:i], w[i:]
                if a in words and b in words and len(a) >= COMPOUND_MIN_PART and len(b) >= COMPOUND_MIN_PART and a not in STOPWORDS and b not in STOPWORDS:
                    parts[w] = (a, b)
                    of.setdefault(a, []).append(w)
                    of.setdefault(b, []).append(w)
                    break
        for k in of:
            of[k].sort(key=lambda w: words[w])
        comp = index.extra["_compounds"] = {"of": of, "parts": parts}
    return comp


def _suspicious_runs(text: str) -> list[tuple[str, ...]]:
    """Runs of adjacent tokens that look like a word broken by a typo, with one known
    neighbour on each side ("ต่าง ประ เท ส" -> ("ต่าง", "ประ", "เท", "ส"))."""
    from knowledge.text.tokenize import is_known_word, word_tokens

    toks = [t for t in word_tokens(text)]
    bad = [not t.isascii() and (len(t) <= 2 or not is_known_word(t)) for t in toks]
    runs = []
    i = 0
    while i < len(toks):
        if not bad[i]:
            i += 1
            continue
        j = i
        while j < len(toks) and bad[j]:
            j += 1
        if j - i >= 2 or len(toks[i]) >= 3:
            lo = i - 1 if i > 0 and not toks[i - 1].isascii() else i
            hi = j + 1 if j < len(toks) and not toks[j].isascii() and j - i < 2 else j
            runs.append(tuple(strip_tones(t) for t in toks[lo:hi]))
            if lo < i:
                runs.append(tuple(strip_tones(t) for t in toks[i:hi]))
        i = j
    return runs


HOMOPHONE_RUN = 6  # adjacent tokens a misspelt word may have fallen into ("บูร นา การ")


def fix_homophones(index: Index, text: str) -> str:
    """`text` with every word spelt with a sound-alike letter spelt as the manuals spell it
    ("ประกาส" -> ประกาศ, "ต่างประเทส" -> ต่างประเทศ, "บูรนาการ" -> บูรณาการ), tone marks as
    typed. Such a word is often cut into words of its own (ต่าง ประ เทส), so runs of up to
    HOMOPHONE_RUN adjacent tokens are tried, the longest first. Corrected in the text, like
    the table's typos, so that synonyms, phrases and intents read the right word."""
    from knowledge.text.tokenize import token_spans

    keys = _vocab_homophones(index)
    spans = token_spans(text)
    if spans is None:
        return text
    toks = [text[a:z] for a, z in spans]
    fixes = []
    i = 0
    while i < len(toks):
        for j in range(min(len(toks), i + HOMOPHONE_RUN), i, -1):
            if any(spans[k][1] != spans[k + 1][0] for k in range(i, j - 1)):
                continue  # a space typed between them: separate words
            chunk = strip_tones("".join(toks[i:j]))
            found = keys.get(homophone_key(chunk)) if len(chunk) >= 4 and not chunk.isascii() else None
            if found and chunk not in index.words and len(found) == 1:  # one word of the manuals, not a guess
                fixes.append((spans[i][0], spans[j - 1][1], found[0]))
                i = j - 1
                break
        i += 1
    for a, z, word in reversed(fixes):
        letters = iter(word)
        text = text[:a] + "".join(ch if strip_tones(ch) == "" else next(letters) for ch in text[a:z]) + text[z:]
    return text


def _known(index: Index, word: str) -> bool:
    from knowledge.text.synonyms import load_table
    from knowledge.text.tokenize import is_known_word

    w = normalize(word)
    return is_known_word(w) or strip_tones(w) in index.words or w in load_table().synonyms


# Words that ask rather than name: "ใช้เวลากี่วัน" is answered by a step's time column, which
# never says "ใช้เวลา". Still searched for, but not among the typed words a passage is
# expected to hold (coverage, confidence). The manuals rarely write it, so it weighed as much
# as a rare topic word. Own set +1 hit@1; MRR up on the independent and fresh sets.
ASKING_WORDS = frozenset(strip_tones(w) for w in ("ใช้เวลา",))


def analyse(index: Index, raw: str, unit: str | None = None) -> Query:
    """The question, ready to score. `unit`: the asker's unit (an officer's registered
    unit), whose documents answer first when the question names none."""
    fixed = fix_keyboard_layout(raw, lambda w: _known(index, w))
    if fixed == raw and raw.isascii() and not synonyms_in(normalize(raw)):
        from pythainlp.util import eng_to_thai

        thai = eng_to_thai(raw)
        if synonyms_in(normalize(thai)) and not any(_known(index, w) for w in raw.lower().split() if len(w) > 2):
            fixed = thai
    text = fix_homophones(index, fix_typos(number_words_to_digits(normalize(fixed, join_gaps=not QUERY_SPACES))))
    content = terms(text, parts=True)
    weighted: dict[str, float] = {}
    alts: dict[str, set[str]] = {}
    typed_terms = set(terms(text, parts=False))
    for t in content:
        # the parts of a compound the user typed count less than the compound itself
        weighted[t] = max(weighted.get(t, 0.0), 1.0 if t in typed_terms else PART_WEIGHT)
    canonicals = []
    pairs = [(v, c, SYN_WEIGHT) for v, c in synonym_pairs(text)] + [(v, c, REL_WEIGHT) for v, c in related_pairs(text)]
    for variant, canonical, weight in pairs:
        canonicals.append(canonical)
        c_terms = set(terms(canonical, parts=False))
        for t in c_terms:
            weighted.setdefault(t, weight)
        for t in terms(variant, parts=True):
            alts.setdefault(t, set()).update(c_terms)
    if COMPOUND_WEIGHT:
        # a typed word that is part of a compound of the manuals (อบรม -> ฝึกอบรม), and the
        # parts of a typed compound (ฝึกอบรม -> อบรม)
        comp = _compound_map(index)
        # the unit a question counts in ("กี่สัปดาห์") is the quantity asked, not its topic: it
        # does not look for the compounds that hold it (สัปดาห์เมืองพี่เมืองน้อง, a festival's
        # name, pulled "ติดตามการตอบรับ … กี่สัปดาห์" to that procedure). Own hit@3 +1.
        asked = asked_quantity(text)
        counted = asked[1] if asked and asked[0] == "unit" else None
        for t in typed_terms:
            if t == counted:
                continue
            for w in comp["of"].get(t, ())[:COMPOUND_MAX]:
                weighted.setdefault(w, COMPOUND_WEIGHT)
            for p in comp["parts"].get(t, ()) if COMPOUND_PARTS else ():
                weighted.setdefault(p, COMPOUND_WEIGHT)
    fuzzy: dict[str, tuple[str, float]] = {}

    def add_fuzzy(typed_terms: list[str], chunk: str) -> None:
        for match, sim, _ in process.extract(chunk, _vocab_near(index, len(chunk)), scorer=fuzz.ratio, limit=2,
                                             score_cutoff=FUZZY_CUTOFF):
            w = FUZZY_WEIGHT * (sim / 100.0) ** 2
            if w > weighted.get(match, 0.0):
                weighted[match] = w
            for t in typed_terms:
                fuzzy.setdefault(t, (match, sim))

    for t in dict.fromkeys(content):
        if t in index.words or len(t) < 4 or t.isdigit():
            continue
        add_fuzzy([t], t)
    # a misspelt word falls apart into short or unknown pieces ("กุ ณ แจ"): rejoin the run
    for run in _suspicious_runs(text):
        chunk = "".join(run)
        if len(chunk) >= 4 and chunk not in index.words:
            add_fuzzy(list(run), chunk)
    max_idf = math.log(1 + (index.n + 0.5) / 0.5)
    typed = []
    for tok in dict.fromkeys(terms(text, parts=False)):
        if tok in ASKING_WORDS:
            continue
        from knowledge.text.tokenize import compound_parts

        parts = tuple(strip_tones(p) for p in compound_parts(tok)) if tok in index.idf else ()
        if not parts:
            parts = tuple(p for p in terms(tok, parts=True) if p != tok)
        typed.append((tok, index.idf.get(tok, max_idf), parts))
    ngram_src = "".join(t for t in content if not t.isdigit())
    return Query(
        raw=raw, text=text, content=list(dict.fromkeys(content)), weighted=weighted, fuzzy=fuzzy,
        ngrams=char_ngrams(ngram_src) if len(ngram_src) >= 3 else [],
        intents=detect_intents(text), years=years_in(text), layout_fixed=fixed != raw,
        alts=alts, expanded=text + " " + " ".join(canonicals), typed=typed,
        home=unit_docs(index, unit) if unit else frozenset(),
    )


# --- scoring ------------------------------------------------------------------------

W_WORD, W_NGRAM = 0.6, 0.4
CANDIDATES = 40


@dataclass
class Scored:
    unit: Unit
    i: int
    score: float
    base: float
    coverage: float  # share of the typed content terms the passage contains
    fuzzy_only: bool
    wcov: float = 0.0  # idf-weighted share of the typed words the passage contains
    missing_rare: bool = False  # a rare word of the question (in the manuals, but few places) is not here
    # the question asks for a quantity ("กี่วัน", "ปีไหน", "กี่เปอร์เซ็นต์"): does the passage state one?
    # None when it asks for none
    shaped: bool | None = None
    # the question names a year (ปี 2569) and the passage is of another year and does not
    # mention it: a plan's or report's figures are not that year's, and a manual records no
    # year's events (a manual's rule, asked with a year, still holds: see PROCEDURAL_INTENTS)
    other_year: bool = False
    # the range to cite when the passage is cited from several (see _cite_ranges): its lines,
    # and the section of exactly that range, if it is one
    cite: tuple[int, int] | None = None
    cite_section: str | None = None


def _states(index: Index, rx: "re.Pattern", i: int) -> bool:
    """Whether passage i states what `rx` looks for ("30 วัน" for "กี่วัน"), remembered per
    pattern: the patterns come from a short list of asked quantities, and each scan reads up
    to MAX_BODY_CHARS of the passage (a tenth of a query's time when not remembered)."""
    seen = index.extra.setdefault("_states", {}).get(rx.pattern)
    if seen is None:
        seen = index.extra["_states"][rx.pattern] = np.full(index.n, -1, np.int8)
    if seen[i] < 0:
        seen[i] = rx.search(index.units[i].norm_text) is not None
    return bool(seen[i])


def _accumulate(n: int, table, weights: dict[str, float]) -> np.ndarray:
    """Each unit's sum of its postings' weights times the query's, in one `bincount` over the
    concatenated postings (a fancy-indexed add per term made a temporary array per term)."""
    found = [(p, qw) for t, qw in weights.items() if (p := table.get(t)) is not None]
    if not found:
        return np.zeros(n, np.float64)
    idx = np.concatenate([p.idx for p, _ in found])
    w = np.concatenate([p.w * np.float32(qw) for p, qw in found])
    return np.bincount(idx, weights=w, minlength=n)


def doc_mentions(index: Index, q: Query) -> frozenset[str]:
    """Documents whose issuing unit the question names (after synonym expansion); of those,
    the ones of the kind it names, if any ("คู่มือ", "แผนปฏิบัติการ")."""
    text = q.expanded.replace(" ", "")
    named = _docs_named(index, text)
    # "คู่มือปฏิบัติงาน สกต.": of the unit's documents, the one of the kind named
    of_kind = {d for d, doc in DOCUMENTS.items() if any(w in text for w in KIND_WORDS.get(doc.kind, ()))}
    return (named & of_kind) or named


def _docs_named(index: Index, text: str) -> frozenset:
    """Documents whose issuing unit `text` (expanded, spaces removed) names."""
    units = index.extra.get("doc_units", {})
    return frozenset(d for d, names in units.items() if any(n in text for n in names))


def unit_docs(index: Index, unit: str) -> frozenset:
    """The documents a unit issued, by its name as an officer registered it, abbreviated or
    in full ("สพส." -> 002; "สำนักงานการต่างประเทศ" -> 000, 003, 004). Remembered per unit."""
    known = index.extra.setdefault("_unit_docs", {})
    found = known.get(unit)
    if found is None:
        found = known[unit] = _docs_named(index, analyse(index, unit).expanded.replace(" ", ""))
    return found


_THAI_GAP = re.compile(r"(?<=[\u0e01-\u0e4e])\s+(?=[\u0e01-\u0e4e])")


def _idf(index: Index, t: str) -> float:
    """How telling a typed word is; a number ("30" of "30 วัน") tells as much as a rare word."""
    return index.idf.get(t, 0.0) if not t[:1].isdigit() else PHRASE_IDF


def _query_ctx(index: Index, q: Query) -> dict:
    """Per-query tables so that rescoring a passage is a few set operations."""
    content = [t for t in q.content if not t.isdigit() or len(t) >= 2]
    fz = {t: m for t, (m, _) in q.fuzzy.items()}
    n_typed = len(q.typed)
    seq = [t for t, _, _ in q.typed]
    typed = []
    for k, (t, w, parts) in enumerate(q.typed):
        focus = w * (1.0 + FOCUS_SLOPE * (k / (n_typed - 1) - 0.5)) if n_typed > 1 else w
        typed.append((frozenset({t, *q.alts.get(t, ())}), w, frozenset(parts), fz.get(t), focus))
    docs = doc_mentions(index, q)
    return {
        "content": [(frozenset({t, *q.alts.get(t, ())}), fz.get(t)) for t in content],
        "title_terms": [t for t in seq if len(t) >= 2],
        # adjacent typed words, digits included ("1 หน้า", "30 วัน"), each with its weight; not
        # across a space typed between Thai words ("ขอช่างภาพ ขั้นตอนแรก": it ends a clause)
        "pairs": [(a + b, min(1.0, max(_idf(index, a), _idf(index, b)) / PHRASE_IDF))
                  for chunk in _THAI_GAP.split(q.text) for ws in [terms(chunk, parts=False)]
                  for a, b in zip(ws, ws[1:]) if len(a + b) >= 4],
        "typed": typed,
        "typed_total": sum(x[1] for x in typed),
        "focus_total": sum(x[4] for x in typed),
        "doc_years": index.extra.get("doc_years", {}),
        # documents whose passages hold only their own year's facts, for this question
        "year_bound": YEAR_BOUND_DOCS if PROCEDURAL_INTENTS & q.intents else ALL_DOCS,
        "figure": asked_figure_re(q.text),
        "shape": answer_shape(q.text),
        # numbers the question names (amounts, days, item numbers; not single digits)
        "numbers": [t for t in dict.fromkeys(seq) if t[:1].isdigit() and len(t) >= 2 and t in index.idf],
        "docs": docs,
        "home": frozenset() if docs else q.home,  # a unit the question names comes first
        "qnorm": strip_tones(q.expanded).replace(" ", ""),
        "boosts": [(INTENT_KINDS.get(i, {}), INTENT_FLAGS.get(i)) for i in q.intents],
        "definition": "definition" in q.intents,
        "duties": "duties" in q.intents,
        "steps": "steps" in q.intents,
        "max_idf": math.log(1 + (index.n + 0.5) / 0.5) - 1e-9,  # idf of words the manuals never use
        "rare_idf": math.log(1 + (index.n - RARE_DF + 0.5) / (RARE_DF + 0.5)) - 1e-9,
    }


# "กี่วัน", "กี่ชั่วโมง", "กี่บาท", "กี่ลิตร": the answer is a number with that unit
_ASKED_UNIT_RE = re.compile(strip_tones(r"(?:กี่|กี|เท่าไร|เท่าไหร่)\s*(วันทำการ|วัน|ชั่วโมง|ชม|นาที|สัปดาห์|อาทิตย์|เดือน|ปี|บาท|คน|ครั้ง|เมือง|ขั้นตอน|โครงการ|ฉบับ|ประเทศ|ราย|กระบวนการ|กระบวนงาน|ตัวชี้วัด|ข้อความ|กิจกรรม|แห่ง|หลักสูตร|รุ่น|ลิตร|กิโลเมตร|คัน|ที่นั่ง|เครื่อง|ชิ้น)"))
_UNIT_ALIASES = {strip_tones(k): strip_tones(v) for k, v in {
    "ชม": "ชั่วโมง|ชม", "กระบวนงาน": "กระบวนงาน|กระบวนการ", "กระบวนการ": "กระบวนงาน|กระบวนการ", "ชั่วโมง": "ชั่วโมง|ชม", "อาทิตย์": "สัปดาห์|อาทิตย์", "สัปดาห์": "สัปดาห์|อาทิตย์"}.items()}


# "ปีไหน", "พ.ศ. อะไร": the answer is a BE year; "กี่เปอร์เซ็นต์", "ร้อยละเท่าไร": a percentage
_ASKED_YEAR_RE = re.compile(strip_tones(r"(?:ปี|พ\.?ศ\.?)\s*(?:ไหน|อะไร|ใด|เท่าไร|เท่าไหร่)|ปีงบประมาณไหน|ฉบับปีไหน"))
_BE_YEAR_IN_TEXT = re.compile(r"(?<!\d)25\d\d(?!\d)")
_ASKED_PERCENT_RE = re.compile(strip_tones(r"กี่\s*(?:เปอร์เซ็นต์|%)|ร้อยละ\s*(?:เท่าไร|เท่าไหร่|กี่)|กี่\s*ร้อยละ"))
_PERCENT_IN_TEXT = re.compile(strip_tones(r"ร้อยละ\d|\d\s*%|\dเปอร์เซ็นต์"))
# "ใช้เวลาเท่าไหร่", "นานแค่ไหน": the answer is a length of time in any unit
_ASKED_HOW_LONG_RE = re.compile(strip_tones(r"(?:ใช้เวลา|ระยะเวลา|นาน)\s*(?:เท่าไร|เท่าไหร่|แค่ไหน|เท่าใด|ไหม|กี่)|นานแค่ไหน|นานเท่าไร|นานเท่าไหร่"))
# "ทุกวันที่เท่าไร", "ภายในวันที่ไหน": the answer names a day of the month or a date
_ASKED_DAY_RE = re.compile(strip_tones(r"วันที่\s*(?:เท่าไร|เท่าไหร่|ไหน|อะไร|ใด)"))
_DAY_IN_TEXT = re.compile(strip_tones(r"วันที่\d|\d+(?:" + month_pattern(final_dot=False) + ")"))
# "งบเท่าไหร่", "ค่าใช้จ่ายเท่าไร": the answer is a sum of money
# a money word, then at most three more gaps before the asking word. Each gap is one run of
# spaces: "\S*?\s*(?:\S+\s*){0,3}?" could split one run of letters in many ways, and a long
# question naming งบ without เท่าไร took 14 ms to fail.
_ASKED_MONEY_RE = re.compile(strip_tones(r"(?:" + BUDGET_WORD + r"|ค่าใช้จ่าย|วงเงิน|ราคา)(?:\S*\s+){0,3}?\S*?(?<!วันที่)\s*(?:เท่าไร|เท่าไหร่|เท่าใด)"))
_ANY_SUM = re.compile(strip_tones(SUM))
_ANY_DURATION = re.compile(strip_tones(TIME_SPAN))


@lru_cache(maxsize=1024)
def asked_quantity(text: str) -> tuple[str, str] | None:
    """The quantity a question asks for, read once for ranking, confidence and answers:
    ("year", ""), ("percent", ""), ("day", "") for "ทุกวันที่เท่าไร", ("unit", "วัน") for
    "กี่วัน", ("money", "") for "งบเท่าไหร่", ("time", "") for "ใช้เวลาเท่าไหร่"; None when
    it asks for none."""
    t = strip_tones(text)
    if _ASKED_YEAR_RE.search(t):
        return "year", ""
    if _ASKED_PERCENT_RE.search(t):
        return "percent", ""
    if _ASKED_DAY_RE.search(t):
        return "day", ""
    m = _ASKED_UNIT_RE.search(t)
    if m:
        return "unit", m.group(1)
    if _ASKED_MONEY_RE.search(t):
        return "money", ""
    return ("time", "") if _ASKED_HOW_LONG_RE.search(t) else None


@lru_cache(maxsize=1024)
def asked_figure_re(text: str):
    """The asked figure as a passage would write it ("30 วัน" for "กี่วัน"), on tone-stripped
    text without spaces: for the ranking boost, the range a passage is cited by, and the part
    of a long cell an answer keeps."""
    asked = asked_quantity(text)
    if asked is None:
        return None
    kind, unit = asked
    if kind != "unit":
        return {"year": _BE_YEAR_IN_TEXT, "percent": _PERCENT_IN_TEXT, "time": _ANY_DURATION, "money": _ANY_SUM,
                "day": _DAY_IN_TEXT}[kind]
    alts = _UNIT_ALIASES.get(unit, unit)
    return re.compile(r"\d[\d,.]*(?:-\d[\d,.]*)?(?:" + alts + ")")


_ASKED_ALLOWANCE_RE = re.compile(strip_tones(r"ได้\s*(?:สูงสุด|มากสุด|มากที่สุด|ไม่เกิน|ปีละ|ครั้งละ|รวม)?\s*(?:กี่|กี)\s*(?:วัน|ชั่วโมง|ชม|เดือน|สัปดาห์)"))
_TIME_UNITS = frozenset(strip_tones(u) for u in "วันทำการ วัน ชั่วโมง ชม นาที สัปดาห์ อาทิตย์ เดือน".split())
_ANY_NUMBER = re.compile(r"\d")


@lru_cache(maxsize=1024)
def answer_shape(text: str) -> "re.Pattern | str | None":
    """What any answer to the question must hold, loosely: a passage flag ("duration" for
    "กี่วัน", whatever the unit or a duration column without one; "money" for "กี่บาท") or a
    pattern (a BE year, a number for a percentage, a count: "3 ครั้ง", "ครั้งเดียว"). None when
    the question asks for no quantity. A passage without it cannot answer, however well its
    words match ("ลาคลอดได้กี่วัน" against the leave procedure's steps): not confident."""
    asked = asked_quantity(text)
    if asked is None:
        return None
    kind, unit = asked
    if kind == "money" or unit == strip_tones("บาท"):
        return _rate_shape(text) or "money"
    if kind != "unit":
        return {"year": _BE_YEAR_IN_TEXT, "percent": _ANY_NUMBER, "time": "duration", "day": _DAY_IN_TEXT}[kind]
    if unit in _TIME_UNITS:
        # "ลาได้กี่วัน" asks what a rule allows: a step's own time does not answer it
        return "stated_duration" if _ASKED_ALLOWANCE_RE.search(strip_tones(text)) else "duration"
    if unit == "ปี":
        return re.compile(r"\d+ปี|" + _BE_YEAR_IN_TEXT.pattern)
    unit = _UNIT_ALIASES.get(unit, unit)
    return re.compile(r"\d[\d,.]*(?:" + unit + ")|(?:" + unit + ")" + strip_tones("เดียว"))


# "หัวละกี่บาท", "ครั้งละเท่าไร": a sum per head, per meeting, per day; the answer states that rate
_RATE_RE = re.compile(strip_tones(r"(หัว|คน|ครั้ง|วัน|เดือน|ปี|ชั่วโมง|ราย)ละ"))


def _rate_shape(text: str) -> "re.Pattern | None":
    m = _RATE_RE.search(strip_tones(text))
    if m is None:
        return None
    per = m.group(1)
    return re.compile(per + strip_tones("ละ") + "|" + strip_tones("ต่อ") + per)


_DEF_TITLE = strip_tones("คำจำกัดความ")


def _defines(norm_title: str, qnorm: str) -> bool:
    """A definition passage ("คำจำกัดความ: X (Y)") whose subject X or Y the question names."""
    head, sep, subject = norm_title.partition(":")
    if not sep or _DEF_TITLE not in head:
        return False
    pieces = [subject, *re.split(r"[()]", subject)]
    return any(len(p) >= 4 and p in qnorm for p in pieces)


def _rescore(index: Index, q: Query, i: int, b: float, ctx: dict) -> Scored:
    u = index.units[i]
    terms_, own_terms = u.term_set, u.own_terms
    s = b
    # coverage of typed terms (directly, via a synonym or via a fuzzy match)
    covered = 0.0
    fuzzy_hits = 0
    content = ctx["content"]
    for alts, fz in content:
        if not alts.isdisjoint(terms_):
            covered += 1
        elif fz is not None and fz in terms_:
            covered += 0.7
            fuzzy_hits += 1
    cov = covered / len(content) if content else 0.0
    s *= 1.0 - COVERAGE_WEIGHT + COVERAGE_WEIGHT * cov
    # informativeness-weighted coverage of the words as typed (for confidence), and how
    # much of the question the passage's own text answers (siblings share the context;
    # later words weigh more: Thai questions put the topic first and the focus last)
    got = own = 0.0
    missing_rare = False
    for alts, w, parts, fz, focus in ctx["typed"]:
        if not alts.isdisjoint(terms_):
            got += w
        elif fz is not None and fz in terms_:
            got += 0.7 * w
        elif parts and parts <= terms_:
            got += 0.8 * w
        elif ctx["rare_idf"] <= w < ctx["max_idf"]:
            missing_rare = True  # a word the manuals use only here and there, not in this passage
        if not alts.isdisjoint(own_terms):
            own += focus
    wcov = got / ctx["typed_total"] if ctx["typed_total"] else 0.0
    s *= 1.0 + OWN_WEIGHT * (own / ctx["focus_total"] if ctx["focus_total"] else 0.0)
    # phrase and title matches
    pairs = ctx["pairs"]
    if pairs:
        text, title = u.norm_text, u.norm_title
        ph = sorted((w for p, w in pairs if p in title or p in text), reverse=True)
        s += PHRASE_WEIGHT * sum(ph[:PHRASE_MAX])
    if content:
        in_title = sum(1 for t in ctx["title_terms"] if t in u.norm_title)
        s += TITLE_WEIGHT * in_title / max(len(ctx["title_terms"]), 1)
    if _title_named(u, ctx["qnorm"]):
        s += TITLE_IN_QUERY
    for kinds, flag in ctx["boosts"]:
        boost = kinds.get(u.kind)
        if boost:
            s *= boost
        if flag and flag[0] in u.flags:
            s *= flag[1]
    if ctx["definition"] and "definition" in u.flags and _defines(u.norm_title, ctx["qnorm"]):
        s *= DEFINES_BOOST
    if ctx["duties"] and _duties_of_named(u, ctx["qnorm"]):
        s *= DEFINES_BOOST  # "ผอ.สกต. มีหน้าที่อะไร": the duties of the very post the question names
    if ctx["figure"] is not None and _states(index, ctx["figure"], i):
        s *= UNIT_BOOST
    shape = ctx["shape"]
    shaped = None if shape is None else (shape in u.flags if isinstance(shape, str) else _states(index, shape, i))
    nums = ctx["numbers"]
    if nums:
        found = sum(1 for n in nums if n in terms_)
        if found:
            s *= 1.0 + NUMBER_BOOST * found / len(nums)
    doc_year = ctx["doc_years"].get(u.doc)
    other_year = False
    if doc_year in q.years:
        s *= YEAR_BOOST
    elif q.years and u.doc in ctx["year_bound"]:
        other_year = not any(str(y) in u.norm_text or str(y) in u.norm_title for y in q.years)
    if u.doc in ctx["docs"]:
        s *= DOC_BOOST
    elif u.doc in ctx["home"]:
        s *= HOME_BOOST
    prior = KIND_PRIOR.get(u.kind)
    if prior:
        s *= prior
    return Scored(u, int(i), s, b, cov, fuzzy_hits > 0 and fuzzy_hits >= covered, wcov, missing_rare, shaped, other_year)


# a passage of a document the question names, or of the unit it names ("สพส." -> 002). Swept:
# from 1.25 to 1.5 the same answers (fresh +1, own MRR up), none lost; 1.15 before.
DOC_BOOST = 1.3
# the asker's own unit's documents, when the question names none: 000 and 002 describe the
# same administrative procedures (a budget request, a salary step) with other days and
# forms, and their passages score within 1% of each other. Measured by asking the three sets
# as an officer of 002: its questions +2 (own) and +3 (independent) at first place at 1.06,
# the other units' -2/-2; as an officer of สกต.: its questions +2 (own), 002's -3. 1.1 cost
# more than it gave.
HOME_BOOST = 1.06
UNIT_BOOST = 1.2  # "กี่ชั่วโมง" and the passage gives a number of hours
QUERY_SPACES = True  # a space typed between Thai words is a word boundary (the manuals' are PDF artefacts)
NUMBER_BOOST = 0.2  # a number of the question (500000, 30, 5.2) found in the passage
# flowchart passages are lane labels and arrows: a poor answer unless nothing else fits
KIND_PRIOR = {"flowchart": 0.85}
RARE_DF = 2  # a question word found in at most this many passages is "rare"
DEFINES_BOOST = 1.3  # a definition of the very thing the question names
PHRASE_WEIGHT = 0.15  # per adjacent pair of typed words found together (max 3)
PHRASE_MAX = 3
# a pair's share of PHRASE_WEIGHT: the idf of its rarer word over this, at most 1 (a pair of
# everyday words, "รับเรื่อง", is found in many a passage and tells little)
PHRASE_IDF = 4.0
TITLE_WEIGHT = 0.12  # share of typed words found in the passage title
COVERAGE_WEIGHT = 0.25
OWN_WEIGHT = 0.3
FOCUS_SLOPE = 0.5  # later typed words weigh more in own-text coverage
TITLE_IN_QUERY = 0.15  # the passage's whole title is named in the question
STEP_TO_TABLE = 0.85  # a step's share of its table's score when the question asks for steps


def score(index: Index, q: Query, top: int = 5) -> list[Scored]:
    n = index.n
    if not q.weighted and not q.ngrams:
        return []
    word = _accumulate(n, index.words, q.weighted)
    word_max = sum(qw * index.idf.get(t, 0.0) * (K1 + 1) for t, qw in q.weighted.items()) or 1.0
    ngc = Counter(q.ngrams)
    ng = _accumulate(n, index.ngrams, ngc)
    ng_max = sum(c * index.ng_idf.get(g, 0.0) * 2.0 for g, c in ngc.items()) or 1.0
    base = W_WORD * word / word_max + W_NGRAM * ng / ng_max
    k = min(CANDIDATES, n)
    cand = np.argpartition(-base, k - 1)[:k] if n > k else np.arange(n)
    ctx = _query_ctx(index, q)
    named = _titles_named(index, ctx["qnorm"])
    if named:
        # a passage whose whole title the question names (or a synonym of it does), however
        # long its text: "ตัวชี้วัดหลัก … มีอะไรบ้าง" and the list headed ผลการดำเนินการหลัก
        cand = np.union1d(cand, np.array(named, dtype=np.int64))
    if ctx["duties"]:
        # the duties table's row of the post the question names, however few words it shares
        cand = np.union1d(cand, _duties_rows_named(index, ctx["qnorm"]))
    scored: dict[int, Scored] = {}
    for i in cand:
        b = float(base[i])
        if b > 0:
            scored[int(i)] = _rescore(index, q, int(i), b, ctx)
    if "steps" in q.intents:
        # passage choice: a question about steps is answered by the whole step table
        parents = index.extra.get("parent", {})
        for i, sc in list(scored.items()):
            p = parents.get(i)
            if p is None or index.units[p].kind != "steps":
                continue
            if p not in scored:
                scored[p] = _rescore(index, q, p, float(base[p]), ctx)
            if sc.score * STEP_TO_TABLE > scored[p].score:
                scored[p].score = sc.score * STEP_TO_TABLE
    out = sorted(scored.values(), key=lambda x: -x.score)
    _cite_ranges(index, out, ctx)
    if DEDUP_SPANS:
        # one table shared by several procedures is indexed under each: show it once
        seen: set = set()
        uniq = []
        for x in out:
            span = (x.unit.source, x.cite or x.unit.lines)
            if span not in seen:
                seen.add(span)
                uniq.append(x)
        out = uniq
    if SHAPE_MARGIN and len(out) >= 2 and out[0].shaped is False:
        out = _prefer_shaped(out)
    if SIBLING_MARGIN and len(out) >= 2 and not q.intents & {"duration", "when"}:
        out = _prefer_table_for_tied_siblings(index, q, out, base, ctx)
    return out[:top]


NAMED_TITLE_MIN = 8  # letters: shorter titles ("ขั้นตอน", "หมายเหตุ") name nothing in particular


def _titles_named(index: Index, qnorm: str) -> list[int]:
    """The passages whose whole title (of NAMED_TITLE_MIN letters or more) is in `qnorm`.
    Titles are looked up by their first four letters at each place of the question, so a
    question costs some 0.05 ms, not a pass over every passage."""
    by_start = index.extra.get("_titles_by_start")
    if by_start is None:
        by_start = {}
        for i, u in enumerate(index.units):
            if len(u.norm_title) >= NAMED_TITLE_MIN:
                by_start.setdefault(u.norm_title[:4], {}).setdefault(u.norm_title, []).append(i)
        index.extra["_titles_by_start"] = by_start
    out: list[int] = []
    for p in range(len(qnorm) - NAMED_TITLE_MIN + 1):
        for title, ids in by_start.get(qnorm[p : p + 4], {}).items():
            if qnorm.startswith(title, p):
                out.extend(ids)
    return out


def _duties_of_named(u: Unit, qnorm: str) -> bool:
    """A passage stating the duties of the post or unit its title names, which the question
    names too (abbreviated or in full: `qnorm` holds the expanded question)."""
    return "duties" in u.flags and _title_named(u, qnorm)


def _title_named(u: Unit, qnorm: str) -> bool:
    """The question (`qnorm`: expanded, tone-stripped, no spaces) names the passage's whole
    title, of four letters or more. `_titles_named` finds the long ones among all passages."""
    return len(u.norm_title) >= 4 and u.norm_title in qnorm


def _duties_rows_named(index: Index, qnorm: str) -> np.ndarray:
    """Every passage `_duties_of_named` for this question (the duties passages are listed
    once per index, on first use)."""
    rows = index.extra.get("_duties_rows")
    if rows is None:
        rows = index.extra["_duties_rows"] = [i for i, u in enumerate(index.units) if "duties" in u.flags]
    return np.array([i for i in rows if _duties_of_named(index.units[i], qnorm)], dtype=np.int64)


DEDUP_SPANS = True  # passages citing the very same lines are one result
# "ปีงบ 68 งบรวมเท่าไหร่": the plan's summary row (its total cell blank) and its total row
# (23,219,000 บาท) score within 1%; the one stating what is asked is the answer. Kept tight:
# at 20% it made "สำนักพัฒนาสังคมมีบุคลากรกี่คน" a sure wrong answer (a staffing column).
# No answer moved on the question sets at 2%, 5% or 10%.
SHAPE_MARGIN = 0.05
# ... and within 20% when that passage also holds at least as much of the question's words
# (coverage and weighted coverage): "Potential Base มีกี่ตัวชี้วัด" and the plan's sentence
# "(Potential Base) … จำนวน 5 ตัวชี้วัด" under two KPI rows that state no count. Independent
# +1 at first place, own and fresh unchanged, no new sure-wrong answer; the same from 0.2 to 0.6.
SHAPE_MARGIN_FULL = 0.2


def _prefer_shaped(out: list) -> list:
    """The top passage states no quantity of the kind asked, and one of the next two, almost
    as close (or close and holding as much of the question), does: that one first (at the
    top's score, so the order reads as ranked)."""
    top = out[0]
    for j in (1, 2)[: len(out) - 1]:
        margin = SHAPE_MARGIN_FULL if out[j].wcov >= top.wcov and out[j].coverage >= top.coverage else SHAPE_MARGIN
        if out[j].shaped and out[j].score >= top.score * (1 - margin):
            out[j].score = top.score
            return [out[j]] + [x for k, x in enumerate(out) if k != j]
    return out


SIBLING_MARGIN = 0.05  # sibling steps this close at the top: answer with their table


def _prefer_table_for_tied_siblings(index: Index, q: Query, out: list, base, ctx) -> list:
    """Two steps of one table scored almost alike at the top: the question does not tell
    them apart, so the table holding both is the better answer (it shows each step).
    Not for a duration or date: that answer names one step's time."""
    parents = index.extra.get("parent", {})
    a, b = out[0], out[1]
    if a.unit.kind != "step" or b.unit.kind != "step" or b.score < a.score * (1 - SIBLING_MARGIN):
        return out
    p = parents.get(a.i)
    if p is None or p != parents.get(b.i) or index.units[p].kind != "steps":
        return out
    table = next((x for x in out if x.i == p), None) or _rescore(index, q, p, float(base[p]), ctx)
    table.score = a.score
    return [table] + [x for x in out if x.i != p]


# A passage cited from several ranges (a procedure's step table and framework; a project's
# summary row and its section) is cited by its primary range, unless another range alone
# holds more of the question: by this much of its idf-weighted words, or the figure asked
# ("ลงวันที่เท่าไร": a circular's date in the framework) where the primary range has none.
# Measured: at 0.3 independent +3 and fresh +1 at first place, own unchanged; at 0.15 own -4.
# A question asking for steps keeps the primary range, the step table: "ขั้นตอนการแปลเอกสาร
# ภาษาอังกฤษ" was cited by the framework row naming ภาษาอังกฤษ (own +1, the others unchanged).
CITE_MARGIN = 0.3
CITE_SHAPE_SLACK = 0.05  # a range stating the asked figure may hold a little less of the rest


def _cite_ranges(index: Index, out: list[Scored], ctx: dict) -> None:
    """Choose the range each multi-range passage of `out` is cited by (Scored.cite)."""
    spans = index.extra.get("spans", {})
    asked = ctx["figure"]
    total = ctx["typed_total"]
    if not total or ctx["steps"]:
        return  # steps are cited by the step table, however many words a framework row shares
    for x in out:
        ranges = spans.get(x.i)
        if not ranges:
            continue
        held = []
        for r in ranges:
            got = 0.0
            for alts, w, parts, _, _ in ctx["typed"]:
                if not alts.isdisjoint(r.terms):
                    got += w
                elif parts and parts <= r.terms:
                    got += 0.8 * w
            held.append(got / total)
        if asked is not None:
            stating = [k for k, r in enumerate(ranges) if asked.search(r.norm_text)]
            if not stating or stating[0] == 0:
                continue
            best = max((k for k in stating if held[k] >= held[0] - CITE_SHAPE_SLACK), key=held.__getitem__, default=0)
        else:
            best = max(range(len(ranges)), key=held.__getitem__)
            if held[best] <= held[0] + CITE_MARGIN:
                best = 0
        if best:
            x.cite, x.cite_section = ranges[best].lines, ranges[best].section_id
