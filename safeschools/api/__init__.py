"""The JSON API under ``/api``: routers only, each calling the service and returning its dicts.

``routes`` (exposure, schools, exports, accounts), ``routes_officers``, ``routes_council``,
``routes_funds``, ``routes_plans`` and ``routes_equity``; :func:`safeschools.app.create_app`
mounts them beside the pages."""
