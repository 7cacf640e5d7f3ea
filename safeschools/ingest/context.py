"""What a parser of a discipline file may need besides the file itself."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from safeschools.model.discipline import NameMatch

__all__ = ["ParseContext"]


@dataclass(frozen=True)
class ParseContext:
    """What a parser may need besides the file: the CPS schools known to the store (id to
    name, every school year), the crosswalk of its source as stored or as given in a reviewed
    file, whether fuzzy matches are accepted, and a school year given by the user."""

    schools: Mapping[str, str | Sequence[str]] = field(default_factory=dict)
    crosswalk: Sequence[NameMatch] = ()
    accept_fuzzy: bool = False
    school_year: str | None = None
