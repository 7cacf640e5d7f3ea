"""The JSON API under ``/api``: routers only, each calling the service and returning its dicts.

``routes`` (exposure, schools, exports, accounts), ``routes_officers``, ``routes_council``,
``routes_funds``, ``routes_plans``, ``routes_equity``, ``routes_incidents`` and
``routes_notices`` (notices to parents and their subscriptions);
:func:`safeschools.app.create_app` mounts them beside the pages."""
