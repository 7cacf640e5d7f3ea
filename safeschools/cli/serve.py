"""``safeschools serve``: the web pages and the JSON API (uvicorn running ``create_app``)."""

from __future__ import annotations

import os

import click

from safeschools.cli._app import Context, UserError, cli, pass_ctx, translate_errors

__all__ = ["serve"]


@cli.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; 0.0.0.0 to be reachable from other machines.",
)
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Server processes; each keeps its own copy of the exposure index in memory.",
)
@click.option(
    "--access-log/--no-access-log", default=True, show_default=True, help="Log every request."
)
@click.option(
    "--warm/--no-warm",
    default=True,
    show_default=True,
    help="Compute the most visited pages while idle (after the start and after data change).",
)
@pass_ctx
@translate_errors
def serve(ctx: Context, host: str, port: int, workers: int, access_log: bool, warm: bool) -> None:
    """Serve the web pages and the JSON API (OpenAPI at /docs) until Ctrl+C.

    The workers share the pages they compute in a file under the data folder (kept across
    restarts and dropped when the data change)."""
    try:
        import uvicorn
    except ImportError as exc:  # pragma: no cover - the [server] extra is missing
        msg = "The web server needs: pip install 'safeschools[server]'"
        raise UserError(msg) from exc
    from safeschools.app import create_app

    settings = ctx.settings.model_copy(
        update={
            "page_cache_dir": ctx.settings.page_cache_dir or ctx.settings.data_dir / "pages",
            "warm_pages": warm,
        }
    )
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    url = f"http://[{shown}]:{port}/" if ":" in shown else f"http://{shown}:{port}/"
    if workers == 1:
        app = create_app(settings)  # opens (and migrates) the store before saying it is ready
        app.state.index_cache.get()  # and loads the exposure index, so no visitor waits for it
        click.echo(f"safeschools at {url}  (API docs: {url}docs)  Ctrl+C stops it.")
        uvicorn.run(app, host=host, port=port, access_log=access_log, log_level="info")
        return
    # Several processes each build the app from the environment: pass the settings on there.
    os.environ["SAFESCHOOLS_DATABASE_URL"] = settings.database_url
    os.environ["SAFESCHOOLS_PAGE_CACHE_DIR"] = str(settings.page_cache_dir)
    os.environ["SAFESCHOOLS_WARM_PAGES"] = "true" if warm else "false"
    create_app(settings).state.store.dispose()  # fail here, once, if the store cannot be opened
    click.echo(f"safeschools at {url}  (API docs: {url}docs, {workers} workers)  Ctrl+C stops it.")
    uvicorn.run(
        "safeschools.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=access_log,
        log_level="info",
    )
