"""safeschools: honest, shared numbers on school safety.

A library first (model, ingest, storage, service), with a CLI, an API, web pages and reports on
top that only translate.
"""

from safeschools.errors import (
    ConfigError,
    DataValidationError,
    NotFoundError,
    SafeSchoolsError,
    SourceError,
    SourceSchemaError,
)
from safeschools.model import Boundary, ImportRecord, RejectedRow, School, Victimization
from safeschools.proximity import PRESETS, Definition, ExposureResult
from safeschools.services.exposure import compare_definitions, exposure
from safeschools.settings import Settings
from safeschools.storage import Store, open_store

__version__ = "0.1.0"

__all__ = [
    "PRESETS",
    "Boundary",
    "ConfigError",
    "DataValidationError",
    "Definition",
    "ExposureResult",
    "ImportRecord",
    "NotFoundError",
    "RejectedRow",
    "SafeSchoolsError",
    "School",
    "Settings",
    "SourceError",
    "SourceSchemaError",
    "Store",
    "Victimization",
    "__version__",
    "compare_definitions",
    "exposure",
    "open_store",
]
