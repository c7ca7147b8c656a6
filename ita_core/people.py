"""People of the plan: one Person per officer however the OCR spelled the name.

Besides the canonical form names are compared in, this module finds the station's people in a
plan's responsible text (:class:`NameMatcher`), which the importer uses to turn "who is
responsible" into assignments.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import NamedTuple

from ita_core.models import Person

_SPACES = re.compile(r"\s+")
# Ranks of the Royal Thai Police as plans write them (OCR may put spaces after the dots).
_RANK = re.compile(r"(?P<rank>(?:พล\s*\.\s*)?"
                   r"(?:[พรส]\s*\.\s*ต\s*\.\s*[อทต]|จ\s*\.\s*ส\s*\.\s*ต|[ดต]\s*\.\s*ต)"
                   r"\s*\.(?:\s*หญิง)?)\s*(?P<first>[^\s;,]+)\s+(?P<last>[^\s;,]+)")


def normalise_name(text: str) -> str:
    """The form names are compared in: NFC, single spaces, no space before a dot."""
    text = unicodedata.normalize("NFC", text or "")
    text = _SPACES.sub(" ", text).strip()
    return text.replace(" .", ".")


def compact_text(text: str) -> str:
    """:func:`normalise_name` with no white space at all.

    OCR splits and joins Thai words at random, so a name (or a plan's activity text) is only
    recognised reliably once every space is gone.
    """
    return _SPACES.sub("", normalise_name(text))


def name_index(people: Iterable[Person]) -> dict[str, Person]:
    """Every known spelling (canonical name and variants) → its Person.

    Raises ``ValueError`` when one spelling points at two people, because then a name in a
    plan could not be told apart.
    """
    index: dict[str, Person] = {}
    for person in people:
        for spelling in (person.name, *person.variants):
            key = normalise_name(spelling)
            other = index.get(key)
            if other is not None and other is not person:
                raise ValueError(f"spelling {spelling!r} belongs to {other.name!r} and {person.name!r}")
            index[key] = person
    return index


class NamesFound(NamedTuple):
    """People named in a cell: ``known`` canonical names in order, ``unknown`` name → rank."""

    known: list[str]
    unknown: dict[str, str]  # a name that matches nobody → its rank as written ("" when none)


class NameMatcher:
    """Finds a station's people in text, by canonical name or any known spelling."""

    def __init__(self, people: Iterable[Person]) -> None:
        self.index = name_index(people)
        # Longest spelling first, so a short name cannot match inside a longer one.
        self._compact = sorted(((compact_text(k), p) for k, p in self.index.items()),
                               key=lambda kp: -len(kp[0]))

    def find_in_text(self, text: str) -> NamesFound:
        """People in a free-text responsible cell of a station's plan.

        Known people are found however the spaces fall; a ranked name (``ร.ต.อ. สมชาย ใจดี``)
        that matches nobody is reported as unknown with its rank, for approval as a new person.
        """
        rest = compact_text(text)
        found: dict[str, int] = {}  # canonical name → where it first appears
        for key, person in self._compact:
            position = rest.find(key) if key else -1
            if position >= 0:
                rest = rest.replace(key, "|" * len(key))
                found[person.name] = min(found.get(person.name, position), position)
        known = sorted(found, key=lambda name: found[name])
        unknown: dict[str, str] = {}
        normal = normalise_name(text)
        for match in _RANK.finditer(normal):
            if self._starts_with_known(normal[match.start("first"):]):
                continue
            name = f"{match['first']} {match['last']}"
            unknown.setdefault(name, _SPACES.sub("", match["rank"]))
        return NamesFound(known, unknown)

    def find_in_list(self, text: str) -> NamesFound:
        """People in our own export's responsible column: canonical names joined by ``"; "``.

        Every part is a whole name, so parts are looked up exactly (after normalising) and an
        unknown part has no rank.
        """
        known: list[str] = []
        unknown: dict[str, str] = {}
        for part in (p.strip() for p in text.split(";")):
            if not part:
                continue
            person = self.index.get(normalise_name(part))
            if person is None:
                unknown.setdefault(normalise_name(part), "")
            elif person.name not in known:
                known.append(person.name)
        return NamesFound(known, unknown)

    def _starts_with_known(self, text: str) -> bool:
        following = compact_text(text)
        return any(following.startswith(key) for key, _ in self._compact if key)
