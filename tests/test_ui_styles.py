"""ita_ui.styles.unbreakable_words: a joiner before every letter inside a word, none beside a
space or before a mark, so a name breaks only between names."""

import random
import unicodedata

from ita_ui.styles import WORD_JOINER, unbreakable_words

J = WORD_JOINER


def per_character(text: str) -> str:
    """The rule letter by letter (how it was first written): the fast version must equal it."""
    return " ".join(word[:1] + "".join(c if unicodedata.category(c).startswith("M") else J + c
                                       for c in word[1:])
                    for word in text.split(" "))


def test_a_thai_name_is_joined_letter_by_letter_with_marks_kept_on_their_letter() -> None:
    assert unbreakable_words("นันทิ พัฒน์") == f"นั{J}น{J}ทิ พั{J}ฒ{J}น์"
    assert unbreakable_words("ab  c") == f"a{J}b  c"  # two spaces stay two, no joiner beside them
    assert unbreakable_words("") == "" and unbreakable_words(" ") == " "


def test_it_equals_the_letter_by_letter_rule_on_mixed_text() -> None:
    marks = ["\u0e31", "\u0e34", "\u0e48", "\u0e4c", "\u0301"]  # Thai vowels and tones, a Latin accent
    letters = [*"กขนทพฒศรีสุขabc,.\n", *marks, " ", " ", J]
    rng = random.Random(18)
    for _ in range(5000):
        text = "".join(rng.choice(letters) for _ in range(rng.randint(0, 14)))
        assert unbreakable_words(text) == per_character(text), repr(text)
