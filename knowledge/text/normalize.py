"""Text normalisation shared by the index and the queries.

Small composable functions in PyThaiNLP's style. `normalize` is the one used on both
sides: whatever is done to the manuals is done to the question too.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_ZERO_WIDTH_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
# tone marks, mai taikhu, thanthakhat, nikhahit-like marks: a tone-insensitive key drops them
_TONE_MARKS = "\u0e48\u0e49\u0e4a\u0e4b\u0e47\u0e4c\u0e4d\u0e4e"
_TAG_RE = re.compile(r"<[^>]{0,200}>")
_ENTITY = {"&gt;": ">", "&lt;": "<", "&amp;": "&", "&nbsp;": " ", "&quot;": '"'}
_ENTITY_RE = re.compile("|".join(map(re.escape, _ENTITY)))
_LEADERS_RE = re.compile(r"\.{3,}|…{2,}")
# a space or hyphen between two Thai letters is a PDF line-wrap artefact (the pattern
# opens with the gap's first character, which the regex engine finds fast, rather than
# with the look-behind, which it would try at every letter)
_THAI_GAP_RE = re.compile(r"[-\s](?<=[\u0e01-\u0e4e][-\s])\s*(?=[\u0e01-\u0e4e])")
_SPACES_RE = re.compile(r"\s+")
_REPEAT_RE = re.compile(r"(?=([\u0e01-\u0e4e])\1\1)\1+")  # ครับบบบ -> ครับ
_BE_YEAR_RE = re.compile(r"(?<![0-9])25([0-9]{2})(?![0-9])")


def thai_digits_to_arabic(text: str) -> str:
    """๓๐ -> 30 (replacing only the digits present: see `drop_chars`)."""
    for i, digit in enumerate(THAI_DIGITS):
        if digit in text:
            text = text.replace(digit, "0123456789"[i])
    return text


def drop_chars(text: str, chars: str) -> str:
    """`text` without any of `chars`: replacing only the characters present is many times
    faster on Thai text than a translate table, which looks every character up."""
    for char in chars:
        if char in text:
            text = text.replace(char, "")
    return text


def remove_zero_width(text: str) -> str:
    return drop_chars(text, _ZERO_WIDTH_CHARS)


def fix_sara_am(text: str) -> str:
    """Compose a decomposed sara am (nikhahit + sara aa, tone mark in between) into ำ."""
    if "\u0e4d" not in text:
        return text
    text = text.replace("\u0e4d\u0e32", "\u0e33")
    return re.sub("\u0e4d([\u0e48-\u0e4b])\u0e32", "\\1\u0e33", text)


def strip_markup(text: str) -> str:
    """Drop HTML tags and entities and dot leaders left by the PDF extraction."""
    if "<" in text:
        text = _TAG_RE.sub(" ", text)
    if "&" in text:
        text = _ENTITY_RE.sub(lambda m: _ENTITY[m.group(0)], text)
    if "..." in text or "……" in text:
        text = _LEADERS_RE.sub(" ", text)
    return text


def join_thai_gaps(text: str) -> str:
    """`สำนักงาน-การเจ้าหน้าที่`, `ระยะ เวลา` -> one run of Thai letters."""
    return _THAI_GAP_RE.sub("", text)


def squeeze_repeats(text: str) -> str:
    return _REPEAT_RE.sub(r"\1", text)


_MONTH_ABBRS = "ม.ค ก.พ มี.ค เม.ย พ.ค มิ.ย ก.ค ส.ค ก.ย ต.ค พ.ย ธ.ค".split()
_MONTH_STEMS = "มกรา กุมภา มีนา เมษา พฤษภา มิถุนา กรกฎา สิงหา กันยา ตุลา พฤศจิกา ธันวา".split()


def month_pattern(final_dot: bool = True) -> str:
    """Regex source for a Thai month as the manuals write it: an abbreviation, its inner
    dot optional ("ก.ย.", "กย.") and its final one required unless `final_dot` is False,
    or the stem of its name ("กันยา" in กันยายน)."""
    end = r"\." if final_dot else ""
    return "|".join([a.replace(".", r"\.?") + end for a in _MONTH_ABBRS] + _MONTH_STEMS)


def strip_tones(text: str) -> str:
    """A tone-insensitive key: ไม่ -> ไม, กี่ -> กี."""
    return drop_chars(text, _TONE_MARKS)


# Thai letters that sound alike and are mistyped for each other ("ประกาส" for ประกาศ,
# "เกษียน" for เกษียณ, "บูรนาการ" for บูรณาการ): each maps to its everyday spelling
_HOMOPHONES = str.maketrans({"ศ": "ส", "ษ": "ส", "ซ": "ส", "ณ": "น", "ฬ": "ล", "ธ": "ท", "ฒ": "ท", "ฑ": "ท",
                             "ภ": "พ", "ฎ": "ด", "ฏ": "ต", "ญ": "ย", "ฐ": "ถ", "ฆ": "ค", "ฌ": "ช"})


def homophone_key(text: str) -> str:
    """A spelling-insensitive key of a (tone-stripped) word: letters that sound alike are one.
    Not PyThaiNLP's soundex: its four-letter codes make whole families of words one; this
    keeps every letter but the confusable ones."""
    return text.translate(_HOMOPHONES)


def short_be_years(text: str) -> list[str]:
    """BE years written in full give their short form too: 2568 -> ["68"]."""
    return [m.group(1) for m in _BE_YEAR_RE.finditer(text)]


@lru_cache(maxsize=4096)
def normalize(text: str, join_gaps: bool = True) -> str:
    """The canonical form matched on both sides (display text is never changed).

    NFC, zero-width removed, Thai digits to Arabic, sara am composed, markup dropped,
    PDF gaps inside Thai words joined, English lower-cased, spaces squeezed.
    """
    text = remove_zero_width(text)
    text = unicodedata.normalize("NFC", text)
    text = fix_sara_am(text)
    text = thai_digits_to_arabic(text)
    text = strip_markup(text)
    text = text.replace("\t", " ")
    if join_gaps:
        text = join_thai_gaps(text)
    text = squeeze_repeats(text)
    text = unicodedata.normalize("NFC", text.lower())
    return _SPACES_RE.sub(" ", text).strip()


# --- Thai typed on an English keyboard ------------------------------------------------

_ASCII_WORD_RE = re.compile(r"[A-Za-z;'\[\],./\\0-9\-=`]+")


def looks_like_wrong_layout(text: str, known=None) -> bool:
    """True when an ASCII message reads as Thai typed with the English keyboard layout.

    `known(word) -> bool` says whether a word is real (Thai dictionary, index vocabulary,
    synonym table); it is used twice: the ASCII words must not be known English terms,
    and the Thai reading must be mostly (>= 70% of its letters) known words.
    """
    stripped = text.strip()
    if not stripped or not stripped.isascii() or sum(c.isalpha() for c in stripped) < 3:
        return False
    from pythainlp.util import eng_to_thai

    ascii_words = [w.lower() for w in _ASCII_WORD_RE.findall(stripped)]
    if known is not None and ascii_words and all(known(w) for w in ascii_words if len(w) > 1):
        return False
    converted = eng_to_thai(stripped)
    thai = sum("\u0e01" <= c <= "\u0e4e" for c in converted)
    if thai < 0.6 * len(stripped.replace(" ", "")):
        return False
    if known is None:
        return True
    from knowledge.text.tokenize import word_tokens

    toks = [t for t in word_tokens(normalize(converted)) if t]
    total = sum(len(t) for t in toks) or 1
    good = sum(len(t) for t in toks if len(t) > 1 and known(t))
    return good / total >= 0.7


def fix_keyboard_layout(text: str, known=None) -> str:
    """Return the Thai reading of a message typed with the wrong layout, else the message."""
    if looks_like_wrong_layout(text, known):
        from pythainlp.util import eng_to_thai

        return eng_to_thai(text)
    return text
