"""The `notices` commands: an editor drafts, the principal sends through the SMTP server on
127.0.0.1, `list` shows the sent notice, `subscribers` prints counts and never an address;
`users add --role principal` makes the role that sends."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers.notice_city import (
    PASSWORD,
    add_incident,
    school_with_staff,
    settings_for,
    subscribe_and_confirm,
)
from helpers.smtp_server import Mailbox, smtp_server

from safeschools import services
from safeschools.cli import cli


@pytest.fixture
def box() -> Iterator[Mailbox]:
    with smtp_server() as mailbox:
        yield mailbox


def test_draft_send_list_and_counts(tmp_path: Path, box: Mailbox) -> None:
    settings = settings_for(tmp_path, box)
    store = services.open_store_from_settings(settings)
    school_with_staff(store, settings)
    subscribe_and_confirm(store, settings, box, "ana@example.org", "es")
    incident = add_incident(store)
    store.dispose()
    env = {
        "SAFESCHOOLS_DATA_DIR": str(settings.data_dir),
        "SAFESCHOOLS_SMTP_HOST": box.host,
        "SAFESCHOOLS_SMTP_PORT": str(box.port),
        "SAFESCHOOLS_SMTP_TLS": "none",
        "SAFESCHOOLS_PUBLIC_BASE_URL": settings.public_base_url,
    }
    url = settings.database_url

    def run(*args: str, stdin: str | None = None) -> str:
        result = CliRunner().invoke(cli, ["--database-url", url, *args], input=stdin, env=env)
        assert result.exit_code == 0, result.output
        return result.output

    drafted = run("notices", "draft", str(incident), "--as", "ed@x.org", "--password-stdin",
                  stdin=PASSWORD + "\n")  # fmt: skip
    assert "Notice #1 drafted" in drafted and "pelea" in drafted
    refused = CliRunner().invoke(
        cli, ["--database-url", url, "notices", "send", "1", "--as", "ed@x.org",
              "--password-stdin"], input=PASSWORD + "\n", env=env,
    )  # fmt: skip
    assert refused.exit_code == 2 and "principal" in refused.output
    sent = run(
        "notices", "send", "1", "--as", "pr@x.org", "--password-stdin", stdin=PASSWORD + "\n"
    )
    assert "sent to 1 subscribers" in sent
    assert len(box.to("ana@example.org")) == 2  # the confirmation, then the notice
    assert "A fight at school" in run("notices", "list", "1")
    counts = run("notices", "subscribers", "1")
    assert "1 confirmed" in counts and "@" not in counts
    added = run("users", "add", "p2@x.org", "--role", "principal", "--school", "2",
                "--password-stdin", stdin=PASSWORD + "\n")  # fmt: skip
    assert "principal" in added
