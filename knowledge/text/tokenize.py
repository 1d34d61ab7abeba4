"""Word and character tokens for the index and the queries (PyThaiNLP's newmm; its Rust
port nlpO3 for the runs of Thai letters when installed).

The dictionary is PyThaiNLP's `thai_words()` plus domain terms (knowledge/data/
domain_words.txt, the synonym table, and titles mined from the corpus via
`add_domain_words`), so that เงินยืมใช้ในราชการ or กุญแจเมือง stay whole; index-side
tokens also carry the parts of such compounds so that partial questions still match.
Terms are tone-insensitive (tone marks stripped after segmentation).
"""

from __future__ import annotations

import os
import re
import threading
from functools import lru_cache
from pathlib import Path

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")

from knowledge.text.normalize import short_be_years, strip_tones  # noqa: E402

DOMAIN_PATH = Path(__file__).resolve().parent.parent / "data" / "domain_words.txt"

# Politeness, particles and question words: they carry no weight in a search.
STOPWORDS = frozenset(
    strip_tones(w)
    for w in """
ครับ ค่ะ คะ คับ ครับผม จ้ะ จ้า จ๊ะ นะ นะคะ นะครับ ค่า ฮะ คร้าบ ขอบคุณ หน่อย ด้วย ที ทีนะ
ขอทราบ ทราบ อยาก อยากรู้ อยากทราบ สอบถาม ถาม ขอถาม รบกวน ช่วย บอก แจ้ง ขอ เรียน
อะไร อะไรบ้าง ยังไง อย่างไร ไหม มั้ย หรือเปล่า หรือไม่ เปล่า บ้าง เท่าไร เท่าไหร่ กี่ ใด ไหน
ที่ไหน เมื่อไร เมื่อไหร่ ตอนไหน ทำไม ใคร ทั้งหมด แค่ แค่ไหน ใช่ไหม ใช่มั้ย ไง เพราะอะไร ถ้า จน บน ไว้ เอา คือ เป็น มี ได้ ให้ ของ การ และ หรือ กับ ใน ที่ ซึ่ง
ว่า จะ ต้อง ก็ แล้ว ไป มา นี้ นั้น โดย จาก ถึง เพื่อ แก่ แต่ ความ ๆ ฯ ฯลฯ เรา ผม ดิฉัน หนู
""".split()
)

_PUNCT_RE = re.compile(r"^[\s\W_]+$")
_PUNCT_RUN_RE = re.compile(r"[\s\W_]+")
_lock = threading.RLock()
_domain_words: set[str] = set()
_extra_words: set[str] = set()
_base_words: frozenset[str] = frozenset()
# (letter before, letter after) every whitespace run inside a dictionary word (บ้าๆ บอๆ):
# a run of the text between such a pair may be crossed by a word, any other run may not
_space_pairs: set[tuple[str, str]] = set()
_CUT_RE = re.compile(r"[ \t\n]+")
_THAI_RUN_RE = re.compile(r"[\u0e00-\u0e7f]+")  # what newmm counts as Thai


class _Dictionary:
    """Every dictionary word, as newmm's `custom_dict`: `prefixes(text, i)` lists the words
    that start at text[i], shortest first, exactly as pythainlp's Trie does, from a set and
    the word lengths of each first two letters (no Trie of 62,000 words to build).
    `without(word)` is the same dictionary less one word."""

    __slots__ = ("words", "lengths", "exclude")

    def __init__(self, words=None, lengths=None, exclude=None):
        self.words: set[str] = set() if words is None else words
        self.lengths: dict[str, tuple[int, ...]] = {} if lengths is None else lengths
        self.exclude = exclude

    def __bool__(self) -> bool:
        return True

    def update(self, new) -> None:
        new = {w.strip() for w in new} - {""}  # the Trie strips what it is given
        grown: dict[str, set[int]] = {}
        for w in new - self.words:
            if len(w) > 1:
                grown.setdefault(w[:2], set()).add(len(w))
        for head, ns in grown.items():
            self.lengths[head] = tuple(sorted(ns.union(self.lengths.get(head, ()))))
        self.words.update(new)

    def without(self, word: str) -> "_Dictionary":
        return _Dictionary(self.words, self.lengths, word)

    def prefixes(self, text: str, start: int = 0) -> list[str]:
        words, exclude = self.words, self.exclude
        out = []
        if start < len(text):
            c = text[start]
            if c in words and c != exclude:
                out.append(c)
            for n in self.lengths.get(text[start : start + 2], ()):
                w = text[start : start + n]
                if len(w) < n:
                    break
                if w in words and w != exclude:
                    out.append(w)
        return out


_dict = _Dictionary()
_loaded = False


def _read_domain_file() -> tuple[set[str], set[str]]:
    """The domain terms, and the general words that are no words here: a line "-ตอนแรก"
    drops ตอนแรก from the dictionary, so that "ขั้นตอนแรก" reads ขั้นตอน + แรก, not ขั้น + ตอนแรก."""
    words, not_words = set(), set()
    for line in DOMAIN_PATH.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("-"):
            not_words.add(line[1:].strip())
        elif line and not line.startswith("#"):
            words.add(line)
    return words, not_words


def _with_synonym_canonicals(words: set[str]) -> set[str]:
    from knowledge.text.synonyms import load_table

    for canonical in set(load_table().synonyms.values()):
        if canonical and " " not in canonical and not canonical.isascii():
            words.add(canonical)
    return words


def _build():
    global _base_words, _loaded
    from pythainlp.corpus import thai_words

    domain, not_words = _read_domain_file()
    _base_words = thai_words() - not_words
    if not _domain_words:
        _domain_words.update(_with_synonym_canonicals(domain))
    from knowledge.text.synonyms import abbreviation_words

    abbrs = abbreviation_words() - set(_base_words)
    _extra_words.update(abbrs)
    words = set(_base_words) | _domain_words | abbrs
    _note_space_pairs(words)
    _dict.update(words)
    _dictionary_changed()
    _loaded = True


def _note_space_pairs(words) -> None:
    for w in words:
        w = w.strip()
        if " " in w or "\t" in w or "\n" in w:
            for m in _CUT_RE.finditer(w):
                _space_pairs.add((w[m.start() - 1], w[m.end()]))


def _dictionary() -> _Dictionary:
    """The shared dictionary (thai_words + domain terms); loaded once, extended in place."""
    if not _loaded:
        with _lock:
            if not _loaded:
                _build()
    return _dict


def is_known_word(word: str) -> bool:
    """In PyThaiNLP's word list or the domain dictionary."""
    _dictionary()
    return word in _base_words or word in _domain_words or word in _extra_words


def domain_words() -> frozenset[str]:
    _dictionary()
    return frozenset(_domain_words)


def add_domain_words(words) -> None:
    """Register more domain terms (e.g. mined from the manuals' titles)."""
    _dictionary()
    new = {w.strip() for w in words if w and w.strip() and " " not in w.strip()} - _domain_words
    if _add_to_dictionary(new, _domain_words):
        compound_parts.cache_clear()


def add_dictionary_words(words) -> None:
    """Words the tokenizer should keep whole, without indexing their parts (e.g. the
    tone-stripped spellings of the manuals' words)."""
    _add_to_dictionary({w for w in {w.strip() for w in words if w} if w and " " not in w}, _extra_words)


def _add_to_dictionary(new: set[str], registry: set[str]) -> bool:
    """Put `new` words in the shared dictionary and in `registry`; tokens cached before
    are stale afterwards. Returns whether anything was added."""
    if not new:
        return False
    d = _dictionary()
    with _lock:
        fresh = new - d.words
        d.update(new)
        registry.update(new)
        _note_space_pairs(new)
        _dictionary_changed(fresh)
    return True


def _dictionary_changed(new: set[str] | None = None) -> None:
    _word_tokens_cached.cache_clear()
    _chunk_tokens.clear()
    _term_info.clear()
    _o3.changed(new)


def _newmm(text: str, dictionary: _Dictionary) -> list[str]:
    from pythainlp.tokenize import word_tokenize

    return word_tokenize(text, custom_dict=dictionary, engine="newmm", keep_whitespace=False)


# --- nlpO3: PyThaiNLP's newmm in Rust, several times faster -----------------------------
# newmm always cuts where the text changes between Thai letters and anything else, unless
# a dictionary word that mixes both (พ.ศ., บ้าๆ บอๆ) crosses there. So a text is cut at
# those places first; the pieces of Thai letters only go to nlpO3, the others to newmm,
# and text with English, numbers and punctuation segments exactly as before (covid-19,
# 0505/12909, "…"). nlpO3 itself differs from newmm on a few Thai runs (2 of the manuals'
# 11,491 pieces, e.g. เวที|ยกพื้น for เวทียก|พื้น). KNOWLEDGE_TOKENIZER=newmm turns it off.


class _NlpO3:
    """nlpO3 and its dictionary. nlpO3 cannot drop a dictionary it has loaded (~50 MB for
    these 62,000 words), so words added after a load wait in `pending`: a piece holding
    one goes to newmm instead, until enough text has been checked (an index build, not a
    few questions) that loading everything once more pays."""

    RELOAD_AFTER = 100_000  # characters of Thai checked against pending words

    def __init__(self):
        self.module = None
        if os.environ.get("KNOWLEDGE_TOKENIZER", "nlpo3") == "nlpo3":
            try:
                import nlpo3

                self.module = nlpo3
            except ImportError:
                pass
        self.name: str | None = None  # the loaded dictionary; None: load when needed
        self.loads = 0
        # the dictionary words that hold Thai and something else, by the two letters
        # around their first change from one to the other: {"ศ.": [(2, "พ.ศ."), ...]}
        self.mixed: dict[str, list[tuple[int, str]]] = {}
        self.pending = _Dictionary()
        self.checked = 0

    def changed(self, new: set[str] | None = None) -> None:
        """The dictionary has grown by `new` (None: by anything)."""
        if new is None or self.name is None:
            self.name = None
            return
        self._note_mixed(w for w in new if not _THAI_RUN_RE.fullmatch(w))
        self.pending.update(new)

    def _note_mixed(self, words) -> None:
        for w in words:
            m = _THAI_RUN_RE.search(w)
            if m is not None:
                k = m.end() if m.start() == 0 else m.start()
                self.mixed.setdefault(w[k - 1 : k + 1], []).append((k, w))

    def dict_name(self) -> str | None:
        """The name of an nlpO3 dictionary holding today's words but `pending` (written to
        a temporary file and loaded when needed)."""
        if self.module is None:
            return None
        if self.name is not None and not (self.pending.words and self.checked > self.RELOAD_AFTER):
            return self.name
        import tempfile

        self.loads += 1
        name = f"knowledge-{self.loads}"
        words = "\n".join(_dict.words)  # the mixed ones never meet a piece of Thai only
        try:
            fd, path = tempfile.mkstemp(prefix="knowledge-words-", suffix=".txt")
        except OSError:  # no writable temporary directory
            ok = False
        else:
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    fh.write(words)
                _, ok = self.module.load_dict(path, name)
            finally:
                os.unlink(path)
        if not ok:
            self.module = None  # newmm from now on
            return None
        self.mixed = {}
        self._note_mixed(_NOT_ALL_THAI_RE.findall(words))
        self.pending = _Dictionary()
        self.checked = 0
        self.name = name
        return name

    def segment(self, thai: str) -> list[str]:
        """Segment a piece of Thai letters only (after `dict_name`)."""
        if self.pending.words:
            self.checked += len(thai)
            if any(self.pending.prefixes(thai, i) for i in range(len(thai))):
                return _newmm(thai, _dict)
        return self.module.segment(thai, self.name)


_o3 = _NlpO3()
_NOT_ALL_THAI_RE = re.compile(r"^.*[^\u0e00-\u0e7f\n].*$", re.M)  # a line of such a word


def segmenter() -> str:
    """The segmentation engine in use: "nlpo3" or "newmm" (part of what an index depends on)."""
    return "newmm" if _o3.module is None else "nlpo3"


def _forced_cuts(text: str, runs: list[tuple[int, int]]) -> list[int]:
    """The places where `text` changes between Thai (`runs`) and anything else and that
    no mixed dictionary word crosses (newmm cuts there whatever the rest of the text)."""
    n = len(text)
    cuts = [p for span in runs for p in span if 0 < p < n]
    mixed = _o3.mixed
    covered = [
        (p - k, p - k + len(w)) for p in cuts for k, w in mixed.get(text[p - 1 : p + 1], ()) if text.startswith(w, p - k)
    ]
    return [p for p in cuts if not any(s < p < e for s, e in covered)] if covered else cuts


def _segment(text: str) -> list[str]:
    """newmm's words of `text`, less runs of punctuation and spaces (which `_clean_tokens`
    drops anyway): pieces of Thai letters only between forced cuts are nlpO3's."""
    d = _dictionary()
    if _o3.dict_name() is None:
        return _newmm(text, d)
    runs = [m.span() for m in _THAI_RUN_RE.finditer(text)]
    if len(runs) == 1 and runs[0][0] == 0:  # most pieces: Thai letters then spaces
        end = runs[0][1]
        if end == len(text) or text[end:].isspace():
            return _o3.segment(text[:end])
    out: list[str] = []
    pos = 0
    for cut in [*_forced_cuts(text, runs), len(text)]:
        if _THAI_RUN_RE.fullmatch(text, pos, cut):
            out.extend(_o3.segment(text[pos:cut]))
        elif not _PUNCT_RUN_RE.fullmatch(text, pos, cut):
            out.extend(_newmm(text[pos:cut], d))
        pos = cut
    return out


def word_tokens(text: str) -> tuple[str, ...]:
    """Segment normalised text into words (no spaces or punctuation, tones kept).

    Short texts (queries, titles) are cached; long passages are not kept in memory.
    """
    return _word_tokens_cached(text) if len(text) <= 256 else _word_tokens(text)


def token_spans(text: str) -> list[tuple[int, int]] | None:
    """Where the words of `word_tokens(text)` lie in `text`, as (start, end); None when they
    cannot be placed (the segmenter undots abbreviations: "กทม." gives กทม)."""
    spans, pos = [], 0
    for tok in word_tokens(text):
        i = text.find(tok, pos)
        if i < 0:
            return None
        spans.append((i, i + len(tok)))
        pos = i + len(tok)
    return spans


def _undotted(text: str) -> str:
    if "." in text:
        from knowledge.text.synonyms import undot_abbreviations

        return undot_abbreviations(text)
    return text


def _word_tokens(text: str) -> tuple[str, ...]:
    out = []
    _dictionary()
    text = _undotted(text)
    with _lock:
        for chunk in _chunks(text):
            toks = _chunk_tokens.get(chunk)
            if toks is None:
                toks = _clean_tokens(_segment(chunk))
                if len(_chunk_tokens) >= _CHUNK_CACHE_MAX:
                    _chunk_tokens.clear()
                _chunk_tokens[chunk] = toks
            out.extend(toks)
    return tuple(out)


def _clean_tokens(toks) -> tuple[str, ...]:
    out = []
    for tok in toks:
        tok = tok.strip().strip(".,:;()[]{}\"'“”‘’!?/")
        if tok and not _PUNCT_RE.match(tok):
            out.append(tok)
    return tuple(out)


# Segmentation memo. newmm starts afresh after a run of spaces / newlines that no
# dictionary word crosses (no word holds a space except the few of `_space_pairs`), and
# character clusters never span a space, so a text segments exactly as the pieces ending
# after each such run, one by one: the pieces (titles, phrases repeated across passages)
# are segmented once. Cleared whenever the dictionary changes.
_chunk_tokens: dict[str, tuple[str, ...]] = {}
_CHUNK_CACHE_MAX = 200_000


def _chunks(text: str) -> list[str]:
    """`text` cut after every whitespace run that no dictionary word may cross."""
    out = []
    start = 0
    n = len(text)
    for m in _CUT_RE.finditer(text):
        a, b = m.span()
        if b >= n:
            break
        if a > 0 and (text[a - 1], text[b]) in _space_pairs:
            continue
        out.append(text[start:b])
        start = b
    out.append(text[start:])
    return out


_word_tokens_cached = lru_cache(maxsize=16384)(_word_tokens)


@lru_cache(maxsize=65536)
def compound_parts(word: str) -> tuple[str, ...]:
    """The parts of a domain compound, recursively (พิธีมอบกุญแจเมือง -> พิธี,
    มอบกุญแจเมือง, มอบ, กุญแจเมือง, กุญแจ, เมือง); () for an ordinary word."""
    if word not in _domain_words or len(word) < 4:
        return ()
    parts = [p for p in _newmm(word, _dictionary().without(word)) if p.strip()]
    if len(parts) < 2:
        return ()
    out = list(parts)
    for p in parts:
        out.extend(compound_parts(p))
    return tuple(dict.fromkeys(out))


# While an index is built, the tone-stripped forms of toned words are collected here so
# that they can join the dictionary: a question typed without tone marks ("ขันตอน")
# then segments like the manual's "ขั้นตอน".
_toneless_seen: set[str] | None = None


def collect_toneless(on: bool) -> set[str]:
    """Start (on=True) or stop collecting toneless variants; returns what was collected."""
    global _toneless_seen
    seen = _toneless_seen or set()
    _toneless_seen = set() if on else None
    return seen


def is_stopword(term: str) -> bool:
    return term in STOPWORDS


def terms(text: str, *, parts: bool = False, keep_stopwords: bool = False) -> list[str]:
    """Search terms of normalised text: tone-stripped words, stopwords dropped.

    parts=True (index side) adds compound parts and short BE years (2568 -> 68).
    """
    out: list[str] = []
    for tok in word_tokens(text):
        info = _term_info.get(tok)
        if info is None:
            info = _token_terms(tok)
        term, toneless, its_parts = info
        if toneless and _toneless_seen is not None:
            _toneless_seen.add(term)  # stopwords too: "แลว" typed for แล้ว is then one word, dropped
        if not term or (not keep_stopwords and term in STOPWORDS):
            continue
        out.append(term)
        if parts and its_parts:
            out.extend(its_parts)
    if parts:
        out.extend(short_be_years(text))
    return out


# token -> (its term, whether the term is a toneless variant to collect, its compound
# parts' terms); cleared whenever the dictionary changes
_term_info: dict[str, tuple[str, bool, tuple[str, ...]]] = {}


# "500,000" and "500000" are one number: the manuals group thousands, officers may not
_GROUPED_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")


def _token_terms(tok: str) -> tuple[str, bool, tuple[str, ...]]:
    term = strip_tones(tok)
    toneless = term != tok and len(term) >= 3
    if _GROUPED_NUMBER.fullmatch(term):
        term = term.replace(",", "")  # no toneless spelling: a dictionary word "500000" would cut "5000000"
    its_parts = []
    for p in compound_parts(tok):
        p = strip_tones(p)
        if p not in STOPWORDS and len(p) > 1:
            its_parts.append(p)
    info = (term, toneless, tuple(its_parts))
    with _lock:
        if len(_term_info) >= _CHUNK_CACHE_MAX:
            _term_info.clear()
        _term_info[tok] = info
    return info


def tone_key(text: str) -> str:
    """strip_tones(text) with spaces removed."""
    return strip_tones(text).replace(" ", "")


def char_ngrams(text: str, n: int = 3) -> list[str]:
    """Character n-grams of the tone-stripped text with spaces removed."""
    return key_ngrams(tone_key(text), n)


def key_ngrams(s: str, n: int = 3) -> list[str]:
    """Character n-grams of a `tone_key`."""
    if len(s) < n:
        return [s] if s else []
    return [s[i : i + n] for i in range(len(s) - n + 1)]


_MAGNITUDES = "สิบ|ร้อย|พัน|หมื่น|แสน|ล้าน"
_NUMBER_WORD = re.compile(r"(?:หนึ่ง|เอ็ด|สอง|ยี่|สาม|สี่|ห้า|หก|เจ็ด|แปด|เก้า|" + _MAGNITUDES + ")+")
_MAGNITUDE = re.compile(_MAGNITUDES)


def number_words_to_digits(text: str) -> str:
    """Amounts spelt in words as digits ("เกินห้าแสน" -> "เกิน500000", "แสนสองหมื่น" ->
    "120000"): the manuals write figures in digits. Only whole words the segmenter finds
    (so เรียบร้อย and ความสัมพันธ์ keep their ร้อย and พัน), and only runs holding a
    magnitude word ("สอง" alone stays a word: "ขั้นตอนที่สอง")."""
    if not _MAGNITUDE.search(text):
        return text
    from pythainlp.util import thaiword_to_num

    spans = token_spans(text) or []
    runs: list[list[tuple[int, int]]] = []  # number words next to each other ("ห้า แสน" too)
    for a, z in spans:
        if _NUMBER_WORD.fullmatch(text[a:z]):
            if runs and not text[runs[-1][-1][1]:a].strip():
                runs[-1].append((a, z))
            else:
                runs.append([(a, z)])
    for run in reversed(runs):
        a, z = run[0][0], run[-1][1]
        spelt = "".join(text[x:y] for x, y in run)
        if _MAGNITUDE.search(spelt):
            try:
                text = text[:a] + str(thaiword_to_num(spelt)) + text[z:]
            except ValueError:
                pass
    return text
