"""Chinese tokenisation for BM25: jieba (search mode) with budget-domain words, numbers kept whole.

Numbers are cut out before jieba sees them, so `1,234.56` / `1234.56` stay one token (`1234.56`);
an amount printed with `.00` also yields its integer form (`4321.00` → `4321`) so a query that says
"4321万元" still matches the table cell. A line break between two CJK characters is dropped first:
table cells and labels printed over several lines (`财政对城乡居民基本医` / `疗保险基金的补助`) are
one word to the reader.
"""

from __future__ import annotations

import re
import threading

from ingest.normalize import normalize_line

DOMAIN_WORDS = [
    "三公经费", "三公", "机关运行经费", "公务用车运行维护费", "公务用车运行费", "公务用车购置费", "公务用车购置及运行费",
    "公务接待费", "因公出国(境)费", "因公出国", "一般公共预算", "政府性基金预算", "国有资本经营预算", "财政拨款",
    "财政专户", "单位资金", "事业收入", "上年结转", "上年结转结余", "结转结余", "基本支出", "项目支出", "人员经费",
    "公用经费", "工资福利支出", "商品和服务支出", "对个人和家庭的补助", "资本性支出", "政府采购", "政府采购货物",
    "政府采购工程", "政府采购服务", "中小企业", "绩效目标", "绩效目标表", "预算绩效", "编制数", "实有人数", "在职人数",
    "离退休", "退休人员", "名词解释", "预算公开", "收支总预算", "收入预算", "支出预算", "国有资产", "一般公务用车",
    "执法执勤用车", "办公家具", "大型设备", "功能分类", "经济分类", "住房公积金", "行政运行", "事业运行",
    "机关事业单位基本养老保险缴费", "职业年金", "医疗保障", "医疗救助", "卫生健康支出", "社会保障和就业支出",
    "住房保障支出", "教育支出", "转移支付", "一般财力", "预算单位", "编制部门", "编制单位", "空表",
]

STOP = set("的 了 和 与 及 是 在 为 其 中 或 等 对 由 按 将 年 元 万元 个 人 有 无 多少 什么 哪些 怎么 吗 呢 啊 本 该 这 那 请问 情况".split())

_WRAP = re.compile(r"(?<=[\u4e00-\u9fff])\n(?=[\u4e00-\u9fff])")
_NUM = re.compile(r"\d+(?:\.\d+)?%?")
_PUNCT = re.compile(r"^[\W_]+$", re.UNICODE)
_init_lock = threading.Lock()
_jieba = None


def _get_jieba():
    global _jieba
    if _jieba is None:
        with _init_lock:
            if _jieba is None:
                import logging

                import jieba

                jieba.setLogLevel(logging.WARNING)
                for w in DOMAIN_WORDS:
                    jieba.add_word(w, freq=200000)
                _jieba = jieba
    return _jieba


def tokenize(text: str) -> list[str]:
    """Tokens of one text (normalised first): jieba search-mode words + whole numbers."""
    jieba = _get_jieba()
    norm = "\n".join(normalize_line(l) for l in text.split("\n"))
    norm = re.sub(r"[“”\"'‘’]", "", norm)
    norm = _WRAP.sub("", norm)  # a word wrapped over two lines (基本医 / 疗保险) is one word again
    tokens: list[str] = []
    pos = 0
    for m in _NUM.finditer(norm):
        tokens += _words(jieba, norm[pos : m.start()])
        num = m.group(0)
        tokens.append(num)
        if re.fullmatch(r"\d+\.0+", num):
            tokens.append(num.split(".")[0])
        pos = m.end()
    tokens += _words(jieba, norm[pos:])
    return tokens


def _words(jieba, s: str) -> list[str]:
    out = []
    for w in jieba.lcut_for_search(s):
        w = w.strip().lower()
        if not w or w in STOP or _PUNCT.match(w):
            continue
        out.append(w)
    return out
