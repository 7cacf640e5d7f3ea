"""One :class:`Settings` object for the whole system.

Build it once at the edge (``main()`` in the CLI, ``create_app(settings)`` in the server) and pass
it down. Every field has a default and help text; every field can be set from the environment
with the prefix ``SAFESCHOOLS_`` (for example ``SAFESCHOOLS_DATABASE_URL``) or from a ``.env`` file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from safeschools.errors import ConfigError

__all__ = ["CHICAGO_BBOX", "Settings", "normalise_database_url"]

#: Lat-lon bounding box (EPSG:4326) that holds the City of Chicago with a margin:
#: (min_lon, min_lat, max_lon, max_lat).
CHICAGO_BBOX: tuple[float, float, float, float] = (-87.99, 41.60, -87.50, 42.07)


def normalise_database_url(url: str) -> str:
    """Return a SQLAlchemy URL with an explicit driver.

    ``postgres://`` and ``postgresql://`` become ``postgresql+psycopg://`` (psycopg 3);
    anything else is returned unchanged.

    Examples
    --------
    >>> normalise_database_url("postgresql://u@127.0.0.1/db")
    'postgresql+psycopg://u@127.0.0.1/db'
    """
    url = url.strip()
    if not url:
        msg = "The database URL is empty; set SAFESCHOOLS_DATABASE_URL or pass --database-url."
        raise ConfigError(msg)
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Settings(BaseSettings):
    """Every setting of safeschools, with its default."""

    model_config = SettingsConfigDict(
        env_prefix="SAFESCHOOLS_", env_file=".env", extra="ignore", frozen=True
    )

    database_url: str = Field(
        "sqlite:///safeschools.db",
        description="SQLAlchemy URL of the store: an SQLite file by default, or "
        "postgresql+psycopg://user:password@host/db.",
    )
    data_dir: Path = Field(
        Path(".safeschools"),
        description="Folder for downloads in progress (resumable fetches) and caches.",
    )
    timezone: str = Field(
        "America/Chicago",
        description="Time zone of the publishers' local times; "
        "every occurred_at is local time here.",
    )
    area_bbox: tuple[float, float, float, float] = Field(
        CHICAGO_BBOX,
        description="min_lon, min_lat, max_lon, max_lat (EPSG:4326) of the district's area; "
        "points outside are rejected at import (swapped lat/lon is detected).",
    )
    socrata_base_url: str = Field(
        "https://data.cityofchicago.org",
        description="Base URL of the Socrata data portal that `safeschools fetch chicago` reads.",
    )
    socrata_app_token: str | None = Field(
        None, description="Optional Socrata app token ($$app_token) for higher rate limits."
    )
    victims_dataset_id: str = Field(
        "gumc-mgzr",
        description="Portal id of 'Violence Reduction - Victims of Homicides and "
        "Non-Fatal Shootings'.",
    )
    crimes_dataset_id: str = Field(
        "ijzp-q8t2", description="Portal id of 'Crimes - 2001 to present'."
    )
    fetch_page_size: int = Field(
        50_000, ge=1, le=50_000, description="Rows per SoQL page ($limit) when fetching."
    )
    fetch_since: str = Field(
        "2019-01-01T00:00:00",
        description="On the first fetch, only rows that occurred on or after this local time.",
    )
    http_timeout_s: float = Field(60.0, gt=0, description="Timeout of one HTTP request, seconds.")
    max_pair_radius_m: float = Field(
        804.672,
        gt=0,
        description="Largest radius (metres) for which school-victimization pairs are stored; "
        "0.5 mile by default.",
    )
    national_tile_m: float = Field(
        200_000.0,
        gt=0,
        description="Side (metres, EPSG:5070 CONUS Albers) of the square tiles the national "
        "pair computation is cut into; a task holds one tile's schools and incidents at a time. "
        "Smaller tiles mean more Parquet files and more overhead.",
    )
    national_parquet_dir: Path | None = Field(
        None,
        description="Folder (or object-store URL) of the national pair computation's Parquet "
        "(inputs and pairs, partitioned by tile); <data_dir>/national unless given. Every Dask "
        "worker must reach it.",
    )
    national_workers: int = Field(
        2,
        ge=1,
        description="Worker processes of the LocalCluster that `safeschools national-pairs` "
        "starts when no --scheduler is given.",
    )

    presets_file: Path | None = Field(
        None,
        description="TOML file of your own exposure presets ([presets.NAME] tables); they join "
        "the built-in ones.",
    )
    council_quorum_rule: str = Field(
        "majority_of_seats",
        description="Quorum of a Local School Council vote: majority_of_seats (default: a "
        "majority of the full membership, vacant seats included, as 105 ILCS 5/34-2.2(c) says "
        "and CPS Board Rule 6-31 cites; 7 of 12 or 13, 8 of 15) or majority_of_serving "
        "(vacancies left out). Shown with every vote.",
    )
    council_pass_rule: str = Field(
        "majority_of_present",
        description="Votes a motion needs to pass when its kind has no rule of its own: "
        "majority_of_present (default; an assumption not yet confirmed against the School "
        "Code's text), majority_of_votes_cast, majority_of_serving or majority_of_seats (the "
        "full membership); shown with every vote.",
    )
    council_pass_rule_by_topic: dict[str, str] = Field(
        {"principal": "majority_of_seats", "contract": "majority_of_seats"},
        description="Pass rule per kind of motion, as JSON (topic to rule). Default: principal "
        "selection and the principal's contract need a majority of the full membership, not of "
        "those present, as 105 ILCS 5/34-2.2(c) and 34-2.3 are read (to be confirmed against "
        "the statute's text).",
    )
    council_vacancy_quorum: int = Field(
        4,
        ge=0,
        description="Members who are a quorum solely to fill vacancies when fewer than "
        "council_vacancy_quorum_below members serve, decided by a majority of those present "
        "(Public Act 102-0296); 0 turns it off.",
    )
    council_vacancy_quorum_below: int = Field(
        7,
        ge=0,
        description="The reduced vacancy quorum applies when fewer members than this serve "
        "(Public Act 102-0296: 7).",
    )
    min_cell_size: int = Field(
        10,
        ge=1,
        description="Minimum cell size: a discipline count under it is suppressed on every "
        "public page, export and API response, and no ratio is calculated from it (34 CFR "
        "300.647 presumes at most 10 reasonable; CPS hides cells under 10).",
    )
    at_school_max_m: float = Field(
        150.0,
        gt=0,
        le=2000,
        description="A police-reported crime at a school is matched to the nearest school "
        "within this distance (metres); the police place each point at its block.",
    )
    at_school_ambiguous_m: float = Field(
        25.0,
        ge=0,
        description="A match is ambiguous when a second school within reach is no more than "
        "this many metres farther than the nearest; both are reported and neither counted.",
    )
    min_n_size: int = Field(
        30,
        ge=1,
        description="Minimum n-size: no risk ratio for a group (or comparison group) with "
        "fewer students enrolled (at most 30 presumed reasonable).",
    )
    disparity_threshold: float = Field(
        3.0,
        gt=1.0,
        description="Risk ratio above which a group is flagged; the State sets its own (this "
        "default is common but not Illinois's confirmed value).",
    )
    disparity_years: int = Field(
        3,
        ge=1,
        le=3,
        description="Consecutive years above the threshold before a school is identified "
        "(the regulation allows up to 3).",
    )
    outcome_preset: str = Field(
        "trace-500yd",
        description="Definition of 'near' for the shootings shown among each school's "
        "outcomes over time (a preset name).",
    )

    report_paper: Literal["letter", "a4"] = Field(
        "letter",
        description="Paper size of the printed school reports: letter (US Letter, what Chicago "
        "prints on) or a4.",
    )

    page_cache_dir: Path | None = Field(
        None,
        description="Folder of the file in which the web server's workers share the public "
        "pages they have computed (kept across restarts, dropped when the data change). "
        "`safeschools serve` uses <data_dir>/pages unless told otherwise; without it each "
        "worker keeps its own pages in memory only.",
    )
    warm_pages: bool = Field(
        False,
        description="Compute the most visited pages (the overview, every school's page, the "
        "district pages) while the server is idle, after it starts and after every change of "
        "the data. `safeschools serve` turns it on unless given --no-warm.",
    )
    map_tile_url: str | None = Field(
        None,
        description="Optional tile server for the maps' base layer, as a template with {z}, {x} "
        "and {y} (your own server, e.g. http://127.0.0.1:8080/{z}/{x}/{y}.png). Without it the "
        "maps are drawn from the city's boundaries only and load nothing.",
    )
    map_tile_attribution: str = Field(
        "", description="Credit line shown under maps drawn on tiles (the tile server's licence)."
    )
    trust_forwarded_proto: bool = Field(
        False,
        description="Behind a reverse proxy that ends HTTPS: trust its X-Forwarded-Proto header "
        "to tell an https request (which then gets Strict-Transport-Security). Leave off when "
        "clients reach the server directly, or they could claim https.",
    )
    hsts_max_age: int = Field(
        31_536_000,
        ge=0,
        description="Seconds browsers keep to https after an https answer "
        "(Strict-Transport-Security max-age; 0 tells them to forget it).",
    )

    worker_threads: int = Field(
        40,
        ge=1,
        le=1000,
        description="Threads of the web server that answer requests (per worker process): "
        "the bound of the pool every request that reads the store or computes runs in.",
    )
    thread_switch_interval_s: float = Field(
        0.001,
        gt=0,
        le=0.1,
        description="Longest time a thread that computes keeps the interpreter while the event "
        "loop waits, seconds (sys.setswitchinterval, set by the web server; Python's default is "
        "0.005): shorter keeps cheap pages fast beside an expensive one.",
    )
    limit_concurrency: int = Field(
        1,
        ge=0,
        description="Expensive requests of one kind (new definitions, sensitivity grids, PDF "
        "reports, large exports, first equity views) computed at once per worker process; 0 "
        "turns every per-kind and per-client limit off.",
    )
    limit_queue: int = Field(
        8,
        ge=0,
        description="Expensive requests of one kind that may wait for a free slot; more are "
        "answered 429 with Retry-After.",
    )
    limit_wait_s: float = Field(
        20.0,
        gt=0,
        description="Longest wait of an expensive request for a free slot, seconds; then 429.",
    )
    limit_per_client: int = Field(
        2,
        ge=1,
        description="Expensive requests of one kind one client address may have running or "
        "waiting at once; more are answered 429 with Retry-After.",
    )
    limit_refusal_delay_s: float = Field(
        1.0,
        ge=0,
        description="Seconds a refused expensive request is held before its 429 (holding no "
        "thread), so that a client retrying at once cannot keep the server answering refusals.",
    )
    limit_retry_after_s: int = Field(
        5, ge=1, description="Seconds a 429 answer asks the client to wait (Retry-After)."
    )
    max_query_bytes: int = Field(
        4096, ge=256, description="Longest query string read, bytes; longer ones are a 400."
    )
    max_body_bytes: int = Field(
        1_048_576,
        ge=1024,
        description="Largest request body (a JSON or form post), bytes; larger ones are a 413.",
    )
    max_page_size: int = Field(
        500, ge=1, description="Largest page a list asks for with limit=; more is a 400."
    )
    max_grid_cells: int = Field(
        200,
        ge=1,
        description="Largest sensitivity grid (radii x hours windows); a larger one is a 400.",
    )
    session_idle_timeout_s: float = Field(
        1800.0,
        gt=0,
        description="A web session left unused this many seconds ends (30 minutes by default).",
    )
    session_absolute_timeout_s: float = Field(
        12 * 3600.0,
        gt=0,
        description="A web session ends this many seconds after sign-in, used or not (12 hours).",
    )
    api_token_lifetime_days: float = Field(
        90.0,
        gt=0,
        description="An API token stops working this many days after it is made "
        "(`safeschools tokens create` prints the date).",
    )
    signin_free_failures: int = Field(
        3,
        ge=0,
        description="Failed sign-ins in a row for one account before each further attempt "
        "must wait (429 with Retry-After).",
    )
    signin_delay_s: float = Field(
        1.0,
        gt=0,
        description="The first wait after too many failed sign-ins, seconds; it doubles with "
        "every further failure, up to signin_max_delay_s.",
    )
    signin_max_delay_s: float = Field(
        300.0, gt=0, description="The longest wait between failed sign-ins, seconds."
    )
    signin_lockout_failures: int = Field(
        10,
        ge=0,
        description="Failed sign-ins in a row that lock an account until an administrator "
        "unlocks it (`safeschools users unlock EMAIL`); 0 never locks.",
    )
    signin_address_free_failures: int = Field(
        20,
        ge=0,
        description="Failed sign-ins from one address (any accounts) before each further "
        "attempt from it must wait.",
    )
    signin_address_window_s: float = Field(
        900.0,
        gt=0,
        description="An address's failed sign-ins are forgotten after this many seconds "
        "without one.",
    )
    signin_workers: int = Field(
        2,
        ge=1,
        description="Threads that check passwords (Argon2, memory- and CPU-hard) for the web "
        "server; sign-ins beyond them wait their turn, never the other pages.",
    )
    signin_queue: int = Field(
        32,
        ge=1,
        description="Sign-ins that may wait for a password check at once; more are answered "
        "429 with Retry-After.",
    )

    # -- notices to parents (mail) ----------------------------------------------------------
    smtp_host: str = Field("127.0.0.1", description="Mail server that sends notices to parents.")
    smtp_port: int = Field(25, ge=1, le=65535, description="Port of the mail server.")
    smtp_tls: Literal["none", "starttls", "ssl"] = Field(
        "starttls",
        description="How the mail connection is secured: none (a server on this machine), "
        "starttls (port 587) or ssl (port 465).",
    )
    smtp_username: str | None = Field(None, description="Mail server account (none: no login).")
    smtp_password: str | None = Field(None, description="Password of the mail server account.")
    smtp_ca_file: Path | None = Field(
        None,
        description="Certificate authority to trust for the mail server (a private CA); the "
        "system's otherwise.",
    )
    smtp_timeout_s: float = Field(30.0, gt=0, description="Timeout of the mail server, seconds.")
    mail_from: str = Field(
        "safeschools@localhost",
        description="Sender of notices and confirmation mails (also the mailto: of the "
        "one-click leave).",
    )
    public_base_url: str = Field(
        "http://127.0.0.1:8000",
        description="Address of this site as parents reach it, for the links in mails "
        "(confirm, unsubscribe, the school's notices).",
    )
    notices_key_file: Path | None = Field(
        None,
        description="File of the keys that hash and encrypt subscribers' addresses; "
        "<data_dir>/notices.key (made on first use) unless given. Back it up: without it no "
        "address can be opened.",
    )
    subscribe_free_attempts: int = Field(
        3,
        ge=0,
        description="Subscriptions one email address may ask for within subscribe_window_s "
        "before each further one must wait (the confirmation mails are not a spam cannon).",
    )
    subscribe_address_free_attempts: int = Field(
        10,
        ge=0,
        description="Subscriptions one client address may ask for within subscribe_window_s "
        "before each further one must wait.",
    )
    subscribe_window_s: float = Field(
        3600.0, gt=0, description="Subscription attempts are forgotten after this many seconds."
    )

    @field_validator("map_tile_url")
    @classmethod
    def _tile_template(cls, value: str | None) -> str | None:
        if value and not all(part in value for part in ("{z}", "{x}", "{y}")):
            msg = "map_tile_url must contain {z}, {x} and {y}, e.g. http://127.0.0.1:8080/{z}/{x}/{y}.png"
            raise ValueError(msg)
        return value or None

    @field_validator("database_url")
    @classmethod
    def _normalise_url(cls, value: str) -> str:
        return normalise_database_url(value)
