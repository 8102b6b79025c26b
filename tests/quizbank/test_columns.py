# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The column-by-column path for usual rows gives exactly what the general row path gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from quizbank.columns import RawColumns, RawQuestion, Where, build_question, build_usual
from quizbank.model import QType, SourceRef

# Cell texts as displayed (already cleaned), chosen to hit every branch of both paths.
_TYPES = st.sampled_from(["", "单选题", "多选题", "判断题", "填空题", "简答题", "单选", "不定项", "问答", "题型X", "single"])
_ANSWERS = st.sampled_from(["", "A", "B", "C", "D", "H", "AC", "CA", "ABD", "AA", "a", "A、B", "B,D", "AE", "正确", "错误",
                            "对", "×", "√", "T", "是", "甲", "腐败；反腐败", "公安/警察", "；", "依法、规范、文明。"])
_OPTIONS = st.sampled_from(["", "违法行为", "A. 违法行为", "B、依法", "正确", "错误", "甲", "Ａ", "one two"])
_LEVELS = st.sampled_from(["", "简单", "中等", "困难", "1", "3", "4", "5", "很难", "难度X"])
_SCORES = st.sampled_from(["", "1", "2.5", "0", "两分"])
_TEXT = st.sampled_from(["", "道路交通安全法", "党风廉政建设", "x"])
_TAGS = st.sampled_from(["", "党建", "党建,法律", "a；b"])


@st.composite
def raw_rows(draw: st.DrawFn) -> RawQuestion:
    return RawQuestion(draw(_TYPES), draw(_TEXT), draw(st.lists(_OPTIONS, max_size=8)), draw(_ANSWERS),
                       draw(_TEXT), draw(_TEXT), draw(_LEVELS), draw(_SCORES), draw(_TAGS))


def _columns(rows: list[RawQuestion]) -> RawColumns:
    width = max((len(r.options or []) for r in rows), default=0)
    options = [tuple((r.options or []) + [""] * (width - len(r.options or []))) for r in rows]
    return RawColumns([r.type_text for r in rows], [r.stem for r in rows], options, [r.answer for r in rows],
                      [r.explanation for r in rows], [r.category for r in rows], [r.difficulty for r in rows],
                      [r.score for r in rows], [r.tags for r in rows])


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(raw_rows(), min_size=1, max_size=30), default=st.sampled_from([None, *QType]),
       five=st.booleans())
def test_usual_rows_build_like_the_general_path(rows: list[RawQuestion], default: QType | None, five: bool) -> None:
    built = build_usual(_columns(rows), "题库.xlsx", "Sheet1", 5, default, five)
    assert len(built) == len(rows)
    for k, (raw, fast) in enumerate(zip(rows, built, strict=True)):
        width = max((len(r.options or []) for r in rows), default=0)
        raw.options = (raw.options or []) + [""] * (width - len(raw.options or []))
        slow, problems = build_question(raw, Where("题库.xlsx", "Sheet1", 5 + k), default, five)
        if fast is not None:
            assert problems == [] and fast == slow and fast.source == slow.source == SourceRef("题库.xlsx", "Sheet1",
                                                                                              5 + k, None)


def test_the_usual_rows_of_a_bank_take_the_column_path() -> None:
    """Each type's everyday row is usual; the rows needing the general path are not."""
    rows = [
        RawQuestion("单选题", "题干一", ["甲", "乙", "丙", "丁"], "B", "解析", "法律", "简单", "2"),
        RawQuestion("多选题", "题干二", ["甲", "乙", "丙", "丁"], "ACD", difficulty="困难"),
        RawQuestion("判断题", "题干三", ["", "", "", ""], "正确"),
        RawQuestion("填空题", "题干（ ）", ["", "", "", ""], "腐败；反腐败/廉洁"),
        RawQuestion("简答题", "题干五", ["", "", "", ""], "要点"),
        RawQuestion("单选题", "题干5b", ["甲", "乙", "", ""], "B"),          # two options, blank columns after
        RawQuestion("单选题", "题干六", ["A. 甲", "B. 乙", "", ""], "A"),      # option prefixes
        RawQuestion("单选题", "题干七", ["甲", "乙", "", ""], "甲"),           # answer as option text
        RawQuestion("", "题干八", ["甲", "乙", "", ""], "AB"),                # type inferred
        RawQuestion("单选题", "题干九", ["甲", "乙", "", ""], "C"),            # not an option: an error
    ]
    built = build_usual(_columns(rows), "f.xlsx", None, 2)
    assert [q is not None for q in built] == [True] * 6 + [False] * 4
    assert built[3] is not None and built[3].blanks == [["腐败"], ["反腐败", "廉洁"]]
