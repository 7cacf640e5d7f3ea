"""The definitions page says what each published figure counts, in both languages."""

from __future__ import annotations

from web_city import Pages


def test_definitions_page_names_the_unit_and_quotes_the_source(pages: Pages) -> None:
    en = pages.get("/definitions").text
    assert en.count("The published figure counts incidents.") == 2  # WBEZ and The Trace
    assert '<q lang="en">41 after-school shooting incidents' in en
    assert "for the immediate street" in en
    assert "change it with" not in en and "--radius" not in en
    es = pages.get("/definitions?lang=es").text
    assert es.count("La cifra publicada cuenta incidentes.") == 2
    assert es.count("La cifra publicada cuenta víctimas.") == 4
    assert "calle inmediata" in es and "cámbielo" not in es
