"""Violence near schools under any definition of "near": definitions, presets, school
calendars, and the engine that answers them from the stored school-victimization pairs."""

from safeschools.proximity.definition import Definition, format_radius, parse_hours, parse_radius
from safeschools.proximity.engine import ExposureIndex, ExposureResult
from safeschools.proximity.presets import PRESETS, load_presets

__all__ = [
    "PRESETS",
    "Definition",
    "ExposureIndex",
    "ExposureResult",
    "format_radius",
    "load_presets",
    "parse_hours",
    "parse_radius",
]
