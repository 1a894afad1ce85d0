"""The numbers of one synthetic disclosure, consistent by construction.

All amounts are integers in hundredths of 万元 (0.01 万元 = 100 元) so every sum is exact;
`fmt` prints them as the template does ("12.30"). Consistency built in:
类 = Σ款 = Σ项 on 表2/3/5; basic = personnel + public (表6); 表3 basic per 项 ties to the
表6 items (pension, medical, housing fund, retirement pay); 三公 = Σ parts; income total =
expenditure total; narrative figures are the table figures. Injected errors (`Synth.injected`)
change only what is printed and are recorded.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from evals.synth import names
from evals.synth.layout import Layout

PERSONNEL_ITEMS = [  # 表6 经济分类: (类, 款, name)
    ("301", "01", "基本工资"), ("301", "02", "津贴补贴"), ("301", "03", "奖金"), ("301", "07", "绩效工资"),
    ("301", "08", "机关事业单位基本养老保险缴费"), ("301", "10", "职工基本医疗保险缴费"),
    ("301", "11", "公务员医疗补助缴费"), ("301", "12", "其他社会保障缴费"), ("301", "13", "住房公积金"),
    ("301", "99", "其他工资福利支出"), ("303", "02", "退休费"), ("303", "05", "生活补助"),
]
PUBLIC_ITEMS = [
    ("302", "01", "办公费"), ("302", "02", "印刷费"), ("302", "05", "水费"), ("302", "06", "电费"),
    ("302", "07", "邮电费"), ("302", "11", "差旅费"), ("302", "12", "因公出国（境）费用"), ("302", "15", "会议费"),
    ("302", "16", "培训费"), ("302", "17", "公务接待费"), ("302", "28", "工会经费"), ("302", "29", "福利费"),
    ("302", "31", "公务用车运行维护费"), ("302", "39", "其他交通费用"), ("302", "99", "其他商品和服务支出"),
]
ECON_CLASS = {"301": "工资福利支出", "302": "商品和服务支出", "303": "对个人和家庭的补助"}


def fmt(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    c = abs(cents)
    return f"{sign}{c // 100}.{c % 100:02d}"


def fmt_yuan(cents: int) -> str:
    """0.01 万元 → 元 with two decimals (100 元 per hundredth)."""
    return fmt(cents * 10000)


def pct(part: int, whole: int) -> str:
    if whole == 0:
        return "0.00"
    return f"{(part * 100 / whole):.2f}"


@dataclass
class Project:
    name: str
    xiang: tuple[str, str, str]  # (类, 款, 项)
    amount: int
    source: str  # own | upper | carryover
    econ: dict[str, int]  # 表7 columns: 商品和服务支出 / 资本性支出 / 对个人和家庭的补助


@dataclass
class Change:
    last: int
    cur: int

    @property
    def amount(self) -> int:
        return self.cur - self.last

    @property
    def percent(self) -> str:
        if self.last == 0:
            return "100.00" if self.cur else "0.00"
        return f"{abs(self.cur - self.last) * 100 / self.last:.2f}"


@dataclass
class Synth:
    doc: str
    seed: int
    year: int
    province: str
    prefecture: str
    county: str | None  # None = a prefecture-level unit
    dept: dict
    unit: str  # full unit name, e.g. "平川县教育局"
    region: str
    staff: dict[str, int]
    offices: list[str]
    personnel: dict[tuple[str, str], int]  # 表6 item → amount
    public: dict[tuple[str, str], int]
    projects: list[Project]
    sangong: dict[str, int]
    sangong_last: dict[str, int]
    operating_last: int
    procurement: dict[str, int]
    assets: dict[str, int]
    contact: tuple[str, str]
    xiang_names: dict[tuple, str] = field(default_factory=dict)
    kuan_names: dict[tuple, str] = field(default_factory=dict)
    income_last: dict[str, int] = field(default_factory=dict)
    injected: list[dict] = field(default_factory=list)
    yuan_tables: list[str] = field(default_factory=list)
    # printed overrides from injected errors: key → printed cents
    printed: dict[str, int] = field(default_factory=dict)
    layout: Layout = field(default_factory=Layout)
    level: str = ""  # 省 | 市 | 区 | 县 | 街道 (the issuing body's administrative level)
    street: str | None = None  # the 街道 of a 街道办事处
    # 政府采购预算表 lines (Jiangsu set): category → [(品目, 物品, 组织形式, cents)]
    procurement_lines: dict[str, list] = field(default_factory=dict)
    kind: str = "budget"  # budget (部门预算) | final (部门决算: this Synth holds the final accounts)
    final: object = None  # evals.synth.final.Accounts for a final-accounts document

    @property
    def doc_kind(self) -> str:
        return f"{self.layout.publisher}{'决算' if self.kind == 'final' else '预算'}"

    # -- derived -----------------------------------------------------------------------------
    @property
    def personnel_total(self) -> int:
        return sum(self.personnel.values())

    @property
    def public_total(self) -> int:
        return sum(self.public.values())

    @property
    def basic(self) -> int:
        return self.personnel_total + self.public_total

    @property
    def project_total(self) -> int:
        return sum(p.amount for p in self.projects)

    def source_total(self, source: str) -> int:
        return sum(p.amount for p in self.projects if p.source == source)

    @property
    def upper(self) -> int:
        return self.source_total("upper")

    @property
    def carryover(self) -> int:
        return self.source_total("carryover")

    @property
    def general_own(self) -> int:
        return self.basic + self.source_total("own")

    @property
    def general_budget(self) -> int:
        return self.general_own + self.upper

    @property
    def total(self) -> int:
        return self.general_budget + self.carryover

    @property
    def operating(self) -> int:
        """机关运行经费 = the public (公用) part of basic spending."""
        return self.public_total

    def basic_by_xiang(self) -> dict[tuple, int]:
        p = self.personnel
        lei, kuan = self.dept["lei"][0], self.dept["kuan"][0]
        out = {
            ("208", "05", "01"): p.get(("303", "02"), 0) + p.get(("303", "05"), 0),
            ("208", "05", "05"): p.get(("301", "08"), 0),
            ("210", "11", "01"): p.get(("301", "10"), 0),
            ("210", "11", "03"): p.get(("301", "11"), 0),
            ("221", "02", "01"): p.get(("301", "13"), 0),
        }
        out = {k: v for k, v in out.items() if v}
        out[(lei, kuan, "01")] = self.basic - sum(out.values())
        return out

    def rows(self, *, include_carryover: bool = True) -> dict[tuple, dict[str, int]]:
        """Per 项: {basic, project, own, upper, carryover, total} (sorted by code)."""
        rows: dict[tuple, dict[str, int]] = {}

        def row(key):
            return rows.setdefault(key, {"basic": 0, "project": 0, "own": 0, "upper": 0, "carryover": 0})

        for key, amount in self.basic_by_xiang().items():
            r = row(key)
            r["basic"] += amount
            r["own"] += amount
        for p in self.projects:
            if p.source == "carryover" and not include_carryover:
                continue
            r = row(p.xiang)
            r["project"] += p.amount
            r[p.source] += p.amount
        for r in rows.values():
            r["total"] = r["basic"] + r["project"]
        return dict(sorted(rows.items()))

    def tree(self, *, include_carryover: bool = True) -> list[tuple[str, tuple, dict[str, int]]]:
        """[(level, code tuple, sums)] in print order: 类, its 款, their 项."""
        rows = self.rows(include_carryover=include_carryover)
        out = []
        keys = ("basic", "project", "own", "upper", "carryover", "total")
        for lei in sorted({k[0] for k in rows}):
            sums = {x: sum(r[x] for k, r in rows.items() if k[0] == lei) for x in keys}
            out.append(("类", (lei,), sums))
            for kuan in sorted({k[1] for k in rows if k[0] == lei}):
                sums = {x: sum(r[x] for k, r in rows.items() if k[:2] == (lei, kuan)) for x in keys}
                out.append(("款", (lei, kuan), sums))
                for k, r in rows.items():
                    if k[:2] == (lei, kuan):
                        out.append(("项", k, r))
        return out

    def name_of(self, code: tuple) -> str:
        if len(code) == 1:
            return names.CLASS_NAME[code[0]]
        if len(code) == 2:
            return self.kuan_names.get(code) or names.KUAN_NAMES[code]
        return self.xiang_names.get(code) or names.XIANG_NAMES[code]

    def by_class(self, *, include_carryover: bool = True) -> list[tuple[str, str, int]]:
        return [(c[0], self.name_of(c), s["total"]) for lvl, c, s in self.tree(include_carryover=include_carryover)
                if lvl == "类"]

    def shown(self, key: str, true_value: int) -> int:
        """The printed value of a figure (differs from the true one only where an error was injected)."""
        return self.printed.get(key, true_value)


def _amount(rng: random.Random, lo: float, hi: float) -> int:
    return int(round(rng.uniform(lo, hi) * 100))


def _name(rng: random.Random) -> str:
    return rng.choice(names.SURNAMES) + "".join(rng.choice(names.GIVEN) for _ in range(rng.choice((1, 2))))


def build(index: int, seed: int, *, inject_rate: float = 0.0, yuan_rate: float = 0.0,
          layout: Layout | None = None) -> Synth:
    """The numbers of document `index`. A layout's `body` (province / street) changes who publishes;
    with the default layout the random stream, and so the document, is today's."""
    layout = layout or Layout()
    rng = random.Random(seed * 1_000_003 + index)
    year = rng.randint(2019, 2025)
    province = rng.choice(names.PROVINCES)
    prefecture = names.place(rng) + rng.choice(names.PREFECTURE_SUFFIX)
    county = None if rng.random() < 0.2 else names.place(rng) + rng.choice(names.COUNTY_SUFFIX)
    if county == prefecture:
        county = county[:-1] + "县"
    dept = rng.choice(names.DEPARTMENTS)
    region = county or prefecture
    style = rng.random()
    if style < 0.15:
        unit = province + prefecture + (county or "") + dept["name"]
    elif style < 0.3 and county:
        unit = prefecture + county + dept["name"]
    else:
        unit = region + dept["name"]
    street = None
    if layout.body == "province":
        county, prefecture, region = None, "", province
        dept = dict(dept, name=names.province_name(dept["name"]))
        unit = province + dept["name"]
    elif layout.body == "street":
        brng = random.Random(f"street:{seed}:{index}")
        if not county or not county.endswith("区"):
            county = (county[:-1] if county else names.place(brng)) + "区"
        region = county
        street = brng.choice(names.STREET_NAMES) + "街道"
        dept = names.STREET
        unit = (prefecture if brng.random() < 0.3 else "") + county + street + "办事处"

    authorized = rng.randint(4, 60)
    active = max(1, authorized + rng.randint(-3, 2))
    retired = rng.choice([0, 0, 1, 2, 3, rng.randint(4, 25)])
    separated = 1 if rng.random() < 0.05 else 0
    staff = {"authorized": authorized, "active": active, "retired": retired, "separated": separated,
             "actual": active + retired + separated, "active_change": rng.choice([0, 0, 1, 2]),
             "retired_change": rng.choice([0, 0, 1])}
    offices = rng.sample(names.OFFICES, rng.randint(1, 5))

    # 表6: personnel scaled by staff, public by staff.
    base = active * _amount(rng, 2.5, 5.0)
    p = {("301", "01"): base, ("301", "02"): base * rng.randint(70, 100) // 100,
         ("301", "03"): base * rng.randint(30, 70) // 100, ("301", "07"): base * rng.randint(30, 60) // 100}
    wages = sum(p.values())
    p[("301", "08")] = wages * 16 // 100
    p[("301", "10")] = wages * rng.randint(55, 75) // 1000
    if rng.random() < 0.7:
        p[("301", "11")] = wages * rng.randint(3, 8) // 1000
    p[("301", "12")] = wages * rng.randint(3, 10) // 1000
    p[("301", "13")] = wages * 12 // 100
    if rng.random() < 0.6:
        p[("301", "99")] = _amount(rng, 0.5, 3.0) * max(1, active // 5)
    if retired:
        p[("303", "02")] = retired * _amount(rng, 0.3, 2.0)
        if rng.random() < 0.4:
            p[("303", "05")] = _amount(rng, 0.1, 1.0)
    p = {k: v for k, v in p.items() if v > 0}

    pub: dict[tuple[str, str], int] = {}
    scale = max(1, active)
    for item in PUBLIC_ITEMS:
        key = item[:2]
        if key in {("302", "12"), ("302", "17"), ("302", "31")}:
            continue
        if key == ("302", "01") or rng.random() < 0.55:
            pub[key] = scale * _amount(rng, 0.02, 0.4)
    vehicles = rng.choice([0, 0, 1, 1, 2, 3, 5])
    sangong = {"overseas_travel": _amount(rng, 1, 8) if rng.random() < 0.08 else 0,
               "reception": _amount(rng, 0.05, 3.0) if rng.random() < 0.85 else 0,
               "vehicle_operation": vehicles * _amount(rng, 0.8, 2.5),
               "vehicle_purchase": 0}
    if sangong["overseas_travel"]:
        pub[("302", "12")] = sangong["overseas_travel"]
    if sangong["reception"]:
        pub[("302", "17")] = sangong["reception"]
    if sangong["vehicle_operation"]:
        pub[("302", "31")] = sangong["vehicle_operation"]
    pub = dict(sorted(pub.items()))

    lei, kuan = dept["lei"], dept["kuan"]
    xiang_names = {(lei[0], kuan[0], c): n for c, n in dept["xiang"]}
    kuan_names = {(lei[0], kuan[0]): kuan[1]}

    projects: list[Project] = []
    n_proj = rng.choice([0, 1, 1, 2, 2, 3, 4, 5])
    topics = list(dept["topics"])
    rng.shuffle(topics)
    for i in range(n_proj):
        topic = topics[i % len(topics)]
        amount = _amount(rng, 1, 40) * rng.choice([1, 1, 2, 5, 10])
        source = rng.choices(["own", "upper", "carryover"], weights=[6, 3, 1])[0]
        code = rng.choice(dept["xiang"][1:])[0]
        goods = amount * rng.choice([100, 100, 80, 60, 50]) // 100
        capital = amount - goods if rng.random() < 0.5 else 0
        transfer = amount - goods - capital
        econ = {"商品和服务支出": goods, "资本性支出": capital, "对个人和家庭的补助": transfer}
        pname = f"{year}年{region}{topic}{rng.choice(names.PROJECT_SUFFIX)}"
        if any(q.name == pname for q in projects):
            pname = pname.replace(f"{year}年", f"{year}年度")
        projects.append(Project(pname, (lei[0], kuan[0], code), amount, source, econ))
    if rng.random() < 0.06:  # a vehicle purchase funded as a project
        amount = _amount(rng, 12, 30)
        sangong["vehicle_purchase"] = amount
        projects.append(Project(f"{year}年{region}{dept['name']}公务用车购置项目", (lei[0], kuan[0], dept["xiang"][1][0]),
                                amount, "own", {"商品和服务支出": 0, "资本性支出": amount, "对个人和家庭的补助": 0}))

    def last(v: int) -> int:
        if v == 0:
            return rng.choice([0, 0, _amount(rng, 0.1, 2)])
        return max(0, v * rng.randint(80, 125) // 100) if rng.random() < 0.85 else v

    sangong_last = {k: last(v) for k, v in sangong.items()}
    public_total = sum(pub.values())
    operating_last = last(public_total)

    goods = _amount(rng, 0, 20) if rng.random() < 0.7 else 0
    works = _amount(rng, 5, 80) if rng.random() < 0.1 else 0
    services = _amount(rng, 0, 15) if rng.random() < 0.6 else 0
    proc = {"goods": goods, "works": works, "services": services, "total": goods + works + services}
    proc["sme"] = proc["total"]

    assets = {"housing_area": rng.choice([0, rng.randint(80, 2500)]), "vehicles": vehicles,
              "vehicles_value": vehicles * _amount(rng, 8, 25), "furniture_value": _amount(rng, 1, 40),
              "other_value": _amount(rng, 0, 20), "equipment_over_50": 0, "equipment_over_100": 0}
    assets["housing_value"] = assets["housing_area"] * rng.randint(10, 40) if assets["housing_area"] else 0
    general_vehicles = rng.randint(0, vehicles)
    assets["general_vehicles"] = general_vehicles
    assets["other_vehicles"] = vehicles - general_vehicles

    phone = "1" + rng.choice("3589") + "".join(rng.choice("0123456789") for _ in range(9))
    s = Synth(doc=f"synth_{seed}_{index:06d}", seed=seed, year=year, province=province, prefecture=prefecture,
              county=county, dept=dept, unit=unit, region=region, staff=staff, offices=offices,
              personnel=p, public=pub, projects=projects, sangong=sangong, sangong_last=sangong_last,
              operating_last=operating_last, procurement=proc, assets=assets, contact=(_name(rng), phone),
              xiang_names=xiang_names, kuan_names=kuan_names, layout=layout, street=street)
    s.level = level_of(s)
    s.income_last = {"general_own": last(s.general_own), "upper": last(s.upper), "basic": last(s.basic),
                     "project": last(s.project_total)}
    if layout.body == "province":
        scale_amounts(s, random.Random(f"scale:{seed}:{index}").choice([5, 8, 10, 15, 20, 30]))
    if not layout.is_default:
        s.procurement_lines = procurement_lines(s, random.Random(f"procurement:{seed}:{index}"))

    if yuan_rate and rng.random() < yuan_rate:
        s.yuan_tables = sorted(rng.sample(["expenditure_overview", "general_budget_basic", "sangong"], rng.choice([1, 1, 2])))
    if inject_rate and rng.random() < inject_rate:
        _inject(s, rng)
    return s


def level_of(s: Synth) -> str:
    """省 | 市 | 区 | 县 | 街道, by the rule of ingest (the most specific unit in the body's name)."""
    if s.street:
        return "街道"
    if s.layout.body == "province":
        return "省"
    if s.county:
        return {"县": "县", "区": "区", "市": "市"}[s.county[-1]]
    return "市"


def scale_amounts(s: Synth, k: int) -> None:
    """Multiply every amount by k (a province-level department spends more); sums keep holding."""
    s.personnel = {a: v * k for a, v in s.personnel.items()}
    s.public = {a: v * k for a, v in s.public.items()}
    for p in s.projects:
        p.amount *= k
        p.econ = {a: v * k for a, v in p.econ.items()}
    s.sangong = {a: v * k for a, v in s.sangong.items()}
    s.sangong_last = {a: v * k for a, v in s.sangong_last.items()}
    s.operating_last *= k
    s.procurement = {a: v * k for a, v in s.procurement.items()}
    s.income_last = {a: v * k for a, v in s.income_last.items()}
    for a in ("vehicles_value", "furniture_value", "other_value", "housing_value"):
        s.assets[a] *= k
    s.staff = {a: (v * k if a in ("authorized", "active", "retired") else v) for a, v in s.staff.items()}
    s.staff["actual"] = s.staff["active"] + s.staff["retired"] + s.staff["separated"]


def procurement_lines(s: Synth, rng: random.Random) -> dict[str, list]:
    """Split each procurement category into 1–4 printed lines that add up to it."""
    out: dict[str, list] = {}
    for cat in ("goods", "works", "services"):
        total = s.procurement[cat]
        if not total:
            continue
        items = rng.sample(names.PROCUREMENT_ITEMS[cat], min(len(names.PROCUREMENT_ITEMS[cat]), rng.randint(1, 4)))
        cuts = sorted(rng.sample(range(1, total), len(items) - 1)) if total > len(items) else []
        if len(cuts) != len(items) - 1:
            items, cuts = items[:1], []
        bounds = [0] + cuts + [total]
        out[cat] = [(a, b, rng.choice(names.PROCUREMENT_FORMS), bounds[i + 1] - bounds[i]) for i, (a, b) in enumerate(items)]
    return out


INJECTIONS = ["narrative_total", "sangong_total", "class_row", "personnel_total", "procurement_total"]


def _inject(s: Synth, rng: random.Random) -> None:
    kinds = rng.sample(INJECTIONS, rng.choice([1, 1, 2]))
    for kind in kinds:
        delta = rng.choice([1, -1]) * _amount(rng, 1, 9)
        if kind == "narrative_total":
            s.printed["narrative.total"] = s.total + delta
            s.injected.append({"kind": "narrative_vs_table", "key": "narrative.total",
                               "paths": ["narrative.total", "income.total"],
                               "printed": s.total + delta, "expected": s.total})
        elif kind == "sangong_total":
            true = sum(s.sangong.values())
            s.printed["sangong.total"] = true + delta
            s.injected.append({"kind": "sum_mismatch", "key": "sangong.total",
                               "paths": ["sangong.total", "sangong.overseas_travel", "sangong.reception",
                                         "sangong.vehicle_purchase", "sangong.vehicle_operation"],
                               "printed": true + delta, "expected": true})
        elif kind == "class_row":
            classes = s.by_class()
            code, _, amount = rng.choice(classes)
            if amount + delta <= 0:
                delta = abs(delta)
            s.printed[f"class.{code}"] = amount + delta
            s.injected.append({"kind": "sum_mismatch", "key": f"class.{code}", "table": "expenditure_overview",
                               "paths": ["expenditure.by_function"], "printed": amount + delta, "expected": amount})
        elif kind == "personnel_total":
            s.printed["expenditure.personnel"] = s.personnel_total + delta
            s.injected.append({"kind": "sum_mismatch", "key": "expenditure.personnel", "table": "general_budget_basic",
                               "paths": ["expenditure.personnel", "expenditure.public", "expenditure.basic"],
                               "printed": s.personnel_total + delta, "expected": s.personnel_total})
        elif kind == "procurement_total":
            true = s.procurement["total"]
            s.printed["procurement.total"] = true + abs(delta)
            s.injected.append({"kind": "sum_mismatch", "key": "procurement.total",
                               "paths": ["procurement.total", "procurement.goods", "procurement.works",
                                         "procurement.services"], "printed": true + abs(delta), "expected": true})
