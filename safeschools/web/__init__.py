"""HTML pages: routers and forms that call the service and render its dicts in English and
Spanish (:mod:`safeschools.render`), on the helpers every page shares
(:mod:`~safeschools.web.base`). :func:`safeschools.app.create_app` mounts them beside the API;
maps and charts are SVG drawn on the server, and nothing is loaded from another host."""
