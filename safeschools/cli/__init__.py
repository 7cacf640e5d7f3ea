"""The ``safeschools`` command line: flags become Settings and arguments, the service does the
work, and errors are translated once (exit code 2 for a user's mistake, 1 for anything else).

``_app`` holds the group, the shared options and the data commands; each other module adds the
commands of one area when imported here.
"""

from safeschools.cli import accounts as _accounts  # noqa: F401  (registers its commands)
from safeschools.cli import backup as _backup  # noqa: F401  (registers backup and restore)
from safeschools.cli import cases as _cases  # noqa: F401  (registers its commands)
from safeschools.cli import datasette as _datasette  # noqa: F401  (registers its command)
from safeschools.cli import discipline as _discipline  # noqa: F401  (registers its commands)
from safeschools.cli import equity as _equity  # noqa: F401  (registers its commands)
from safeschools.cli import exposure as _exposure  # noqa: F401  (registers its commands)
from safeschools.cli import funds as _funds  # noqa: F401  (registers its commands)
from safeschools.cli import incident_rates as _incident_rates  # noqa: F401  (incidents monthly)
from safeschools.cli import incidents as _incidents  # noqa: F401  (registers its commands)
from safeschools.cli import national as _national  # noqa: F401  (school shootings, national)
from safeschools.cli import national_pairs as _national_pairs  # noqa: F401  (national data)
from safeschools.cli import notices as _notices  # noqa: F401  (registers its commands)
from safeschools.cli import officers as _officers  # noqa: F401  (registers its commands)
from safeschools.cli import plans as _plans  # noqa: F401  (registers its commands)
from safeschools.cli import report as _report  # noqa: F401  (registers `report`)
from safeschools.cli import serve as _serve  # noqa: F401  (registers `serve`)
from safeschools.cli._app import cli, main

__all__ = ["cli", "main"]
