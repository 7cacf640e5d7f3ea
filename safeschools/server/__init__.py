"""What the JSON API (:mod:`safeschools.api`) and the pages (:mod:`safeschools.web`) share:
the dependencies of their routes (:mod:`~safeschools.server.deps`: the store, the settings, the
exposure index, the definition of the query string, the signed-in account), the web sessions
and their CSRF tokens (:mod:`~safeschools.server.sessions`), and the one translation of errors
(:mod:`~safeschools.server.errors`). :func:`safeschools.app.create_app` puts them together."""
