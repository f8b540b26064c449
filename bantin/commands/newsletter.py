"""``bantin newsletter`` (build, write and send an edition) and ``bantin editions list|show``."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime, time
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from bantin.commands.state import open_database, settings_of

__all__ = ["editions_app", "parse_moment", "register"]

editions_app = typer.Typer(help="List and show the stored newsletter editions.", no_args_is_help=True)


class Kind(StrEnum):
    daily = "daily"
    weekly = "weekly"


def parse_moment(text: str, zone: str) -> datetime:
    """``2026-11-29`` (local midnight), ``2026-11-29T06:30`` (local) or an ISO time with offset."""
    try:
        if len(text.strip()) == 10:
            moment = datetime.combine(datetime.fromisoformat(text.strip()).date(), time())
        else:
            moment = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise typer.BadParameter(f"{text!r} is not a date or time like 2026-11-29 or 2026-11-29T06:30") from exc
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=ZoneInfo(zone))


def _local(moment: datetime | None, zone: str) -> str:
    return "-" if moment is None else moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")


def newsletter_cmd(
    ctx: typer.Context,
    period: Annotated[Kind, typer.Option("--period", help="Edition kind.")] = Kind.daily,
    since: Annotated[
        str | None, typer.Option("--since", help="Start (local time); default: end of the previous edition.")
    ] = None,
    until: Annotated[str | None, typer.Option("--until", help="End (local time); default: now.")] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Write a preview folder; store and send nothing.")
    ] = False,
    out: Annotated[
        Path | None, typer.Option("--out", help="Folder for the edition folders (default BANTIN_OUT_DIR).")
    ] = None,
    sections: Annotated[
        Path | None,
        typer.Option(
            "--sections", help="Sections file (default: BANTIN_NEWSLETTER_SECTIONS, else the shipped one)."
        ),
    ] = None,
) -> None:
    """Build the edition of a period, write it to files, e-mail it (when SMTP is set) and post its digest to chat.

    Building a period again returns the stored edition. Editions that failed to send earlier are
    sent again, and so are chat posts (BANTIN_NOTIFY_URLS) that failed. Exit code 2 when e-mail
    fails (the edition is kept and retried next time); a failed chat post is listed and retried.
    With a decoder-only model configured, a new edition opens with an overview paragraph that the
    model writes once (stored with the edition); a model that fails is one warning line, not an error.

    Example: [bold]bantin newsletter --period weekly --since 2026-11-23 --until 2026-11-30[/bold]
    """
    from bantin.configure import chat_options, newsletter_options, overview_writer
    from bantin.errors import DeliveryError
    from bantin.newsletter import build_edition, deliver_pending, load_sections
    from bantin.newsletter.chat import post_editions

    settings = settings_of(ctx)
    options = newsletter_options(settings)
    config = load_sections(sections or options.sections_file)
    start = parse_moment(since, settings.timezone) if since else None
    end = parse_moment(until, settings.timezone) if until else None
    with open_database(ctx) as db:
        result = build_edition(
            db, options, period=period.value, since=start, until=end, dry_run=dry_run, out_dir=out, sections=config,
            write_overview=overview_writer(settings),
        )
        _print_result(result, settings.timezone)
        for warning in result.warnings:
            typer.echo(f"warning: {warning}", err=True)
        if dry_run:
            return
        report = deliver_pending(db, options, sections=config)
        chat = post_editions(db, options, chat_options(settings), [result.edition_id] if result.created else [],
                             sections=config)
    for edition_id, channel in chat.posted:
        typer.echo(f"chat: posted edition {edition_id} to {channel}")
    for edition_id, channel, problem in chat.failed:
        typer.echo(f"chat: edition {edition_id} not posted to {channel}: {problem} (posted again next time)")
    if not report.configured:
        typer.echo("e-mail: SMTP not configured (BANTIN_SMTP_HOST); files only")
        return
    for edition_id in report.sent:
        typer.echo(f"e-mail: sent edition {edition_id} to {len(settings.smtp_recipients)} recipient(s)")
    for edition_id, note in report.notes:
        typer.echo(f"e-mail: edition {edition_id}: {note}")
    if report.failed:
        edition_id, error = report.failed[0]
        raise DeliveryError(f"e-mail delivery failed for {len(report.failed)} edition(s), first {edition_id}: "
                            f"{error} (the editions are kept and sent again by the next `bantin newsletter`)")


def _print_result(result: Any, zone: str) -> None:  # noqa: ANN401 - newsletter.EditionResult
    span = f"{_local(result.period_start, zone)} -> {_local(result.period_end, zone)} {zone}"
    if result.skipped:
        typer.echo(f"no news for the {result.kind} edition {span}: nothing published (BANTIN_NEWSLETTER_EMPTY=skip)")
        return
    if result.dry_run:
        stored = result.edition_id is not None
        state = f"preview of stored edition {result.edition_id}" if stored else "preview, nothing stored"
    else:
        state = "new" if result.created else "already built"
        state = f"edition {result.edition_id}, {state}"
    typer.echo(f"{result.kind} {span}: {result.item_count} item(s) ({state})")
    for path in result.paths:
        typer.echo(f"  {path}")


@editions_app.command("list")
def list_cmd(
    ctx: typer.Context,
    kind: Annotated[Kind | None, typer.Option("--kind", help="Only editions of this kind.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="How many, newest first.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """List the stored editions, newest first, with their delivery state.

    Example: [bold]bantin editions list --kind weekly --limit 5[/bold]
    """
    from bantin.newsletter import list_editions

    zone = settings_of(ctx).timezone
    with open_database(ctx) as db:
        with db.sessions() as session:
            rows = list_editions(session, kind=kind.value if kind else None, limit=limit)
    if as_json:
        typer.echo(json.dumps([asdict(row) for row in rows], ensure_ascii=False, default=str))
        return
    table = Table("id", "kind", f"period ({zone})", "items", "delivered", "chat", "folder")
    for row in rows:
        span = f"{_local(row.period_start, zone)} -> {_local(row.period_end, zone)}"
        table.add_row(str(row.edition_id), row.kind, span, str(row.item_count), Text(_delivery(row, zone)),
                      Text(_chat(row)), Text(row.output_dir or "-"))
    Console().print(table)


def _delivery(row: Any, zone: str) -> str:  # noqa: ANN401 - newsletter.EditionInfo
    if row.delivered:
        return f"yes, {_local(row.delivered_at, zone)}"
    return f"no: {row.delivery_error}" if row.delivery_error else "no (waiting)"


def _chat(row: Any) -> str:  # noqa: ANN401 - newsletter.EditionInfo
    """The chat posts of an edition: '-' for none, else 'posted N' and each failed channel with its error."""
    if not row.posts:
        return "-"
    done = sum(1 for post in row.posts if post.posted_at is not None)
    parts = [f"posted {done}/{len(row.posts)}"]
    parts += [f"failed {post.shown} ({post.attempts} tries): {post.error}" for post in row.posts
              if post.posted_at is None and post.error]
    return "; ".join(parts)


@editions_app.command("show")
def show_cmd(
    ctx: typer.Context,
    edition_id: Annotated[int, typer.Argument(help="Edition id (see `bantin editions list`).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
) -> None:
    """Show one edition: its period, delivery state, folder, the model's overview paragraph (if
    one was written) and items in order.

    Example: [bold]bantin editions show 12[/bold]
    """
    from bantin.newsletter import edition_detail

    zone = settings_of(ctx).timezone
    with open_database(ctx) as db:
        with db.sessions() as session:
            detail = edition_detail(session, edition_id)
    if as_json:
        typer.echo(json.dumps(asdict(detail), ensure_ascii=False, default=str))
        return
    info = detail.edition
    console = Console()
    console.print(f"[bold]{escape(info.title or '(untitled)')}[/bold]  (edition {info.edition_id}, {info.kind})",
                  highlight=False)
    console.print(f"period: {_local(info.period_start, zone)} -> {_local(info.period_end, zone)} {zone}", markup=False)
    console.print(f"delivered: {_delivery(info, zone)}", markup=False)
    console.print(f"chat: {_chat(info)}", markup=False)
    console.print(f"folder: {info.output_dir or '-'}", markup=False)
    if info.overview_text:
        console.print(f"overview (machine-written by {info.overview_model}): {info.overview_text}", markup=False)
    table = Table("#", "section", "title", "outlet", "also covered by")
    for item in detail.items:
        table.add_row(str(item.position), item.section, Text(item.title), Text(item.source),
                      Text(", ".join(item.also_covered) or "-"))
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command("newsletter")(newsletter_cmd)
    app.add_typer(editions_app, name="editions")

