"""Thai dates: parse the date phrases of a Thai plan, format dates in the Buddhist Era.

Plans write dates as ``๓๐ มี.ค.๖๗``, ``ภายใน ก.พ.๖๗`` (a month means its last day),
``๑ ตุลาคม ๒๕๖๖ ถึง ๓๑ ธันวาคม ๒๕๖๖``, ``ทุกวัน`` or ``ตามปฏิทิน…``. A phrase we cannot
read is kept verbatim with kind ``unparsed``; we never guess a date.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

BE_OFFSET = 543
THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_TO_ARABIC = str.maketrans(THAI_DIGITS, "0123456789")
_TO_THAI = str.maketrans("0123456789", THAI_DIGITS)

MONTHS_ABBR = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
               "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")
MONTHS_FULL = ("มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
               "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม")


def _month_pattern() -> str:
    """Alternation of every month spelling, longest first, dots optional and spaced."""
    names: dict[str, int] = {}
    for number, (abbr, full) in enumerate(zip(MONTHS_ABBR, MONTHS_FULL, strict=True), 1):
        names[full] = number
        names[abbr] = number
    parts = []
    for name in sorted(names, key=len, reverse=True):
        if "." in name:
            pieces = [re.escape(p) for p in name.strip(".").split(".")]
            parts.append(r"\s*\.\s*".join(pieces) + r"\s*\.?")
        else:
            parts.append(re.escape(name))
    return "|".join(f"(?:{p})" for p in parts)


_MONTH_RE = _month_pattern()
_DATE_RE = re.compile(
    rf"(?:(?P<day>\d{{1,2}})\s*)?(?P<month>{_MONTH_RE})\s*(?:พ\.ศ\.\s*)?(?P<year>\d{{4}}|\d{{2}})?"
)


def _month_number(text: str) -> int:
    compact = re.sub(r"[\s.]", "", text)
    for number, (abbr, full) in enumerate(zip(MONTHS_ABBR, MONTHS_FULL, strict=True), 1):
        if compact in (abbr.replace(".", ""), full):
            return number
    raise ValueError(f"not a Thai month: {text!r}")


class DueKind(StrEnum):
    """What a due phrase means: one date, a month's last day, or no single date."""

    DATE = "date"
    MONTH = "month"
    DAILY = "daily"
    CALENDAR = "calendar"
    NONE = "none"
    UNPARSED = "unparsed"


@dataclass(frozen=True)
class ParsedDue:
    """A due phrase read into a CE date (or none) plus its kind; ``text`` is verbatim."""

    text: str
    kind: DueKind
    date: date | None = None


def to_arabic_digits(text: str) -> str:
    """Thai digits ๐–๙ to 0–9; other characters unchanged."""
    return text.translate(_TO_ARABIC)


def to_thai_digits(text: str) -> str:
    """Digits 0–9 to Thai digits ๐–๙."""
    return text.translate(_TO_THAI)


def be_year_to_ce(year: int) -> int:
    """A written year to CE: two digits are a short BE year (๖๗ = 2567 = 2024)."""
    if year < 100:
        year += 2500
    return year - BE_OFFSET


def fiscal_year_bounds(fiscal_year_be: int) -> tuple[date, date]:
    """First and last day of a Thai fiscal year: FY 2567 is 1 Oct 2023 – 30 Sep 2024."""
    end_ce = fiscal_year_be - BE_OFFSET
    return date(end_ce - 1, 10, 1), date(end_ce, 9, 30)


def fiscal_year_of(day: date) -> int:
    """The BE fiscal year a date falls in (October starts the next fiscal year)."""
    return day.year + BE_OFFSET + (1 if day.month >= 10 else 0)


def month_end(year: int, month: int) -> date:
    """Last day of a month (29 February in leap years)."""
    return date(year, month, calendar.monthrange(year, month)[1])


def _year_for(month: int, written: str | None, fiscal_year_be: int | None) -> int | None:
    if written:
        return be_year_to_ce(int(written))
    if fiscal_year_be is None:
        return None
    start, end = fiscal_year_bounds(fiscal_year_be)
    return start.year if month >= 10 else end.year


def _match_to_date(match: re.Match[str], fiscal_year_be: int | None) -> ParsedDue | None:
    month = _month_number(match["month"])
    year = _year_for(month, match["year"], fiscal_year_be)
    if year is None:
        return None
    if match["day"]:
        try:
            return ParsedDue(match.group(0), DueKind.DATE, date(year, month, int(match["day"])))
        except ValueError:
            return None
    return ParsedDue(match.group(0), DueKind.MONTH, month_end(year, month))


def parse_due(text: str | None, fiscal_year_be: int | None = None) -> ParsedDue:
    """Read a due phrase of the plan into a date and a kind.

    A year missing from the phrase is taken from ``fiscal_year_be`` (Oct–Dec belong to the
    first calendar year of the fiscal year). Text with no readable date keeps kind
    ``unparsed`` so a person can fix it; nothing is guessed.
    """
    raw = (text or "").strip()
    if not raw:
        return ParsedDue(raw, DueKind.NONE)
    normal = to_arabic_digits(raw)
    if "ทุกวัน" in normal.replace(" ", ""):
        return ParsedDue(raw, DueKind.DAILY)
    if "ปฏิทิน" in normal:
        return ParsedDue(raw, DueKind.CALENDAR)
    match = _DATE_RE.search(normal)
    parsed = _match_to_date(match, fiscal_year_be) if match else None
    if parsed is None:
        return ParsedDue(raw, DueKind.UNPARSED)
    return ParsedDue(raw, parsed.kind, parsed.date)


def parse_period(text: str, fiscal_year_be: int | None = None) -> tuple[date, date] | None:
    """Read a date range: ``A ถึง B`` or a month alone (``เดือน สิงหาคม ๒๕๖๗``)."""
    normal = to_arabic_digits(text)
    matches = list(_DATE_RE.finditer(normal))
    if len(matches) == 2:
        first, last = (_match_to_date(m, fiscal_year_be) for m in matches)
        if first and last and first.kind == last.kind == DueKind.DATE:
            return first.date, last.date  # type: ignore[return-value]
        return None
    if len(matches) == 1:
        parsed = _match_to_date(matches[0], fiscal_year_be)
        if parsed and parsed.kind == DueKind.MONTH and parsed.date:
            return parsed.date.replace(day=1), parsed.date
    return None


def format_be(day: date | None, *, thai_digits: bool = False, short_year: bool | None = None) -> str:
    """A date in Thai BE: ``30 มี.ค. 2567``, or ``๓๐ มี.ค. ๖๗`` with Thai digits.

    Thai digits default to the short two-digit year, as Thai plans write it.
    """
    if day is None:
        return ""
    if short_year is None:
        short_year = thai_digits
    year = day.year + BE_OFFSET
    year_text = f"{year % 100:02d}" if short_year else str(year)
    text = f"{day.day} {MONTHS_ABBR[day.month - 1]} {year_text}"
    return to_thai_digits(text) if thai_digits else text


def in_app_style(text: str | None) -> str:
    """A plan's date wording in the app's one date style (:func:`format_be`), for reading next to
    the app's own dates: ``๓๑ ม.ค.๖๗`` → ``31 ม.ค. 2567``, ``ภายใน ก.พ.๖๗`` → ``ภายใน ก.พ. 2567``,
    Thai digits as 0–9. Words around the dates stay; a month without a year keeps no year.
    Only for showing: the stored wording (what imports compare) is never rewritten."""

    def restyle(match: re.Match[str]) -> str:
        month = MONTHS_ABBR[_month_number(match["month"]) - 1]
        year = f" {be_year_to_ce(int(match['year'])) + BE_OFFSET}" if match["year"] else ""
        day = f"{int(match['day'])} " if match["day"] else ""
        end = " " if match.group(0).endswith(" ") else ""  # the pattern may eat the space after a month
        return f"{day}{month}{year}{end}"

    return _DATE_RE.sub(restyle, to_arabic_digits(text or ""))


def format_be_month(year: int, month: int) -> str:
    """A month label in BE, e.g. ``ต.ค. 66`` for October 2023 (chart ticks, matrix columns)."""
    return f"{MONTHS_ABBR[month - 1]} {(year + BE_OFFSET) % 100:02d}"



def shift_year(day: date, years: int = 1) -> date:
    """The same day ``years`` later; a month's last day stays its last day (28 Feb ↔ 29 Feb)."""
    target_year = day.year + years
    if day == month_end(day.year, day.month):
        return month_end(target_year, day.month)
    return date(target_year, day.month, min(day.day, month_end(target_year, day.month).day))


_YEAR_AFTER_MONTH = re.compile(
    rf"(?P<month>{_MONTH_RE}|ปีงบประมาณ)(?P<gap>\s*(?:พ\.ศ\.\s*)?)(?P<year>[0-9๐-๙]{{4}}|[0-9๐-๙]{{2}}(?![0-9๐-๙]))"
)


def shift_be_years_in_text(text: str, years: int = 1) -> str:
    """Move the BE years written after month names (``ม.ค.๖๗``, ``ธันวาคม ๒๕๖๖``) or after
    ``ปีงบประมาณ`` by ``years``, keeping the digit system and width, so a rolled-over plan's
    wording matches its dates."""

    def bump(match: re.Match[str]) -> str:
        written = match["year"]
        thai = any(ch in THAI_DIGITS for ch in written)
        value = int(to_arabic_digits(written)) + years
        shifted = f"{value % 100:02d}" if len(written) == 2 else str(value)
        return match["month"] + match["gap"] + (to_thai_digits(shifted) if thai else shifted)

    return _YEAR_AFTER_MONTH.sub(bump, text)
