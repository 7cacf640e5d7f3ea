"""The longest value one field of an imported table may hold.

No column of a publisher's table comes near it; a longer one is a wrong file or unbalanced
quotes, and the file is refused before it fills the memory."""

from __future__ import annotations

from pathlib import Path

from safeschools.errors import SourceError

__all__ = ["MAX_FIELD_CHARS", "too_long"]

#: Characters.
MAX_FIELD_CHARS = 1_048_576


def too_long(path: Path, where: str) -> SourceError:
    """The refusal of a file with a field longer than :data:`MAX_FIELD_CHARS`."""
    msg = (
        f"{path.name} has a value longer than {MAX_FIELD_CHARS:,} characters ({where}); no "
        "column of a publisher's table holds that much: check that it is the right file and "
        "that its quotes are balanced."
    )
    return SourceError(msg)
