#!/usr/bin/env python3
"""Writes the States' short names in Arabic, Chinese, Russian and Spanish into registrations/data/states.csv.

Source: the Unicode CLDR territory names that Babel ships (`babel.Locale(language).territories[iso2]`), replaced by
the United Nations short name where CLDR's everyday name differs from it on a point the UN is formal about (the
formal names of the Russian Federation, the Republic of Korea, the State of Palestine, the Holy See, ...). English
and French stay as the CSV has them (the UN's short names). Run again after a Babel upgrade; the file is committed.

    .venv/bin/python scripts/state_names.py
"""

import csv
import sys
from pathlib import Path

from babel import Locale

CSV_PATH = Path(__file__).resolve().parent.parent / "registrations" / "data" / "states.csv"
LANGUAGES = {"name_ar": "ar", "name_zh": "zh_Hans", "name_ru": "ru", "name_es": "es"}

# UN short names (ar, zh, ru, es) where CLDR's name is not the one United Nations documents use.
UN_NAMES = {
    "BO": ("بوليفيا (دولة - المتعددة القوميات)", "多民族玻利维亚国", "Боливия (Многонациональное Государство)",
           "Bolivia (Estado Plurinacional de)"),
    "CD": ("جمهورية الكونغو الديمقراطية", "刚果民主共和国", "Демократическая Республика Конго",
           "República Democrática del Congo"),
    "CG": ("الكونغو", "刚果", "Конго", "Congo"),
    "CI": ("كوت ديفوار", "科特迪瓦", "Кот-д’Ивуар", "Côte d’Ivoire"),
    "CZ": ("تشيكيا", "捷克", "Чехия", "Chequia"),
    "FM": ("ميكرونيزيا (ولايات - الموحدة)", "密克罗尼西亚联邦", "Микронезия (Федеративные Штаты)",
           "Micronesia (Estados Federados de)"),
    "GB": ("المملكة المتحدة لبريطانيا العظمى وأيرلندا الشمالية", "大不列颠及北爱尔兰联合王国",
           "Соединенное Королевство Великобритании и Северной Ирландии",
           "Reino Unido de Gran Bretaña e Irlanda del Norte"),
    "IR": ("إيران (جمهورية - الإسلامية)", "伊朗伊斯兰共和国", "Иран (Исламская Республика)",
           "Irán (República Islámica del)"),
    "KP": ("جمهورية كوريا الشعبية الديمقراطية", "朝鲜民主主义人民共和国",
           "Корейская Народно-Демократическая Республика", "República Popular Democrática de Corea"),
    "KR": ("جمهورية كوريا", "大韩民国", "Республика Корея", "República de Corea"),
    "LA": ("جمهورية لاو الديمقراطية الشعبية", "老挝人民民主共和国", "Лаосская Народно-Демократическая Республика",
           "República Democrática Popular Lao"),
    "MD": ("جمهورية مولدوفا", "摩尔多瓦共和国", "Республика Молдова", "República de Moldova"),
    "MM": ("ميانمار", "缅甸", "Мьянма", "Myanmar"),
    "NL": ("هولندا (مملكة)", "荷兰王国", "Нидерланды (Королевство)", "Países Bajos (Reino de los)"),
    "PS": ("دولة فلسطين", "巴勒斯坦国", "Государство Палестина", "Estado de Palestina"),
    "RU": ("الاتحاد الروسي", "俄罗斯联邦", "Российская Федерация", "Federación de Rusia"),
    "SY": ("الجمهورية العربية السورية", "阿拉伯叙利亚共和国", "Сирийская Арабская Республика", "República Árabe Siria"),
    "TL": ("تيمور - ليشتي", "东帝汶", "Тимор-Лешти", "Timor-Leste"),
    "TR": ("تركيا", "土耳其", "Турция", "Türkiye"),
    "TZ": ("جمهورية تنزانيا المتحدة", "坦桑尼亚联合共和国", "Объединенная Республика Танзания",
           "República Unida de Tanzanía"),
    "US": ("الولايات المتحدة الأمريكية", "美利坚合众国", "Соединенные Штаты Америки", "Estados Unidos de América"),
    "VA": ("الكرسي الرسولي", "教廷", "Святой Престол", "Santa Sede"),
    "VE": ("فنزويلا (جمهورية - البوليفارية)", "委内瑞拉玻利瓦尔共和国", "Венесуэла (Боливарианская Республика)",
           "Venezuela (República Bolivariana de)"),
    "VN": ("فييت نام", "越南", "Вьетнам", "Viet Nam"),
}  # fmt: skip


def names_for(iso2: str) -> dict[str, str]:
    if iso2 in UN_NAMES:
        return dict(zip(LANGUAGES, UN_NAMES[iso2], strict=True))
    names = {}
    for column, language in LANGUAGES.items():
        name = Locale.parse(language).territories.get(iso2)
        if not name:
            raise SystemExit(f"CLDR has no {language} name for {iso2}: add it to UN_NAMES")
        names[column] = name
    return names


def main(path: Path = CSV_PATH) -> int:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        fields = [f for f in reader.fieldnames if f not in LANGUAGES]
    at = fields.index("name_fr") + 1
    fields[at:at] = list(LANGUAGES)
    for row in rows:
        row.update(names_for(row["iso2"]))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{path}: {len(rows)} States, names in {', '.join(LANGUAGES.values())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
