"""What every table and column of the store holds, in words, and which tables stay private when
the store is published (with Datasette, say): a test checks that it names every table and
column of the schema, so the descriptions cannot drift from the tables.

A table is **private** when publishing its rows would break a rule of the project: account
secrets (password and token hashes, the key that signs web sessions), or counts of students
under the minimum cell size, which every public page, export and API response suppresses
(discipline figures and enrollments as imported, and rejected rows whose raw cells may hold
them). The store never holds a victim's name, so no column needs hiding for that.
"""

from __future__ import annotations

from safeschools.model import ROLES
from safeschools.model.calendars import CALENDAR_GRADES, CALENDAR_KINDS
from safeschools.model.council import MOTION_TOPICS, SEAT_ROLES
from safeschools.model.discipline import PERIODS
from safeschools.model.officers import OFFICER_KINDS
from safeschools.model.plans import PLAN_STATUSES
from safeschools.storage.catalog_base import TableDoc
from safeschools.storage.catalog_incidents import INCIDENT_TABLES
from safeschools.storage.catalog_national import NATIONAL_TABLES

__all__ = ["TABLES", "TableDoc", "private_tables"]

_SCHOOL_ID = "The district's school id (CPS school id; NCES id elsewhere)."
_SCHOOL_YEAR = "School year, like 2024-25 (1 July to 30 June)."
_IMPORT_ID = "The import that wrote this row (imports.id)."
_VERSION = "Grows by one at every change; a write names the version it read."
_SOURCE = "The publisher's file it came from (a source name, e.g. chicago-victims)."


_SECRETS = "account secrets."
_EMAILS = (
    "it names the email of every account that wrote; /api/audit shows the same log with the "
    "writer's role, and the emails to an administrator only."
)
_SMALL_COUNTS = (
    "counts of students as imported, some under the minimum cell size that every public page, "
    "export and API response suppresses; the disparity and outcome exports apply it."
)


#: Every table of the store and every column, in words.
TABLES: dict[str, TableDoc] = {
    "alembic_version": TableDoc(
        "The schema's migration version (Alembic).",
        {"version_num": "The newest migration applied."},
        private="internal bookkeeping.",
    ),
    "api_tokens": TableDoc(
        "API tokens of the accounts (only a hash of each token is kept).",
        {
            "id": "Row id.",
            "user_id": "The account (users.id).",
            "token_hash": "SHA-256 of the token.",
            "label": "What the owner called the token.",
            "created_at": "When it was made (local time).",
            "revoked_at": "When it was revoked; empty while it works.",
            "expires_at": "When it stops working (local time); empty for a token made before "
            "expiry dates, which stops api_token_lifetime_days after it was made.",
        },
        private=_SECRETS,
    ),
    "audit_log": TableDoc(
        "Every write made through the application: who, when, what, and the record before and "
        "after (public through /api/audit, with roles instead of emails).",
        {
            "id": "Row id.",
            "at": "When (local time).",
            "user_id": "The account that wrote (users.id); empty for an import or the command "
            "line.",
            "user_email": "That account's email.",
            "action": "create, update, delete, adopt, end_term, import.",
            "entity": "What was written, e.g. council_motion, fund_allocation, safety_plan.",
            "entity_key": "Which one (its id or key).",
            "school_id": "The school it belongs to; empty for a district record.",
            "before": "The record before the write (JSON).",
            "after": "The record after the write (JSON).",
        },
        facets=("entity", "action"),
        private=_EMAILS,
    ),
    "boundaries": TableDoc(
        "Community areas, police districts and wards.",
        {
            "kind": "community_area, police_district or ward.",
            "code": "The boundary's number or code.",
            "name": "Its name.",
            "geometry_wkt": "Its outline as WKT, lat-lon degrees (EPSG:4326).",
            "import_id": _IMPORT_ID,
        },
        facets=("kind",),
        label_column="name",
    ),
    "calendar_days": TableDoc(
        "School calendar days that change the ordinary calendar (first and last days, days "
        "without school, closures, make-up days), per school year and grades.",
        {
            "school_year": _SCHOOL_YEAR,
            "day": "The date.",
            "grades": "Which grades the day applies to: " + ", ".join(CALENDAR_GRADES) + ".",
            "kind": ", ".join(CALENDAR_KINDS) + ".",
            "confidence": "How sure the calendar is of the day, when it says.",
            "note": "Why, as the calendar says it.",
            "import_id": _IMPORT_ID,
        },
        facets=("school_year", "kind"),
    ),
    "council_ballots": TableDoc(
        "Each council member's ballot on a motion (council members are public officials).",
        {
            "motion_id": "The motion (council_motions.id).",
            "member_id": "The member (council_members.id).",
            "ballot": "yes, no, abstain or absent.",
        },
        facets=("ballot",),
    ),
    "council_meetings": TableDoc(
        "Local School Council meetings.",
        {
            "id": "Row id.",
            "school_id": _SCHOOL_ID,
            "meeting_date": "The date of the meeting.",
            "note": "A note on the meeting.",
        },
    ),
    "council_members": TableDoc(
        "Local School Council members, one row per member and term (public officials).",
        {
            "id": "Row id.",
            "school_id": _SCHOOL_ID,
            "name": "The member's name.",
            "role": "The seat: " + ", ".join(SEAT_ROLES) + ".",
            "term_start": "First day in the seat.",
            "term_end": "Last day in the seat; empty while the term runs on.",
            "version": _VERSION,
        },
        facets=("role",),
        label_column="name",
    ),
    "council_motions": TableDoc(
        "Motions put to a council's vote, with the outcome and the quorum and pass rules applied.",
        {
            "id": "Row id.",
            "school_id": _SCHOOL_ID,
            "meeting_id": "The meeting (council_meetings.id).",
            "topic": ", ".join(MOTION_TOPICS) + ".",
            "text": "The motion as put to the vote.",
            "officer_decision": "For an officers motion: the officers kept (2, 1 or 0).",
            "school_year": "For an officers motion: the school year it decides.",
            "valid": "1 when the meeting had quorum; a vote without quorum decides nothing.",
            "passed": "1 when the motion passed under the rule applied.",
            "result": "passed, failed or 'invalid: no quorum'.",
            "rules": "The quorum and pass rules applied, in words, with their citations.",
            "outcome": "The tally and the rule's figures (JSON).",
            "recorded_at": "When it was recorded (local time).",
            "version": _VERSION,
        },
        facets=("topic", "result"),
    ),
    "discipline_figures": TableDoc(
        "Discipline figures by school, school year, measure and student group, as imported.",
        {
            "id": "Row id.",
            "import_id": _IMPORT_ID,
            "source": _SOURCE,
            "school_id": _SCHOOL_ID,
            "school_year": _SCHOOL_YEAR,
            "period": "The part of the year the figure covers: "
            + ", ".join(PERIODS)
            + " (EOY: the whole year; S1: the first semester).",
            "measure": "What is counted, e.g. students_oss (students with an out-of-school "
            "suspension) or police_notifications.",
            "group": "The student group, e.g. all, black, female, disability.",
            "value": "The figure; empty when the publisher suppressed it.",
            "note": "A note of the publisher or the import.",
        },
        private=_SMALL_COUNTS,
    ),
    "enrollments": TableDoc(
        "Students enrolled by school, school year and student group, as imported.",
        {
            "id": "Row id.",
            "import_id": _IMPORT_ID,
            "source": _SOURCE,
            "school_id": _SCHOOL_ID,
            "school_year": _SCHOOL_YEAR,
            "group": "The student group, e.g. all, hispanic, english_learner.",
            "students": "Students enrolled; empty when the publisher suppressed it.",
            "note": "A note of the publisher or the import.",
        },
        private=_SMALL_COUNTS,
    ),
    "fetch_cursors": TableDoc(
        "How far each portal dataset has been fetched.",
        {
            "source": "The dataset (a source name).",
            "watermark": "The newest date fetched.",
            "fetched_at": "When (local time).",
        },
    ),
    "fund_allocations": TableDoc(
        "Adopted versions of a trade-in fund pool's allocation (frozen once adopted).",
        {
            "pool_id": "The pool (fund_pools.id).",
            "version": "1 for the first adoption, then 2, 3, ...",
            "formula": "equal, per_officer, enrollment, exposure or need.",
            "amount_cents": "The pool's amount when adopted, in cents.",
            "exposure_preset": "The definition of 'near' the exposure formula used.",
            "adopted_at": "When (local time).",
            "adopted_by": "The account's email.",
        },
    ),
    "fund_pool_schools": TableDoc(
        "The schools of a pool and the facts entered for each (empty: not entered).",
        {
            "pool_id": "The pool (fund_pools.id).",
            "school_id": _SCHOOL_ID,
            "officers_removed": "Officers given up, as entered; empty: taken from the "
            "officer assignments.",
            "need": "A need score, as entered.",
            "version": _VERSION,
        },
    ),
    "fund_pools": TableDoc(
        "Trade-in fund pools: money for a school year, shared by some of its schools.",
        {
            "id": "Row id.",
            "school_year": _SCHOOL_YEAR,
            "label": "The pool's name.",
            "amount_cents": "The money, in cents.",
            "source_note": "Where the money comes from.",
            "exposure_preset": "The definition of 'near' for the exposure formula.",
            "version": _VERSION,
            "created_at": "When (local time).",
            "created_by": "The account's email.",
        },
        label_column="label",
    ),
    "fund_shares": TableDoc(
        "Each school's share of an adopted allocation, with the facts it was weighed by; the "
        "shares of a version add up exactly to the pool.",
        {
            "pool_id": "The pool (fund_pools.id).",
            "version": "The adopted version (fund_allocations.version).",
            "school_id": _SCHOOL_ID,
            "weight": "The school's weight under the formula (an exact fraction).",
            "officers_removed": "Officers given up.",
            "enrollment": "Students enrolled (the school list's figure).",
            "victims": "Victims near the school under the pool's definition.",
            "need": "The need score.",
            "share_cents": "The school's share, in cents.",
        },
    ),
    "import_coverage": TableDoc(
        "What each import of victims covers: its first and last day, the days without rows, "
        "and how many rows carry each field a definition may need.",
        {
            "import_id": _IMPORT_ID,
            "source": _SOURCE,
            "first_day": "First day with a row.",
            "last_day": "Last day with a row.",
            "rows": "Rows imported.",
            "empty_days": "Days in between without a row (JSON list of ranges).",
            "with_age_band": "Rows with an age band.",
            "with_time_of_day": "Rows with a time of day.",
            "with_fatal": "Rows that say whether the victim died.",
            "with_location": "Rows with a place.",
        },
    ),
    "imports": TableDoc(
        "Every import: the file, what it read, accepted, rejected, inserted, updated and left "
        "unchanged.",
        {
            "id": "Row id.",
            "source": _SOURCE,
            "kind": "schools, victims, boundaries, calendars, officers, discipline, ...",
            "location": "The file or URL read.",
            "format": "The layout recognised.",
            "school_year": "The school year of a school list.",
            "vintage": "The data's own date or version, when it says one.",
            "checksum": "SHA-256 of the file (importing it again changes nothing).",
            "rows_read": "Rows read.",
            "accepted": "Rows accepted.",
            "rejected": "Rows rejected (each kept with its reason).",
            "inserted": "Rows new to the store.",
            "updated": "Rows that changed.",
            "unchanged": "Rows already stored as they are.",
            "started_at": "When it started (local time).",
            "finished_at": "When it finished; empty if it did not.",
            "note": "Notes of the importer.",
        },
        facets=("source", "kind"),
    ),
    "name_crosswalk": TableDoc(
        "How a publisher's school names were matched to the district's school ids.",
        {
            "id": "Row id.",
            "import_id": _IMPORT_ID,
            "source": _SOURCE,
            "source_name": "The name as the publisher wrote it.",
            "school_id": "The school matched; empty when none was.",
            "method": "How: reviewed (checked by hand), exact, normalized, fuzzy or unmatched.",
            "score": "The fuzzy match's score (0-100).",
            "cps_name": "The district's name of the school matched.",
            "note": "Why, when it needs saying.",
        },
        facets=("method",),
    ),
    "rejected_rows": TableDoc(
        "Rows an import rejected, each with its reason (names of people are never kept).",
        {
            "id": "Row id.",
            "import_id": _IMPORT_ID,
            "location": "The file.",
            "line": "The line in the file.",
            "reason": "Why it was rejected.",
            "raw": "The row's cells as read (JSON).",
        },
        private="the raw cells of a rejected discipline row may hold a count of students "
        "under the minimum cell size; `safeschools imports --rejects N` shows them to the "
        "store's owner.",
    ),
    "safety_plan_versions": TableDoc(
        "Every saved version of every Whole School Safety plan.",
        {
            "id": "Row id.",
            "school_id": _SCHOOL_ID,
            "school_year": _SCHOOL_YEAR,
            "version": "The plan's version.",
            "snapshot": "The plan as saved (JSON).",
            "saved_at": "When (local time).",
            "saved_by": "The account's email.",
        },
    ),
    "safety_plans": TableDoc(
        "Whole School Safety plans (CPS policy 704.5): one per school and school year.",
        {
            "id": "Row id.",
            "school_id": _SCHOOL_ID,
            "school_year": _SCHOOL_YEAR,
            "status": ", ".join(PLAN_STATUSES) + ".",
            "content": "Pillars, goals, actions, committee and baseline (JSON).",
            "approved_on": "The date of its approval.",
            "approved_by": "Who approved it (a council vote, in words).",
            "approval_motion_id": "The council motion that approved it (council_motions.id).",
            "version": _VERSION,
            "updated_at": "Last saved (local time).",
            "updated_by": "The account's email.",
        },
        facets=("school_year", "status"),
    ),
    "school_pairs": TableDoc(
        "Every school (of a school year) and victim within the largest radius, with the "
        "distance, computed once at import; a definition of 'near' filters them.",
        {
            "school_year": _SCHOOL_YEAR,
            "school_id": _SCHOOL_ID,
            "victimization_id": "The victim (victimizations.id).",
            "distance_m": "Distance in metres (geodesic, from the school's point to the "
            "victim's block).",
        },
    ),
    "schools": TableDoc(
        "Schools, one row per school and school year, as the district's list gives them.",
        {
            "school_id": _SCHOOL_ID,
            "school_year": _SCHOOL_YEAR,
            "name": "Short name.",
            "long_name": "Full name.",
            "address": "Street address.",
            "zip_code": "ZIP code.",
            "lat": "Latitude, degrees (EPSG:4326).",
            "lon": "Longitude, degrees (EPSG:4326).",
            "governance": "district, charter, contract or options.",
            "grade_category": "ES, MS or HS.",
            "grades": "Grades served, as listed.",
            "network": "The district's network.",
            "community_area": "The community area, as listed.",
            "enrollment": "Students enrolled, as listed.",
            "school_hours": "Hours, as listed.",
            "import_id": _IMPORT_ID,
        },
        facets=("school_year", "governance", "grade_category"),
        label_column="name",
    ),
    "spending_items": TableDoc(
        "The positions and programs a school can spend its share on, with the district's costs.",
        {
            "code": "The item's code.",
            "label": "Its name.",
            "kind": "position, program or other.",
            "cost_cents": "Cost per unit, in cents.",
            "unit": "The unit, e.g. per year.",
            "note": "Where the cost comes from.",
            "version": _VERSION,
        },
        label_column="label",
    ),
    "spending_lines": TableDoc(
        "Lines of the schools' spending plans (a removed line is kept, inactive).",
        {
            "id": "Row id.",
            "pool_id": "The pool (fund_pools.id).",
            "school_id": _SCHOOL_ID,
            "item_code": "The catalog item (spending_items.code).",
            "quantity": "How many.",
            "unit_cost_cents": "Cost per unit, in cents.",
            "cost_override": "1 when the school set its own cost.",
            "note": "A note of the school.",
            "active": "0 when the line was removed.",
            "version": _VERSION,
        },
        facets=("item_code", "active"),
    ),
    "sro_aggregates": TableDoc(
        "District figures on School Resource Officers, as published.",
        {
            "id": "Row id.",
            "import_id": _IMPORT_ID,
            "school_year": _SCHOOL_YEAR,
            "metric": "What the figure is, e.g. sro_contract_usd.",
            "value": "The value exactly as published (text: 'about 70').",
            "detail": "What goes with it, e.g. 'at 74 schools'.",
            "sources": "Where it was published.",
            "note": "A note.",
        },
        facets=("metric",),
    ),
    "sro_assignments": TableDoc(
        "How many officers of one kind a school has in one school year.",
        {
            "id": "Row id.",
            "school_id": _SCHOOL_ID,
            "school_year": _SCHOOL_YEAR,
            "kind": ", ".join(OFFICER_KINDS) + " (sro: a school resource officer).",
            "officers": "Officers.",
            "source": "Where the count comes from: a file, an edit or a council vote.",
            "note": "Which file row, edit or council motion set it.",
            "version": _VERSION,
            "updated_at": "Last changed (local time).",
        },
        facets=("school_year", "source"),
    ),
    "street_intersections": TableDoc(
        "The City's named street intersections, one row each (the street grid under the maps and "
        "the search by intersection).",
        {
            "name": "The two streets in alphabetical order, joined by ' & '.",
            "street_1": "The first street.",
            "street_2": "The second street.",
            "zip_code": "The ZIP code, when the file gives one.",
            "lat": "Latitude (degrees, EPSG:4326).",
            "lon": "Longitude (degrees, EPSG:4326).",
            "import_id": _IMPORT_ID,
        },
        label_column="name",
    ),
    "street_lines": TableDoc(
        "Each unbroken piece of a street, drawn through its consecutive intersections at import.",
        {
            "street": "The street's name.",
            "part": "Which piece of the street (0, 1, ...), where a gap breaks it.",
            "label": "The name as the maps print it.",
            "kind": "The kind of street (street, expressway, ...).",
            "major": "Whether the city map draws and names it.",
            "length_m": "Length in metres.",
            "geometry_wkt": "The line as WKT, longitude-latitude degrees.",
            "import_id": _IMPORT_ID,
        },
        facets=("kind", "major"),
        label_column="street",
    ),
    "sro_decisions": TableDoc(
        "Each school's decision on officers in one round (a council vote or the board's "
        "resolution), as compiled from public reports; blank cells stay empty.",
        {
            "id": "Row id.",
            "import_id": _IMPORT_ID,
            "school_year": "The school year decided.",
            "decision_round": "The round: 2020_lsc_vote, 2021_wssp_vote, 2023_wssp_vote, "
            "2024_board_resolution, ...",
            "school_name": "The school as the report names it.",
            "school_id": "The school's id, when matched.",
            "decision": "keep, remove, keep_one, remove_both, program_ended, ...",
            "decision_as_published": "The decision in the report's words.",
            "officers_before": "Officers before the decision.",
            "officers_after": "Officers after it.",
            "vote_keep": "Votes to keep.",
            "vote_remove": "Votes to remove.",
            "vote_abstain": "Abstentions.",
            "vote_date": "The date of the vote.",
            "vote_context": "How the tally was read.",
            "sources": "The reports (codes listed in the file's SOURCE.md).",
            "confidence": "high, medium or low.",
            "note": "A note.",
        },
        facets=("decision_round", "decision"),
        label_column="school_name",
    ),
    "sessions": TableDoc(
        "Web sessions of the accounts, kept on the server (the browser's cookie holds only a "
        "random id).",
        {
            "id_hash": "SHA-256 of the session's id.",
            "user_id": "The account (users.id).",
            "created_at": "When it began: the sign-in (local time).",
            "last_seen_at": "When it was last used (local time, to the minute).",
            "revoked_at": "When it ended (sign-out, password reset, account switched off, an "
            "administrator); empty while it runs.",
        },
        private=_SECRETS,
    ),
    "signin_failures": TableDoc(
        "Failed sign-ins in a row, per email (with or without an account) and per client "
        "address: they slow further attempts and lock an account.",
        {
            "key": "account:EMAIL or address:IP; subscribe:email:HASH or subscribe:address:IP "
            "for the subscription attempts to notices (limited the same way).",
            "failures": "Failed sign-ins in a row.",
            "last_failure_at": "When the last one was (local time).",
            "locked_at": "When the account was locked; empty while it is not "
            "(safeschools users unlock EMAIL).",
        },
        private=_SECRETS,
    ),
    "store_state": TableDoc(
        "The store's own settings, such as the key that signs web sessions.",
        {"key": "The setting.", "value": "Its value."},
        private=_SECRETS,
    ),
    "user_schools": TableDoc(
        "The schools each editor account may write.",
        {"user_id": "The account (users.id).", "school_id": _SCHOOL_ID},
        private=_SECRETS,
    ),
    "users": TableDoc(
        "Accounts that may write (the public reads without one).",
        {
            "id": "Row id.",
            "email": "The account's email.",
            "display_name": "Its display name.",
            "role": ", ".join(ROLES) + ".",
            "password_hash": "Argon2id hash of the password.",
            "active": "0 when the account is switched off.",
            "created_at": "When (local time).",
        },
        private=_SECRETS,
    ),
    "victimizations": TableDoc(
        "Victims of homicides and shootings, one row per victim (a shooting with three "
        "victims is three rows sharing a case number), placed at the block address. Never a "
        "name: the store holds none.",
        {
            "id": "Row id (the exposure tables' victim_id).",
            "source": _SOURCE,
            "source_row_id": "The publisher's id of the row.",
            "case_number": "The police case number (shared by the victims of one incident).",
            "occurred_at": "When, local wall time (America/Chicago), as published.",
            "lat": "Latitude of the block, degrees (EPSG:4326).",
            "lon": "Longitude of the block, degrees (EPSG:4326).",
            "location_precision": "block, exact or missing.",
            "victimization_type": "HOMICIDE, BATTERY, ... (the victimization's primary type).",
            "incident_type": "The incident's primary type.",
            "iucr": "The Illinois Uniform Crime Reporting code.",
            "gunshot_injury": "1 when the victim was shot, 0 when not, empty when unknown.",
            "fatal": "1 when the victim died.",
            "age_band": "Age band as published (0-19, 20-29, ..., UNKNOWN); never an exact age.",
            "sex": "As published.",
            "race": "As published.",
            "location_description": "The kind of place (STREET, RESIDENCE, ...).",
            "block": "The block address.",
            "district": "Police district.",
            "beat": "Police beat.",
            "community_area": "Community area.",
            "ward": "Ward.",
            "source_updated_at": "When the publisher last changed the row.",
            "row_hash": "A digest of the row, to tell an update from an unchanged row.",
            "import_id": _IMPORT_ID,
        },
        facets=("source", "fatal", "age_band", "victimization_type"),
    ),
    # incidents recorded by schools and restorative cases (their own module)
    **INCIDENT_TABLES,
    # the national trackers' school shootings (migration 0014)
    **NATIONAL_TABLES,
}


_SUBSCRIBERS = (
    "parents' subscriptions: a keyed hash and the encrypted address of each (never shown), and "
    "drafts that are not public until sent."
)

#: Notices to parents (migration 0013): drafts and subscribers stay private; sent notices are
#: public through /api/schools/ID/notices and the feed.
TABLES.update(
    {
        "notices": TableDoc(
            "Notices to parents drafted from an incident, in English and Spanish; a draft until "
            "sent (then it never changes).",
            {
                "id": "Row id.",
                "school_id": _SCHOOL_ID,
                "incident_id": "The incident it tells of (school_incidents.id).",
                "category": "The incident's category.",
                "subject_en": "Subject in English.",
                "body_en": "Text in English.",
                "subject_es": "Subject in Spanish.",
                "body_es": "Text in Spanish.",
                "status": "draft or sent.",
                "sent_at": "When it was sent (local time).",
                "sent_by": "The account that sent it (an email).",
                "recipients": "Messages the mail server took.",
                "version": _VERSION,
                "created_at": "When it was drafted (local time).",
                "created_by": "The account that drafted it (an email).",
                "updated_at": "When it last changed (local time).",
                "updated_by": "The account that last changed it (an email).",
            },
            private=_SUBSCRIBERS,
        ),
        "notice_versions": TableDoc(
            "Every saved version of every notice.",
            {
                "id": "Row id.",
                "notice_id": "The notice (notices.id).",
                "version": "Its version.",
                "snapshot": "The notice as saved (JSON).",
                "saved_at": "When (local time).",
                "saved_by": "The account (an email).",
            },
            private=_SUBSCRIBERS,
        ),
        "notice_subscribers": TableDoc(
            "Parents subscribed to a school's notices (double opt-in).",
            {
                "id": "Row id.",
                "school_id": _SCHOOL_ID,
                "address_hash": "HMAC-SHA256 of the address (key outside the database).",
                "address_sealed": "The address encrypted (Fernet; key outside the database).",
                "language": "en or es.",
                "categories": "The categories asked for (JSON list; empty: all).",
                "status": "pending, confirmed or unsubscribed.",
                "confirm_token_hash": "SHA-256 of the confirmation link's token (until used).",
                "unsubscribe_nonce": "Random nonce the leave link's token is derived from.",
                "unsubscribe_token_hash": "SHA-256 of the leave link's token.",
                "created_at": "When they asked (local time).",
                "confirmed_at": "When they confirmed (local time).",
                "unsubscribed_at": "When they left (local time).",
                "updated_at": "When it last changed (local time).",
            },
            private=_SUBSCRIBERS,
        ),
        "notice_deliveries": TableDoc(
            "One row per message of a sent notice.",
            {
                "id": "Row id.",
                "notice_id": "The notice (notices.id).",
                "subscriber_id": "The subscriber (notice_subscribers.id).",
                "language": "en or es.",
                "status": "sent (the mail server took it) or failed.",
                "at": "When (local time).",
                "error": "The mail server's error, if any.",
            },
            private=_SUBSCRIBERS,
        ),
    }
)


def private_tables() -> dict[str, str]:
    """The tables kept out of a published view, and why."""
    return {name: doc.private for name, doc in TABLES.items() if doc.private is not None}
