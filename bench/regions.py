"""The police regions of Thailand and their provinces, to place generated stations (bench only).

บช.น. (the metropolitan police) covers Bangkok; ภ.1–ภ.9 (the provincial police regions) cover the
76 other provinces. A generated station gets a province by round robin over this list, Bangkok
weighted as the many metropolitan stations it has.
"""

from __future__ import annotations

REGIONS: dict[str, tuple[str, ...]] = {
    "บช.น.": ("กรุงเทพมหานคร",),
    "ภ.1": ("พระนครศรีอยุธยา", "ปทุมธานี", "นนทบุรี", "สมุทรปราการ", "สระบุรี", "ลพบุรี", "สิงห์บุรี",
            "อ่างทอง", "ชัยนาท"),
    "ภ.2": ("ชลบุรี", "ระยอง", "จันทบุรี", "ตราด", "ฉะเชิงเทรา", "ปราจีนบุรี", "นครนายก", "สระแก้ว"),
    "ภ.3": ("นครราชสีมา", "ชัยภูมิ", "บุรีรัมย์", "สุรินทร์", "ศรีสะเกษ", "อุบลราชธานี", "ยโสธร",
            "อำนาจเจริญ"),
    "ภ.4": ("ขอนแก่น", "อุดรธานี", "หนองคาย", "เลย", "หนองบัวลำภู", "มหาสารคาม", "ร้อยเอ็ด", "กาฬสินธุ์",
            "สกลนคร", "นครพนม", "มุกดาหาร", "บึงกาฬ"),
    "ภ.5": ("เชียงใหม่", "เชียงราย", "ลำพูน", "ลำปาง", "แพร่", "น่าน", "พะเยา", "แม่ฮ่องสอน"),
    "ภ.6": ("พิษณุโลก", "สุโขทัย", "อุตรดิตถ์", "ตาก", "กำแพงเพชร", "พิจิตร", "เพชรบูรณ์", "นครสวรรค์",
            "อุทัยธานี"),
    "ภ.7": ("นครปฐม", "ราชบุรี", "กาญจนบุรี", "สุพรรณบุรี", "สมุทรสาคร", "สมุทรสงคราม", "เพชรบุรี",
            "ประจวบคีรีขันธ์"),
    "ภ.8": ("สุราษฎร์ธานี", "นครศรีธรรมราช", "ชุมพร", "ระนอง", "พังงา", "ภูเก็ต", "กระบี่"),
    "ภ.9": ("สงขลา", "สตูล", "ตรัง", "พัทลุง", "ปัตตานี", "ยะลา", "นราธิวาส"),
}
BANGKOK_WEIGHT = 5  # Bangkok has about 88 stations, about 5 times a typical province's share
# the seed station (number 1) is in เชียงใหม่, so the list starts there
_ORDER = [(region, province) for region, provinces in REGIONS.items() for province in provinces
          for _ in range(BANGKOK_WEIGHT if region == "บช.น." else 1)]
_START = _ORDER.index(("ภ.5", "เชียงใหม่"))
PLACES = _ORDER[_START:] + _ORDER[:_START]


def region_of(number: int) -> tuple[str, str]:
    """(region, province) of generated station ``number`` (1 is the seed station, in เชียงใหม่)."""
    return PLACES[(number - 1) % len(PLACES)]


def place_of(number: int) -> tuple[str, str, str]:
    """(code, Thai name, province) of generated station ``number``."""
    region, province = region_of(number)
    if region == "บช.น.":
        return f"BKK-{number:04d}", f"สน.ทดสอบ {number} ({region})", province
    return f"R{region[-1]}-{number:04d}", f"สภ.ทดสอบ {number} ({region} {province})", province
