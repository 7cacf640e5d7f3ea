"""The national trackers' table in words (:data:`safeschools.storage.catalog.TABLES` includes
it). Public: every row is a published incident of a national tracker, with its source's license;
no column holds a person's name or a free-text account."""

from __future__ import annotations

from safeschools.storage.catalog_base import TableDoc

__all__ = ["NATIONAL_TABLES"]

NATIONAL_TABLES: dict[str, TableDoc] = {
    "school_shootings": TableDoc(
        "School shootings as the national trackers publish them: one row per incident of the "
        "K-12 School Shooting Database (k12-ssdb) or The Washington Post (wapo), each with its "
        "source's license. Victims are counts; no names, no narratives.",
        {
            "id": "Row id.",
            "source": "The tracker's file: k12-ssdb or wapo.",
            "incident_id": "The tracker's incident id (SSDB Incident_ID; the Post's uid).",
            "date": "The day of the shooting.",
            "school_year": "School year, like 2021-22 (the Post's own; 1 July to 30 June for "
            "the SSDB).",
            "state": "State (postal code).",
            "city": "City.",
            "school": "The school's name.",
            "license": "The license of the source the row comes from.",
            "time": "Time of day as published (SSDB first shot; the Post's approximate time).",
            "nces_school_id": "The NCES school id (the Post).",
            "school_level": "SSDB school level, or the Post's school type (public, private).",
            "location_type": "Where on or near the school (SSDB).",
            "during_school": "Whether it happened during school (SSDB; empty: not recorded).",
            "time_period": "When in the school day (SSDB).",
            "situation": "SSDB situation, or the Post's shooting type.",
            "shots_fired": "Shots fired as published (SSDB; 0: brandished, not fired).",
            "killed": "People killed, not the shooter (SSDB: victims recorded as Fatal).",
            "injured": "People injured, not the shooter (SSDB: Wounded or Minor Injuries).",
            "shooters": "Number of shooters recorded.",
            "shooter_died": "Whether a shooter died (empty: not recorded).",
            "resource_officer": "The Post: 1 a school resource officer or guard was present; 0 "
            "not present or unknown; empty not recorded.",
            "officer_involved": "SSDB: whether an officer was involved.",
            "enrollment": "Enrollment at the time (the Post).",
            "lat": "Latitude of the school (the Post).",
            "lon": "Longitude of the school (the Post).",
            "weapons": "Weapon types (SSDB) or the weapons described (the Post).",
            "import_id": "The import that wrote this row (imports.id).",
        },
        facets=("source", "state", "school_year"),
    ),
}
