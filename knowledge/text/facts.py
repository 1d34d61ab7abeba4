"""How the manuals write the facts questions ask for: a length of time, a sum of money,
someone in charge, a document.

One set of patterns, read by the index (which facts a passage holds), the search (the
figure a question asks for) and the answers (the part of a passage they quote), so that
the three agree on what "30 วัน", "1,500,000 บาท" or a person in charge is. All are written for normalised text (Arabic
digits); the search applies them to tone-stripped text without spaces, where the optional
spaces simply match nothing.
"""

from __future__ import annotations

# a number or a range of numbers ("30", "1,500", "1.5", "5 - 7")
NUMBER_SPAN = r"\d[\d,.]*\s*(?:-\s*\d[\d,.]*\s*)?"

# a unit of time as the manuals write it, longest first ("วันทำการ" before "วัน"); PDF
# extraction sometimes splits วันทำการ ("วัน ทำการ")
TIME_UNIT = r"(?:วัน\s*ทำการ|วัน|ชั่วโมง|ชม\.?|นาที|สัปดาห์|เดือน)"
TIME_UNIT_OR_YEARS = r"(?:วัน\s*ทำการ|วัน|ชั่วโมง|ชม\.?|นาที|สัปดาห์|เดือน|ปี)"

# a length of time stated in words: "30 วัน", "1-2 ชั่วโมง", "5 วันทำการ"
TIME_SPAN = NUMBER_SPAN + TIME_UNIT
# the same, or a number of years ("ภายใน 2 ปี"): what a duration cell or rule may say
TIME_SPAN_OR_YEARS = NUMBER_SPAN + TIME_UNIT_OR_YEARS

# a sum of money: a number with บาท or ล้าน, or a number grouped by thousands ("23,219,000")
SUM = r"\d[\d,.]*\s*(?:บาท|ล้าน)|\d{1,3}(?:,\d{3})+"
# a sum in baht as an answer quotes it ("26,000,000.- บาท", "1.5 ล้านบาท")
BAHT_AMOUNT = r"\d[\d,]*(?:\.\d+)?(?:\.-)?\s*(?:ล้าน)?\s*บาท"
# what a plan says of a project that costs nothing
NO_BUDGET = "ไม่ใช้งบประมาณ"

# someone in charge: a post, a unit "รับผิดชอบ", who signs
ROLE_WORDS = r"รับผิดชอบ|เจ้าภาพ|ผู้อำนวยการ|ผอ\.|หัวหน้า|นักวิเทศ|เจ้าพนักงาน|เจ้าหน้าที่|ผู้ว่าราชการ|ปลัด|ลงนาม"
# a document: a form ("แบบ ๑ กท"), papers, evidence, a copy, a receipt
DOCUMENT_WORDS = r"แบบฟอร์ม|แบบ\s*\S|เอกสาร|หลักฐาน|สำเนา|ใบเสร็จ"
