# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""What a line of a numbered question list is: the patterns :mod:`quizbank.numbered` uses.

Question numbers (``1.`` ``1、`` ``1．`` ``1)`` ``(1)`` ``（1）`` ``第1题``, ``1<TAB>题干``, and
with care ``1 题干`` and ``9.2025年…``), option letters, labelled lines (答案：, 解析：…),
section headings (``一、单选题``, ``【多选题】``, ``判断题``, ``--- 《党章》 ---``) and answers
written inside the stem's brackets (``（ B ）``, ``( ABC )``, ``【√】``).
"""

from __future__ import annotations

import re
import unicodedata

from quizbank.model import LETTERS, QType
from quizbank.normalize import parse_judge, parse_qtype

_DIGITS = "0-9０-９"
NUMBER = re.compile(
    rf"^(?:第\s*(?P<di>[{_DIGITS}]{{1,4}})\s*题\s*[.．、:：]?"
    rf"|[(（]\s*(?P<paren>[{_DIGITS}]{{1,4}})\s*[)）]"
    rf"|(?P<plain>[{_DIGITS}]{{1,4}})\s*(?:[.．。](?![{_DIGITS}])|[、)）]))\s*(?P<rest>.*)$",
    re.S,
)
# A number ended by a tab (Word lists typed as text: "1<TAB>题干"), looked for in the raw line.
TAB_NUMBER = re.compile(rf"^[ \u3000\u00a0]*(?P<n>[{_DIGITS}]{{1,4}})[ \u3000\u00a0]*\t\s*(?P<rest>\S.*)$", re.S)
# Weaker forms, taken only where the next number is due: "1 题干" and "9.2025年…" (a stem that
# starts with digits right after its number).
SPACE_NUMBER = re.compile(rf"^(?P<n>[{_DIGITS}]{{1,4}})\s+(?P<rest>[^\s{_DIGITS}].*)$", re.S)
DIGIT_NUMBER = re.compile(rf"^(?P<n>[{_DIGITS}]{{1,4}})[.．、](?P<rest>[{_DIGITS}].*)$", re.S)

_OPT = r"(?:[(（]\s*(?P<l1>[A-Ha-hＡ-Ｈａ-ｈ])\s*[)）]|(?P<l2>[A-HＡ-Ｈ])\s*[.．、:：)）])"
OPTION_START = re.compile(rf"^{_OPT}")
OPTION_ANY = re.compile(rf"(?:(?<=\s)|^){_OPT}")

KEYS = {
    "answer": ("正确答案", "参考答案", "标准答案", "答案", "答"),
    "explanation": ("答案解析", "试题解析", "题目解析", "解析", "解答", "详解", "分析"),
    "difficulty": ("难易程度", "难易度", "难度"),
    "category": ("所属分类", "分类", "知识点", "类别", "章节", "考点"),
    "score": ("分值", "分数"),
    "tags": ("标签", "关键词"),
    "qtype": ("题型",),
}
KEY_KIND = {k: kind for kind, keys in KEYS.items() for k in keys}
LABEL = re.compile(
    r"^[【\[]?\s*(?P<key>" + "|".join(sorted(KEY_KIND, key=len, reverse=True)) + r")\s*"
    r"(?:[】\]]\s*[:：]?|[:：])\s*(?P<val>.*)$",
    re.S,
)
INLINE_ANSWER = re.compile(r"\s*【(?:正确答案|参考答案|标准答案|答案)】\s*(?P<val>[^\n【]*)")
INLINE_EXPLANATION = re.compile(r"\s*(?:【(?:答案解析|解析)】|(?<=\s)解析\s*[:：])\s*")

_CN = "一二三四五六七八九十"
_HEAD_PREFIX = re.compile(rf"^(?:[{_CN}]+\s*[、.．]|第[{_CN}0-9]+(?:部分|大题|节)[、:：.．]?|[(（][{_CN}]+[)）])\s*")
_HEAD_TAIL = re.compile(r"(?:\s*[（(][^（）()]*[)）])+\s*$|\s*[:：。]\s*$")
_HEAD_BODY = re.compile(r"^[\u4e00-\u9fffA-Za-z/ ]{2,12}$")
_BARE_TYPES = {"单选", "多选", "判断", "填空", "简答", "问答", "论述"}
# "--- 《党章》 ---", "=== 第一章 ===", "*** 单选题 ***": a title between runs of dashes.
_DECORATED = re.compile(r"^[-—–=*#~_]{2,}\s*(?P<title>.*?)\s*[-—–=*#~_]{2,}$")
HEADING_MAX = 60    # longer lines are never headings (and never go through the patterns below)

BRACKET = re.compile(r"[（(]\s*([^（）()\n]{0,40}?)\s*[)）]")
_ANSWER_BRACKET = re.compile(r"[（(【\[]\s*([^（）()【】\[\]\n]{0,40}?)\s*[)）】\]]")
_JUDGE_MARKS = {"√", "×", "✓", "✗", "✔", "✘", "正确", "错误", "对", "错"}
_TRAILING_MARK = re.compile(r"^(?P<stem>.*\S)\s*(?P<mark>[√×✓✗✔✘])$", re.S)
_LETTER_GAPS = re.compile(r"[\s、,，]")
EMPTY_BRACKET = "（ ）"

DIFFICULTY = {
    "简单": 1, "容易": 1, "易": 1, "较易": 1, "1": 1,
    "中等": 2, "中": 2, "一般": 2, "适中": 2, "2": 2,
    "困难": 3, "难": 3, "较难": 3, "3": 3,
}
LIST_SPLIT = re.compile(r"\s*[，,、;；]\s*")


def digit(text: str) -> int:
    return int(unicodedata.normalize("NFKC", text))


def option_letter(match: re.Match[str]) -> str:
    """The upper-case letter of an option mark found by :data:`OPTION_START`/:data:`OPTION_ANY`."""
    return unicodedata.normalize("NFKC", match.group("l1") or match.group("l2")).upper()


def heading(text: str) -> tuple[bool, QType | None]:
    """(is a heading, its type) for a cleaned line."""
    if len(text) > HEADING_MAX:
        return False, None
    decorated = _DECORATED.match(text)
    if decorated:
        title = decorated.group("title")
        qtype = parse_qtype(title) if _HEAD_BODY.match(_HEAD_TAIL.sub("", title).strip("【】[] ")) else None
        return True, qtype
    m = _HEAD_PREFIX.match(text)
    body = text[m.end():] if m else text
    bracketed = body.startswith(("【", "[")) and body.endswith(("】", "]"))
    body = body.strip("【】[] ")
    body = _HEAD_TAIL.sub("", body).strip("【】[] ")
    if not _HEAD_BODY.match(body):
        return (bool(m) and not body, None)
    qtype = parse_qtype(body)
    if qtype is not None and (m or bracketed or body.endswith("题") or body in _BARE_TYPES):
        return True, qtype
    return bool(m), None


def answer_from_stem(stem: str, qtype: QType | None, options: list[str]) -> tuple[str, str]:
    """Take an answer written inside the stem's brackets; returns (stem, raw answer).

    Choice answers may sit in any bracket (（ B ）, ( ABC ), 【B】, [A、C]) with any spacing;
    judge marks (√ × 正确 错) likewise or after the stem; under a 填空题 heading every
    non-empty round bracket is a blank. The bracket is then left as ``（ ）``.
    """
    if qtype is QType.FILL:
        found = [m for m in BRACKET.finditer(stem) if m.group(1).strip()]
        if not found:
            return stem, ""
        for m in reversed(found):
            stem = stem[: m.start()] + EMPTY_BRACKET + stem[m.end():]
        return stem, "；".join(m.group(1).strip() for m in found)
    choice = qtype in (QType.SINGLE, QType.MULTIPLE) or (qtype is None and options)
    judge = qtype is QType.JUDGE or (qtype is None and not options)
    for m in reversed(list(_ANSWER_BRACKET.finditer(stem))):
        content = m.group(1).strip()
        if choice:
            letters = _LETTER_GAPS.sub("", unicodedata.normalize("NFKC", content))
            ok = bool(letters) and all(c in LETTERS[: len(options)] for c in letters.upper())
        else:
            ok = judge and content in _JUDGE_MARKS
        if ok:
            return stem[: m.start()] + EMPTY_BRACKET + stem[m.end():], content
    if qtype is QType.JUDGE:
        trailing = _TRAILING_MARK.match(stem)
        if trailing and parse_judge(trailing.group("mark")):
            return trailing.group("stem"), trailing.group("mark")
    return stem, ""
