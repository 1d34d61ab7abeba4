"""Word and character tokens for the index and the queries (PyThaiNLP newmm).

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

from knowledge.text.normalize import _TONES, short_be_years, strip_tones  # noqa: E402

DOMAIN_PATH = Path(__file__).resolve().parent.parent / "data" / "domain_words.txt"

# Politeness, particles and question words: they carry no weight in a search.
STOPWORDS = frozenset(
    strip_tones(w)
    for w in """
ครับ ค่ะ คะ คับ ครับผม จ้ะ จ้า จ๊ะ นะ นะคะ นะครับ ค่า ฮะ คร้าบ ขอบคุณ หน่อย ด้วย ที ทีนะ
ขอทราบ ทราบ อยาก อยากรู้ อยากทราบ สอบถาม ถาม ขอถาม รบกวน ช่วย บอก แจ้ง ขอ เรียน
อะไร อะไรบ้าง ยังไง อย่างไร ไหม มั้ย หรือเปล่า หรือไม่ เปล่า บ้าง เท่าไร เท่าไหร่ กี่ ใด ไหน
ที่ไหน เมื่อไร เมื่อไหร่ ตอนไหน ทำไม ใคร คือ เป็น มี ได้ ให้ ของ การ และ หรือ กับ ใน ที่ ซึ่ง
ว่า จะ ต้อง ก็ แล้ว ไป มา นี้ นั้น โดย จาก ถึง เพื่อ แก่ แต่ ความ ๆ ฯ ฯลฯ เรา ผม ดิฉัน หนู
""".split()
)

_PUNCT_RE = re.compile(r"^[\s\W_]+$")
_lock = threading.RLock()
_domain_words: set[str] = set()
_extra_words: set[str] = set()
_base_words: frozenset[str] = frozenset()
_trie = None
# (letter before, letter after) every whitespace run inside a dictionary word (บ้าๆ บอๆ):
# a run of the text between such a pair may be crossed by a word, any other run may not
_space_pairs: set[tuple[str, str]] = set()
_CUT_RE = re.compile(r"[ \t\n]+")


def _load_domain_file() -> set[str]:
    words = set()
    for line in DOMAIN_PATH.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words.add(line)
    from knowledge.text.synonyms import load_table

    for canonical in set(load_table().synonyms.values()):
        if canonical and " " not in canonical and not canonical.isascii():
            words.add(canonical)
    return words


def _build():
    global _trie, _base_words
    from pythainlp.corpus import thai_words
    from pythainlp.util import dict_trie

    _base_words = thai_words()
    if not _domain_words:
        _domain_words.update(_load_domain_file())
    from knowledge.text.synonyms import abbreviation_words

    abbrs = abbreviation_words() - set(_base_words)
    _extra_words.update(abbrs)
    words = set(_base_words) | _domain_words | abbrs
    _note_space_pairs(words)
    _trie = dict_trie(words)


def _note_space_pairs(words) -> None:
    for w in words:
        w = w.strip()
        if " " in w or "\t" in w or "\n" in w:
            for m in _CUT_RE.finditer(w):
                _space_pairs.add((w[m.start() - 1], w[m.end()]))


def get_trie():
    """One shared Trie (thai_words + domain terms); built once, extended in place."""
    if _trie is None:
        with _lock:
            if _trie is None:
                _build()
    return _trie


def is_known_word(word: str) -> bool:
    """In PyThaiNLP's word list or the domain dictionary."""
    get_trie()
    return word in _base_words or word in _domain_words or word in _extra_words


def domain_words() -> frozenset[str]:
    get_trie()
    return frozenset(_domain_words)


def add_domain_words(words) -> None:
    """Register more domain terms (e.g. mined from the manuals' titles)."""
    get_trie()
    new = {w.strip() for w in words if w and w.strip() and " " not in w.strip()} - _domain_words
    if _add_to_trie(new, _domain_words):
        compound_parts.cache_clear()


def add_dictionary_words(words) -> None:
    """Words the tokenizer should keep whole, without indexing their parts (e.g. the
    tone-stripped spellings of the manuals' words)."""
    _add_to_trie({w for w in {w.strip() for w in words if w} if w and " " not in w}, _extra_words)


def _add_to_trie(new: set[str], registry: set[str]) -> bool:
    """Put `new` words in the shared Trie and in `registry`; tokens cached before are
    stale afterwards. Returns whether anything was added."""
    if not new:
        return False
    trie = get_trie()
    with _lock:
        for w in new:
            trie.add(w)
        registry.update(new)
        _note_space_pairs(new)
        _dictionary_changed()
    return True


def _dictionary_changed() -> None:
    _word_tokens_cached.cache_clear()
    _chunk_tokens.clear()
    _term_info.clear()


def _segment(text: str, trie) -> list[str]:
    from pythainlp.tokenize import word_tokenize

    return word_tokenize(text, custom_dict=trie, engine="newmm", keep_whitespace=False)


def word_tokens(text: str) -> tuple[str, ...]:
    """Segment normalised text into words (no spaces or punctuation, tones kept).

    Short texts (queries, titles) are cached; long passages are not kept in memory.
    """
    return _word_tokens_cached(text) if len(text) <= 256 else _word_tokens(text)


def _undotted(text: str) -> str:
    if "." in text:
        from knowledge.text.synonyms import undot_abbreviations

        return undot_abbreviations(text)
    return text


def _word_tokens(text: str) -> tuple[str, ...]:
    out = []
    trie = get_trie()
    text = _undotted(text)
    with _lock:
        for chunk in _chunks(text):
            toks = _chunk_tokens.get(chunk)
            if toks is None:
                toks = _clean_tokens(_segment(chunk, trie))
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
    trie = get_trie()
    with _lock:  # take the compound out of the shared trie for a moment
        trie.remove(word)
        try:
            parts = [p for p in _segment(word, trie) if p.strip()]
        finally:
            trie.add(word)
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
        if not term or (not keep_stopwords and term in STOPWORDS):
            continue
        if toneless and _toneless_seen is not None:
            _toneless_seen.add(term)
        out.append(term)
        if parts and its_parts:
            out.extend(its_parts)
    if parts:
        out.extend(short_be_years(text))
    return out


# token -> (its term, whether the term is a toneless variant to collect, its compound
# parts' terms); cleared whenever the dictionary changes
_term_info: dict[str, tuple[str, bool, tuple[str, ...]]] = {}


def _token_terms(tok: str) -> tuple[str, bool, tuple[str, ...]]:
    term = _untoned(tok)
    its_parts = []
    for p in compound_parts(tok):
        p = _untoned(p)
        if p not in STOPWORDS and len(p) > 1:
            its_parts.append(p)
    info = (term, term != tok and len(term) >= 3, tuple(its_parts))
    with _lock:
        if len(_term_info) >= _CHUNK_CACHE_MAX:
            _term_info.clear()
        _term_info[tok] = info
    return info


_TONE_MARKS = "".join(map(chr, _TONES))  # what strip_tones drops


def _untoned(text: str) -> str:
    """strip_tones(text), several times faster than its translate table on Thai text."""
    for mark in _TONE_MARKS:
        if mark in text:
            text = text.replace(mark, "")
    return text


def tone_key(text: str) -> str:
    """strip_tones(text) with spaces removed (the same string, several times faster on
    long passages than a translate table)."""
    return _untoned(text).replace(" ", "")


def char_ngrams(text: str, n: int = 3) -> list[str]:
    """Character n-grams of the tone-stripped text with spaces removed."""
    return key_ngrams(tone_key(text), n)


def key_ngrams(s: str, n: int = 3) -> list[str]:
    """Character n-grams of a `tone_key`."""
    if len(s) < n:
        return [s] if s else []
    return [s[i : i + n] for i in range(len(s) - n + 1)]
