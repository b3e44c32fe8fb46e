"""What text a command may carry: the rules every service applies before a value reaches the
event store or PostgreSQL.

- `kernel.text_storable`: no NUL (U+0000) and no lone surrogate (U+D800-U+DFFF) in any string.
  PostgreSQL `text` and `jsonb` cannot hold them, and one such event in an immutable log stops
  every projection that reads it.
- `kernel.name_visible`: a name or title (of a unit, department, person, agency, reference
  document...) has at least one visible character: blank, whitespace-only and
  invisible-only names (control, format characters such as U+200B and U+FEFF, separators) are
  refused, since nobody could tell such records apart.
- `kernel.idempotency_key`: an Idempotency-Key is 1 to 255 visible ASCII characters (HTTP header
  values are bytes; anything else cannot be forwarded or compared reliably).

The functions here are pure; `Name` and `Title` are the pydantic types of command fields.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Mapping
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Field
from pydantic_core import PydanticCustomError

from kernel.errors import RuleViolatedError

TEXT_STORABLE = "kernel.text_storable"
NAME_VISIBLE = "kernel.name_visible"
REASON_VISIBLE = "kernel.reason_visible"
IDEMPOTENCY_KEY = "kernel.idempotency_key"
IDEMPOTENCY_KEY_MAX = 255

# Categories that show nothing on their own: controls, format characters (zero-width space,
# byte-order mark, bidi marks), separators (spaces, line and paragraph separators), and code
# points no font draws (surrogates, unassigned).
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Cn", "Zs", "Zl", "Zp"})
# Marks only decorate the character before them: a name of marks alone shows nothing.
MARK_CATEGORIES = frozenset({"Mn", "Mc", "Me"})
# Letters and symbols that fonts draw as blank space (Unicode's "default ignorable" fillers and
# the Braille blank), which a name of only them would hide behind.
BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e\u034f")


def unstorable_char(text: str) -> str | None:
    """The first character of `text` PostgreSQL text cannot hold (NUL, a lone surrogate), if any.

    A Python str holds surrogates only unpaired (a pair decodes to one code point), so every
    code point in U+D800-U+DFFF is a lone surrogate.
    """
    for char in text:
        if char == "\x00" or "\ud800" <= char <= "\udfff":
            return char
    return None


def storable_problem(text: str) -> str | None:
    """Why `text` cannot be stored, in words a caller can act on, or None when it can."""
    char = unstorable_char(text)
    if char is None:
        return None
    at = text.index(char)
    what = "a NUL character (U+0000)" if char == "\x00" else f"a lone surrogate (U+{ord(char):04X})"
    return f"the text contains {what} at character {at}; such text cannot be recorded"


def check_storable(text: str, field: str) -> str:
    """`text` unchanged if PostgreSQL can hold it; otherwise refused (`kernel.text_storable`)."""
    if (problem := storable_problem(text)) is not None:
        raise RuleViolatedError(TEXT_STORABLE, f"{field}: {problem}", field=field)
    return text


def check_words(text: str | None, rule: str, message: str, field: str) -> str:
    """`text` stripped, if it says something (two characters or more, a reason, a comment);
    else refused by the service's `rule`."""
    if text is None or len(text.strip()) < 2:
        raise RuleViolatedError(rule, message, field=field)
    return text.strip()


def is_visible(text: str) -> bool:
    """Whether `text` shows at least one character (not only spaces, controls, format chars,
    combining marks or blank-looking fillers)."""
    return any(
        char not in BLANK_LOOKING
        and unicodedata.category(char) not in INVISIBLE_CATEGORIES | MARK_CATEGORIES
        for char in text
    )


def check_name(text: str, field: str) -> str:
    """`text` unchanged if it is a name someone can read; else refused (`kernel.name_visible`)."""
    check_storable(text, field)
    if not is_visible(text):
        raise RuleViolatedError(
            NAME_VISIBLE,
            f"{field}: a name must show at least one visible character, not only spaces, "
            "control or invisible characters",
            field=field,
        )
    return text


def unstorable_in(value: Any) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every string in `value` (nested lists, tuples, dicts and their keys, pydantic models)
    PostgreSQL cannot hold: its path from `value` and why.
    """
    if isinstance(value, str):
        if (problem := storable_problem(value)) is not None:
            yield (), problem
    elif isinstance(value, BaseModel):
        # Nested commands are checked by their own validators, field by field.
        return
    elif isinstance(value, Mapping):
        for key, item in value.items():
            segment = escape_unstorable(key) if isinstance(key, str) else str(key)
            if isinstance(key, str) and (problem := storable_problem(key)) is not None:
                yield (segment, "[key]"), problem
            for path, problem in unstorable_in(item):
                yield (segment, *path), problem
    elif isinstance(value, list | tuple | set | frozenset):
        for index, item in enumerate(value):
            for path, problem in unstorable_in(item):
                yield (index, *path), problem


def escape_unstorable(text: str) -> str:
    """`text` with NUL and lone surrogates written as `\\u0000` escapes: what an error message
    or a log line may quote of a caller's input (UTF-8 cannot encode a lone surrogate)."""
    if unstorable_char(text) is None:
        return text
    return "".join(
        f"\\u{ord(c):04x}" if c == "\x00" or "\ud800" <= c <= "\udfff" else c for c in text
    )


def storable_field(value: Any) -> Any:
    """The pydantic validator behind every command field: `value` unchanged, or a validation
    error whose `within` context names the path inside the field (`extra_work.2`).
    """
    for path, problem in unstorable_in(value):
        raise PydanticCustomError(
            TEXT_STORABLE, problem, {"within": ".".join(str(p) for p in path)}
        )
    return value


def _visible(rule: str, message: str) -> AfterValidator:
    """A validator refusing, under `rule`, text a reader cannot see (`is_visible`)."""

    def check(value: str) -> str:
        if not is_visible(value):
            raise PydanticCustomError(rule, message)
        return value

    return AfterValidator(check)


_visible_name = _visible(
    NAME_VISIBLE,
    "a name must show at least one visible character, not only spaces, control or "
    "invisible characters",
)
Name = Annotated[str, Field(min_length=1, max_length=100), _visible_name]
"""A person's, department's, unit's or agency's name (`kernel.name_visible`)."""

Title = Annotated[str, Field(min_length=1, max_length=200), _visible_name]
"""A title of a document or a reference goal (`kernel.name_visible`)."""


Reason = Annotated[
    str,
    Field(min_length=2, max_length=4000),
    _visible(
        REASON_VISIBLE,
        "a reason must say something a reader can see, not only spaces, control or "
        "invisible characters",
    ),
]
"""Why an act was done, recorded with it for whoever reads the record later
(`kernel.reason_visible`)."""


def idempotency_key_problem(key: str) -> str | None:
    """Why `key` is not an Idempotency-Key (`kernel.idempotency_key`), or None when it is one."""
    if not 1 <= len(key) <= IDEMPOTENCY_KEY_MAX:
        return f"Idempotency-Key must be 1 to {IDEMPOTENCY_KEY_MAX} characters"
    if not all("!" <= c <= "~" for c in key):
        return (
            "Idempotency-Key must be visible ASCII characters only (letters, digits, punctuation; "
            "no spaces): a UUID is a good key"
        )
    return None
