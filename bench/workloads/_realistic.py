# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""A realistic question bank for the import benchmarks (issue 19): long Chinese rows, as units keep them.

Each row has about 200 Chinese characters: a long stem (a legal basis, a situation and the
question), six options A–F for choice questions, an explanation, a category and a difficulty.
Single-choice, multiple-choice and true/false rows are mixed as in a real bank (45/30/25), texts
are unique, and options and categories repeat only as much as real ones do. The same rows are
written as an .xlsx with a shared-strings table (xlsxwriter's default, as Excel and WPS save
files) and as a UTF-8 CSV (with BOM, as Excel's "CSV UTF-8"). Generated files are cached in the
temp folder, keyed by the generator's version and the row count, so repeated runs reuse them.
"""

from __future__ import annotations

import csv
import os
import random
import tempfile
from collections.abc import Callable
from pathlib import Path

VERSION = 1   # bump when the rows change: cached files of another version are not reused
HEADER = ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "选项E", "选项F", "答案", "解析", "分类", "难度"]

_LAWS = ["中华人民共和国人民警察法", "治安管理处罚法", "道路交通安全法", "刑事诉讼法", "行政处罚法", "行政强制法",
         "反电信网络诈骗法", "网络安全法", "中国共产党纪律处分条例", "中国共产党党员教育管理工作条例",
         "公安机关办理行政案件程序规定", "公安机关办理刑事案件程序规定", "人民警察使用警械和武器条例",
         "公安机关人民警察内务条令", "中国共产党支部工作条例", "消防法", "禁毒法", "出境入境管理法",
         "居民身份证法", "枪支管理法", "国家安全法", "反恐怖主义法", "未成年人保护法", "反家庭暴力法"]
_SUBJECTS = ["公安机关", "人民警察", "派出所民警", "交通警察", "值班民警", "办案部门", "社区民警", "辅警",
             "刑侦部门", "治安部门", "党支部", "党员民警", "纪检监察部门", "基层所队", "执法勤务人员",
             "网安部门", "出入境管理部门", "监管场所", "指挥中心", "警务督察部门"]
_SITUATIONS = ["在接处警过程中发现现场存在安全隐患", "在执行盘查任务时遇到当事人拒不配合", "在办理行政案件中需要收集证据",
               "在开展社区走访时发现群众反映的矛盾纠纷", "在查处交通违法行为时当事人对处罚决定有异议",
               "在组织党员学习教育时", "在处置群体性事件的初期", "在对违法嫌疑人进行询问时",
               "在网络巡查中发现涉嫌诈骗的信息", "在办理户籍业务时发现材料存在疑点", "在执行押解任务途中",
               "在开展反诈宣传进社区活动时", "在重大节日安保期间", "在受理群众报警求助时",
               "在对涉案财物进行登记保管时", "在召开组织生活会之前", "在开展警示教育活动中",
               "在处理醉酒人员滋事警情时", "在夜间巡逻中发现可疑车辆", "在对未成年人违法案件进行调查时"]
_CLAUSES = ["应当严格依照法定程序进行", "必须出示执法证件并表明身份", "应当全程进行执法记录",
            "应当及时告知当事人依法享有的权利", "应当坚持教育与处罚相结合的原则", "应当注意保护当事人的个人信息",
            "不得超越法定职权和期限", "应当由两名以上民警共同进行", "应当听取当事人的陈述和申辩",
            "应当制作笔录并交当事人核对", "应当及时向上级报告有关情况", "应当做好现场的警戒和疏导工作",
            "应当坚持民主集中制原则", "应当认真开展批评和自我批评", "应当按照规定如实登记有关情况"]
_ASKS = ["下列做法中正确的是", "下列说法中错误的是", "下列哪一项符合规定", "下列哪些做法符合有关规定",
         "以下处理方式最恰当的是", "以下表述正确的有", "下列选项中属于其法定职责的是"]
_OPTION_PARTS = ["立即", "依法", "及时", "当场", "经批准后", "在二十四小时内", "书面", "口头", "按照规定",
                 "会同有关部门", "报请上级", "责令当事人", "暂扣", "登记", "告知", "制作笔录", "开具凭证",
                 "予以警告", "处以罚款", "移交", "采取强制措施", "进行批评教育", "组织调解", "留存证据",
                 "通知其监护人", "启动应急预案", "疏散无关人员", "申请复议", "听取意见", "公开通报"]
_EXPLAIN = ["本题考查{law}的有关规定。", "根据{law}，{subject}{clause}。", "此类情形{clause}，",
            "执法实践中容易忽视程序要求，", "其他选项或者违反法定程序，或者超越职权，", "均不符合规定。",
            "故本题答案为{answer}。", "学习时应结合典型案例理解。"]
_CATEGORIES = ["法律法规", "执法规范化", "党纪党规", "治安管理", "道路交通", "刑事侦查", "网络安全", "反诈宣传",
               "消防安全", "警务实战", "思想政治", "职业道德", "群众工作", "应急处置", "出入境管理", "禁毒工作"]
_DIFFICULTIES = ["简单", "中等", "中等", "困难"]


def rows(n: int, seed: int = 19) -> list[list[str]]:
    """``n`` realistic rows under :data:`HEADER` (deterministic for a seed, unique stems)."""
    rng = random.Random(seed)
    out: list[list[str]] = []
    seen: set[str] = set()
    while len(out) < n:
        kind = rng.random()
        law, subject = rng.choice(_LAWS), rng.choice(_SUBJECTS)
        situation, clause = rng.choice(_SITUATIONS), rng.choice(_CLAUSES)
        if kind < 0.25:   # true/false: a longer statement, no options
            other = rng.choice(_CLAUSES)
            stem = (f"根据《{law}》的规定，{subject}{situation}，{clause}，同时{other}，"
                    f"{rng.choice(_SUBJECTS)}{rng.choice(_SITUATIONS)}时也是如此。")
            options = [""] * 6
            answer = rng.choice(["正确", "错误"])
        else:
            ask = rng.choice(_ASKS)
            stem = (f"根据《{law}》及相关规定，{subject}{situation}，{clause}。"
                    f"某{rng.choice(_SUBJECTS)}{rng.choice(_SITUATIONS)}，{ask}（ ）。")
            options = ["".join(rng.sample(_OPTION_PARTS, rng.randint(2, 4))) for _ in range(6)]
            if len(set(options)) < 6:
                continue
            if kind < 0.70:
                answer = "ABCDEF"[rng.randrange(6)]
            else:
                answer = "".join(sorted(rng.sample("ABCDEF", rng.randint(2, 4))))
        if stem in seen:
            continue
        seen.add(stem)
        parts = rng.sample(_EXPLAIN[:-2], 3) + _EXPLAIN[-2:]
        explanation = "".join(parts).format(law=law, subject=subject, clause=clause, answer=answer)
        qtype = "判断题" if kind < 0.25 else ("单选题" if kind < 0.70 else "多选题")
        out.append([qtype, stem, *options, answer, explanation, rng.choice(_CATEGORIES), rng.choice(_DIFFICULTIES)])
    return out


def cache_dir() -> Path:
    folder = Path(os.environ.get("STUDYHALL_BENCH_CACHE") or Path(tempfile.gettempdir()) / "studyhall-bench-cache")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _cached(name: str, write: Callable[[Path], None]) -> Path:
    path = cache_dir() / name
    if not path.exists():
        part = path.with_name(f"{path.name}.{os.getpid()}.part")
        write(part)
        os.replace(part, path)   # another run never sees half a file
    return path


def xlsx(n: int) -> Path:
    """The cached .xlsx of :func:`rows` (``n`` rows under a header), with a shared-strings table."""

    def write(path: Path) -> None:
        import xlsxwriter

        # The default mode (not constant_memory) writes every text cell as an index into
        # xl/sharedStrings.xml, the way Excel and WPS save workbooks.
        book = xlsxwriter.Workbook(str(path))
        sheet = book.add_worksheet("题库")
        sheet.write_row(0, 0, HEADER)
        for r, row in enumerate(rows(n), start=1):
            sheet.write_row(r, 0, row)
        book.close()

    return _cached(f"real-v{VERSION}-{n}.xlsx", write)


def csv_file(n: int) -> Path:
    """The cached .csv of the same rows (UTF-8 with BOM, comma-separated, quoted where needed)."""

    def write(path: Path) -> None:
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            out = csv.writer(fh)
            out.writerow(HEADER)
            out.writerows(rows(n))

    return _cached(f"real-v{VERSION}-{n}.csv", write)
