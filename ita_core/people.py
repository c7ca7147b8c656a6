"""People of the plan: one Person per officer however the OCR spelled the name."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from ita_core.models import Person

_SPACES = re.compile(r"\s+")


def normalise_name(text: str) -> str:
    """The form names are compared in: NFC, single spaces, no space before a dot."""
    text = unicodedata.normalize("NFC", text or "")
    text = _SPACES.sub(" ", text).strip()
    return text.replace(" .", ".")


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
