"""The web application: a JSON API under /api and HTML pages (safeschools.web) built by one
factory, :func:`create_app`, from Settings. Both render the same dicts the service returns."""

from safeschools.api.app import create_app

__all__ = ["create_app"]
