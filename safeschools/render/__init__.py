"""What the pages and the reports show, without a server: template contexts built from the
service's dicts (:mod:`~safeschools.render.views`, :mod:`~safeschools.render.equity_views`),
maps and charts as SVG drawn here (:mod:`~safeschools.render.maps`,
:mod:`~safeschools.render.svg`, :mod:`~safeschools.render.svg_lines`), English and Spanish
(:mod:`~safeschools.render.i18n`, ``locales/``), the Jinja environment and its ``templates/``
and ``static/`` files (:mod:`~safeschools.render.jinja`), and the methodology's text
(:mod:`~safeschools.render.methodology`, ``content/``).

Nothing here imports FastAPI or the use cases: the page routes (:mod:`safeschools.web`) and the
printable reports (:mod:`safeschools.reports`) call the services and pass the data in.
"""
