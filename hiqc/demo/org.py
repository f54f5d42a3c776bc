"""Demo org tree: 总公司 → 3 省级分公司 → 10 中心支公司 → 30 营业网点, plus departments.

Rows are written directly (one command, one audit event per run) but every path follows the
scheme of ``hiqc.organisations.services``: the root is ``0001/`` and each child appends the next
free 4-digit segment among its siblings. Units are keyed by ``code``; departments by
(unit, code). Re-running creates nothing and never moves or renames an existing unit.

Each outlet carries the region and streets its customers live on, and the 6-digit
administrative-division code (GB/T 2260) used as the first digits of their resident IDs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hiqc.organisations.enums import OrgLevel
from hiqc.organisations.models import Department, OrgUnit
from hiqc.organisations.services import next_child_path

HEAD_OFFICE_CODE = "HO"


@dataclass(frozen=True)
class OutletSpec:
    code: str
    name: str
    name_en: str
    region: str  # address prefix, e.g. "北京市朝阳区"
    area_code: str  # GB/T 2260 division code of that region
    streets: tuple[str, ...]


@dataclass(frozen=True)
class CitySpec:
    code: str
    name: str
    name_en: str
    weight: int  # relative share of the demo customers
    outlets: tuple[OutletSpec, ...]


@dataclass(frozen=True)
class ProvinceSpec:
    code: str
    name: str
    name_en: str
    area_codes: tuple[str, ...]  # other divisions of the province (customers born elsewhere in it)
    cities: tuple[CitySpec, ...]


def _o(code: str, name: str, name_en: str, region: str, area: str, streets: str) -> OutletSpec:
    return OutletSpec(code, name, name_en, region, area, tuple(streets.split()))


# fmt: off
PROVINCES: tuple[ProvinceSpec, ...] = (
    ProvinceSpec("BJ", "北京分公司", "Beijing Branch",
                 ("110102", "110106", "110107", "110112", "110114"), (
        CitySpec("BJ-CY", "朝阳中心支公司", "Chaoyang Central Sub-branch", 12, (
            _o("BJ-CY-WJ", "望京营业部", "Wangjing Outlet", "北京市朝阳区", "110105",
               "阜通东大街 望京街 广顺北大街"),
            _o("BJ-CY-GM", "国贸营业部", "Guomao Outlet", "北京市朝阳区", "110105",
               "建国门外大街 东三环中路 光华路"),
            _o("BJ-CY-YY", "亚运村营业部", "Yayuncun Outlet", "北京市朝阳区", "110105",
               "安立路 北辰东路 慧忠路"),
        )),
        CitySpec("BJ-HD", "海淀中心支公司", "Haidian Central Sub-branch", 12, (
            _o("BJ-HD-ZG", "中关村营业部", "Zhongguancun Outlet", "北京市海淀区", "110108",
               "中关村大街 海淀大街 苏州街"),
            _o("BJ-HD-WD", "五道口营业部", "Wudaokou Outlet", "北京市海淀区", "110108",
               "成府路 双清路 学院路"),
            _o("BJ-HD-GZ", "公主坟营业部", "Gongzhufen Outlet", "北京市海淀区", "110108",
               "复兴路 西三环中路 翠微路"),
        )),
        CitySpec("BJ-DC", "东城中心支公司", "Dongcheng Central Sub-branch", 8, (
            _o("BJ-DC-WF", "王府井营业部", "Wangfujing Outlet", "北京市东城区", "110101",
               "王府井大街 东单北大街 金鱼胡同"),
            _o("BJ-DC-DZ", "东直门营业部", "Dongzhimen Outlet", "北京市东城区", "110101",
               "东直门内大街 北新桥三条 东四北大街"),
            _o("BJ-DC-CW", "崇文门营业部", "Chongwenmen Outlet", "北京市东城区", "110101",
               "崇文门外大街 东花市大街 广渠门内大街"),
        )),
    )),
    ProvinceSpec("GD", "广东分公司", "Guangdong Branch",
                 ("440103", "440105", "440507", "441402", "440802"), (
        CitySpec("GD-GZ", "广州中心支公司", "Guangzhou Central Sub-branch", 14, (
            _o("GD-GZ-TH", "天河营业部", "Tianhe Outlet", "广东省广州市天河区", "440106",
               "天河路 体育西路 天河北路"),
            _o("GD-GZ-YX", "越秀营业部", "Yuexiu Outlet", "广东省广州市越秀区", "440104",
               "中山五路 北京路 环市东路"),
            _o("GD-GZ-PY", "番禺营业部", "Panyu Outlet", "广东省广州市番禺区", "440113",
               "清河东路 桥兴大道 富华西路"),
        )),
        CitySpec("GD-SZ", "深圳中心支公司", "Shenzhen Central Sub-branch", 14, (
            _o("GD-SZ-FT", "福田营业部", "Futian Outlet", "广东省深圳市福田区", "440304",
               "深南大道 福华路 益田路"),
            _o("GD-SZ-NS", "南山营业部", "Nanshan Outlet", "广东省深圳市南山区", "440305",
               "南海大道 科苑路 后海大道"),
            _o("GD-SZ-LH", "罗湖营业部", "Luohu Outlet", "广东省深圳市罗湖区", "440303",
               "人民南路 东门中路 深南东路"),
        )),
        CitySpec("GD-FS", "佛山中心支公司", "Foshan Central Sub-branch", 7, (
            _o("GD-FS-CC", "禅城营业部", "Chancheng Outlet", "广东省佛山市禅城区", "440604",
               "季华路 汾江中路 岭南大道"),
            _o("GD-FS-SD", "顺德营业部", "Shunde Outlet", "广东省佛山市顺德区", "440606",
               "德民路 凤山中路 南国东路"),
            _o("GD-FS-NH", "南海营业部", "Nanhai Outlet", "广东省佛山市南海区", "440605",
               "南海大道 桂澜路 海八路"),
        )),
        CitySpec("GD-DG", "东莞中心支公司", "Dongguan Central Sub-branch", 7, (
            _o("GD-DG-NC", "南城营业部", "Nancheng Outlet", "广东省东莞市南城街道", "441900",
               "鸿福路 莞太路 宏图路"),
            _o("GD-DG-HM", "虎门营业部", "Humen Outlet", "广东省东莞市虎门镇", "441900",
               "虎门大道 连升路 银龙路"),
            _o("GD-DG-CA", "长安营业部", "Chang'an Outlet", "广东省东莞市长安镇", "441900",
               "长青南路 振安路 建安路"),
        )),
    )),
    ProvinceSpec("SC", "四川分公司", "Sichuan Branch",
                 ("510106", "510108", "511302", "510302", "511102"), (
        CitySpec("SC-CD", "成都中心支公司", "Chengdu Central Sub-branch", 14, (
            _o("SC-CD-JJ", "锦江营业部", "Jinjiang Outlet", "四川省成都市锦江区", "510104",
               "春熙路 红星路 东大街"),
            _o("SC-CD-WH", "武侯营业部", "Wuhou Outlet", "四川省成都市武侯区", "510107",
               "人民南路 武侯祠大街 科华北路"),
            _o("SC-CD-QY", "青羊营业部", "Qingyang Outlet", "四川省成都市青羊区", "510105",
               "蜀都大道 青华路 西御街"),
        )),
        CitySpec("SC-MY", "绵阳中心支公司", "Mianyang Central Sub-branch", 6, (
            _o("SC-MY-FC", "涪城营业部", "Fucheng Outlet", "四川省绵阳市涪城区", "510703",
               "临园路 剑南路 涪城路"),
            _o("SC-MY-YX", "游仙营业部", "Youxian Outlet", "四川省绵阳市游仙区", "510704",
               "东津路 游仙路 芙蓉汉城路"),
            _o("SC-MY-JY", "江油营业部", "Jiangyou Outlet", "四川省江油市", "510781",
               "太白中路 诗仙路 李白大道"),
        )),
        CitySpec("SC-DY", "德阳中心支公司", "Deyang Central Sub-branch", 6, (
            _o("SC-DY-JY", "旌阳营业部", "Jingyang Outlet", "四川省德阳市旌阳区", "510603",
               "长江西路 泰山北路 岷江西路"),
            _o("SC-DY-GH", "广汉营业部", "Guanghan Outlet", "四川省广汉市", "510681",
               "北京大道 中山大道 湘潭路"),
            _o("SC-DY-SF", "什邡营业部", "Shifang Outlet", "四川省什邡市", "510682",
               "方亭路 蓥华路 北京大道"),
        )),
    )),
)
# fmt: on

HEAD_OFFICE_DEPARTMENTS: tuple[tuple[str, str, str], ...] = (
    ("QM", "质量管理部", "Quality Management Department"),
    ("CS", "客户服务部", "Customer Service Department"),
    ("CL", "理赔部", "Claims Department"),
    ("CO", "合规部", "Compliance Department"),
    ("RM", "风险管理部", "Risk Management Department"),
    ("PD", "产品开发部", "Product Development Department"),
    ("IT", "信息技术部", "Information Technology Department"),
)
PROVINCE_DEPARTMENTS: tuple[tuple[str, str, str], ...] = (
    ("CS", "客户服务部", "Customer Service Department"),
    ("CL", "理赔部", "Claims Department"),
)


@dataclass
class OrgTree:
    units: dict[str, OrgUnit] = field(default_factory=dict)  # by code
    departments: dict[tuple[str, str], Department] = field(default_factory=dict)  # (unit, dept)
    created_units: int = 0
    created_departments: int = 0


def _ensure_unit(
    tree: OrgTree, *, code: str, name: str, name_en: str, level: int, parent: OrgUnit | None
) -> OrgUnit:
    unit = OrgUnit.objects.filter(code=code).first()
    if unit is None:
        unit = OrgUnit.objects.create(
            code=code,
            name=name,
            name_en=name_en,
            level=level,
            parent=parent,
            path=next_child_path(parent),
        )
        tree.created_units += 1
    tree.units[code] = unit
    return unit


def _ensure_departments(
    tree: OrgTree, unit: OrgUnit, specs: tuple[tuple[str, str, str], ...]
) -> None:
    for code, name, name_en in specs:
        dept, created = Department.objects.get_or_create(
            org_unit=unit, code=code, defaults={"name": name, "name_en": name_en}
        )
        tree.created_departments += created
        tree.departments[(unit.code, code)] = dept


def load_org_tree() -> OrgTree:
    """Create whatever part of the demo tree is missing; return every demo unit by code.

    Call inside a transaction (the command does)."""
    tree = OrgTree()
    ho = _ensure_unit(
        tree,
        code=HEAD_OFFICE_CODE,
        name="总公司",
        name_en="Head Office",
        level=OrgLevel.HEAD_OFFICE,
        parent=None,
    )
    _ensure_departments(tree, ho, HEAD_OFFICE_DEPARTMENTS)
    for prov in PROVINCES:
        p = _ensure_unit(
            tree,
            code=prov.code,
            name=prov.name,
            name_en=prov.name_en,
            level=OrgLevel.PROVINCE,
            parent=ho,
        )
        _ensure_departments(tree, p, PROVINCE_DEPARTMENTS)
        for city in prov.cities:
            c = _ensure_unit(
                tree,
                code=city.code,
                name=city.name,
                name_en=city.name_en,
                level=OrgLevel.CITY,
                parent=p,
            )
            for outlet in city.outlets:
                _ensure_unit(
                    tree,
                    code=outlet.code,
                    name=outlet.name,
                    name_en=outlet.name_en,
                    level=OrgLevel.OUTLET,
                    parent=c,
                )
    return tree
