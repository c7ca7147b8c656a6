"""Person names: the compared form, and finding the seed's officers in a plan's responsible text.

Exact values from data/people.csv (the officers of สภ.เชียงใหม่ and their OCR spellings).
"""

from __future__ import annotations

import pytest

from ita_core.models import Person
from ita_core.people import NameMatcher, NamesFound, compact_text, name_index, normalise_name
from ita_core.seed import read_csv
from ita_core.settings import DEFAULT_DATA_DIR as DATA_DIR


@pytest.fixture(scope="module")
def matcher() -> NameMatcher:
    """The seed's people, built as the seed loader builds them (no database needed)."""
    return NameMatcher(
        Person(station_id=1, name=row["name"], kind=row["kind"], rank=row["rank"],
               variants=[v.strip() for v in row["variants"].split("|") if v.strip()])
        for row in read_csv(DATA_DIR, "people.csv"))


def test_normalise_name_folds_spaces_and_the_space_before_a_dot() -> None:
    assert normalise_name("  ร.ต.อ. \n บุญลือ   สิงห์โต ") == "ร.ต.อ. บุญลือ สิงห์โต"
    assert normalise_name("สว.อก .๑") == "สว.อก.๑"
    assert normalise_name(None) == ""  # type: ignore[arg-type]  # a blank cell


def test_compact_text_drops_every_space() -> None:
    assert compact_text("พ.ต.ท. พินิจ อิน ถา") == "พ.ต.ท.พินิจอินถา"


def test_the_index_knows_every_spelling(matcher: NameMatcher) -> None:
    assert matcher.index["ภัทรพงษ์ พลังข้างสาร"].name == "ภัทรพงษ์ พลังช้างสาร"
    assert matcher.index["สว.อกฯ"].name == "สว.อก.๑"
    assert len({p.name for p in matcher.index.values()}) == 40


def test_one_spelling_for_two_people_is_refused() -> None:
    with pytest.raises(ValueError, match="ทวี เมืองก้อน"):
        name_index([Person(station_id=1, name="ทวี เมืองก้อน"),
                    Person(station_id=1, name="ทวีศักดิ์ อินไชย", variants=["ทวี เมืองก้อน"])])


def test_a_variant_spelling_finds_the_canonical_officer(matcher: NameMatcher) -> None:
    assert matcher.find_in_text("ร.ต.อ.หญิง จิรนนท์ ปิ่นแก้ว") == NamesFound(["จีรนนท์ ปิ่นแก้ว"], {})


def test_spaces_inside_a_name_do_not_hide_it(matcher: NameMatcher) -> None:
    assert matcher.find_in_text("พ.ต.ท. พินิจ อิน ถา").known == ["พินิจ อินตา"]


def test_names_come_in_the_order_the_cell_lists_them(matcher: NameMatcher) -> None:
    found = matcher.find_in_text("ด.ต.ทวีศักดิ์ อินไชย, ด.ต.ทวี เมืองก้อน\nสว.อก.ฯ และหัวหน้างานทุกสายงาน")
    assert found.known == ["ทวีศักดิ์ อินไชย", "ทวี เมืองก้อน", "สว.อก.๑", "หัวหน้างานทุกสายงาน"]
    assert found.unknown == {}


def test_the_longest_spelling_wins(matcher: NameMatcher) -> None:
    """งานสอบสวน stands inside งานสอบสวนทุกนาย: the cell names the second group only."""
    assert matcher.find_in_text("งานสอบสวนทุกนาย").known == ["งานสอบสวนทุกนาย"]
    assert matcher.find_in_text("งาน สอบสวน").known == ["งานสอบสวน"]


def test_a_known_officer_is_not_also_unknown(matcher: NameMatcher) -> None:
    """The rank pattern matches ``พ.ต.อ.ชัชวาล แสงบุญ`` too; a known name after it is not new."""
    assert matcher.find_in_text("พ.ต.อ.ชัชวาล แสงบุญ ผกก.") == NamesFound(["ชัชวาล แสงบุญ"], {})


def test_ranked_names_that_match_nobody_are_unknown_with_their_rank(matcher: NameMatcher) -> None:
    found = matcher.find_in_text("พ. ต. อ. สมชาย ใจดี และ ร.ต.อ.หญิง สมศรี ดีมาก, ด.ต.กรุง หล้าคำวงค")
    assert found.known == ["กรุง หล้าคำวงศ์"]
    assert found.unknown == {"สมชาย ใจดี": "พ.ต.อ.", "สมศรี ดีมาก": "ร.ต.อ.หญิง"}


def test_a_name_without_rank_that_matches_nobody_is_not_reported(matcher: NameMatcher) -> None:
    assert matcher.find_in_text("สมชาย ใจดี") == NamesFound([], {})


def test_an_export_list_is_looked_up_part_by_part(matcher: NameMatcher) -> None:
    found = matcher.find_in_list("ชัชวาล แสงบุญ; พินิจ อินถา;  ; ใครก็ได้  ไม่รู้; พินิจ อินตา")
    assert found == NamesFound(["ชัชวาล แสงบุญ", "พินิจ อินตา"], {"ใครก็ได้ ไม่รู้": ""})


def test_an_export_list_does_not_search_inside_parts(matcher: NameMatcher) -> None:
    """Our export writes whole names, so a part that merely contains a name is a new name."""
    assert matcher.find_in_list("ร.ต.อ.บุญลือ สิงห์โต") == NamesFound([], {"ร.ต.อ.บุญลือ สิงห์โต": ""})
