"""The segmentation engines: nlpO3 (PyThaiNLP's newmm in Rust) for the runs of Thai
letters, PyThaiNLP's newmm for everything else, and newmm alone as the fallback."""

from __future__ import annotations

import os

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")

import pytest
from pythainlp.tokenize import word_tokenize
from pythainlp.util import Trie

from knowledge.text import tokenize as T
from knowledge.text.normalize import normalize

TEXTS = [
    "การจัดทำบันทึกข้อตกลงความร่วมมือ (MOU) กับเมืองพี่เมืองน้อง",
    "จัดซื้อจัดจ้างผ่านระบบ e-bidding และ e-GP ตาม TOR",
    "มาตรการป้องกันโรคติดเชื้อไวรัสโคโรนา 2019 (covid-19) ในการประชุม",
    "หนังสือที่ กท 0505/12909 ลงวันที่ 12 ม.ค. 2564 เวลา 13.30 น.",
    "คู่มือปฏิบัติงานฉบับปรับปรุงพ.ศ. 2564 ของสำนักงานการต่างประเทศ",
    "ประสานงานกับหน่วยงานต้นเรื่องกรณีที่ยังร… +รถเจ้าหน้าที่ฯเกี่ยวข้อง+รถรับ",
    "งบประมาณ 1,250,000 บาท (หนึ่งล้านสองแสนห้าหมื่นบาทถ้วน)",
]


@pytest.fixture
def newmm_only():
    """The tokenizer as it is without nlpO3 (newmm for every text)."""
    saved = T._o3.module
    T._o3.module = None
    T._dictionary_changed()
    try:
        yield
    finally:
        T._o3.module = saved
        T._dictionary_changed()


def _tokens_of(texts):
    T._dictionary_changed()  # no memo from the other engine
    return [T.word_tokens(normalize(t)) for t in texts]


@pytest.mark.skipif(T._o3.module is None, reason="nlpo3 is not installed")
def test_english_codes_and_punctuation_segment_as_with_newmm(newmm_only):
    before = _tokens_of(TEXTS)
    T._o3.module = pytest.importorskip("nlpo3")
    after = _tokens_of(TEXTS)
    assert T.segmenter() == "nlpo3"
    assert after == before
    flat = {t for toks in after for t in toks}
    assert {"mou", "e-bidding", "e-gp", "tor", "covid-19", "0505", "12909", "พ.ศ", "13.30", "1,250,000"} <= flat


def test_dictionary_prefixes_are_the_tries():
    d = T._dictionary()
    words = ["สวัส", "สวัสดี", "ดี", "ครับ", "ดีครับ", "ก", "พ.ศ."]
    trie, mine = Trie(words), T._Dictionary()
    mine.update(words)
    for text in ["สวัสดีครับ", "ดีครับพ.ศ.", "ก", "", "กข"]:
        for i in range(len(text) + 1):
            assert mine.prefixes(text, i) == trie.prefixes(text, i)
    assert mine.without("สวัสดี").prefixes("สวัสดีครับ") == ["สวัส"]
    # newmm with the whole dictionary: the same words as with a Trie of it
    text = normalize(TEXTS[0] + " " + TEXTS[4])
    assert word_tokenize(text, custom_dict=d, engine="newmm") == word_tokenize(
        text, custom_dict=Trie(d.words), engine="newmm"
    )


def test_words_added_later_are_kept_whole():
    word = "กุญแจเมืองทดสอบ"
    assert word not in T.word_tokens(word)
    loads = T._o3.loads
    T.add_domain_words([word])
    assert word in T.word_tokens(word)
    assert T.compound_parts(word)[:2] == ("กุญแจเมือง", "ทดสอบ")
    assert T._o3.loads == loads  # a few words wait: nlpO3 keeps every dictionary it loads


@pytest.mark.skipif(T._o3.module is None, reason="nlpo3 is not installed")
def test_pending_words_are_loaded_once_much_text_was_checked(monkeypatch):
    word = "ทดสอบคำรอโหลด"
    T.word_tokens("ก่อน")  # a dictionary is loaded
    T.add_dictionary_words([word])
    assert word in T._o3.pending.words
    monkeypatch.setattr(T._NlpO3, "RELOAD_AFTER", 10)
    T._o3.checked = 0
    loads = T._o3.loads
    assert word in T.word_tokens("มี" + word + "ใหม่")  # newmm for this piece: 19 letters checked
    assert T._o3.loads == loads
    assert word in T.word_tokens(word + "อีก")  # now nlpO3 holds it
    assert T._o3.loads == loads + 1 and not T._o3.pending.words


def test_engine_name():
    assert T.segmenter() in {"nlpo3", "newmm"}


def test_without_a_temporary_directory_newmm_does_it_all(monkeypatch, newmm_only):
    import tempfile

    def no_tmp(*args, **kwargs):
        raise OSError("read-only file system")

    monkeypatch.setattr(tempfile, "mkstemp", no_tmp)
    T._o3.module = pytest.importorskip("nlpo3")  # the fixture puts the engine back
    T._dictionary_changed()
    assert "mou" in T.word_tokens(normalize(TEXTS[0]))
    assert T.segmenter() == "newmm"


def test_a_general_word_that_splits_the_manuals_terms_is_dropped():
    # "ขั้นตอนแรก" is ขั้นตอน + แรก (the first step), not ขั้น + ตอนแรก, whose "ตอนแรก"
    # the manuals never use and so weighed the most of the question's words
    assert T.terms("ขั้นตอนแรกรับเรื่อง") == ["ขันตอน", "แรก", "รับ", "เรือง"]
    assert T.terms("ตอนแรกทำอะไร") == ["ตอน", "แรก", "ทำ"]


def test_question_words_typed_by_officers_carry_no_weight():
    # "นานแค่ไหน", "…ใช่ไหม" and "เท่าไหร" typed without its tone marks ask; they name nothing
    from knowledge.text.normalize import normalize
    from knowledge.text.synonyms import fix_typos

    assert T.terms("ใช้เวลานานแค่ไหน") == ["ใชเวลา", "นาน"]
    assert T.terms("e-glossary ใช่ไหม") == ["e-glossary"]
    assert T.terms(fix_typos(normalize("ใช้เวลาเทาไหร"))) == ["ใชเวลา"]


def test_a_foreign_place_name_stays_one_word():
    from knowledge.text.normalize import normalize
    from knowledge.text.tokenize import word_tokens

    assert "ไอจิ" in word_tokens(normalize("แลกเปลี่ยนเยาวชนกับจังหวัดไอจิ"))
    assert "โยโกฮาม่า" in word_tokens(normalize("ประชุมที่โยโกฮาม่า"))
