"""Building an edition: period -> stories -> ranked items -> stored edition -> rendered files.

Stages (``build_edition``):

1. resolve the period (since the previous edition of the kind, else one period length);
2. return the stored edition if this exact period was built already (idempotent);
3. select the eligible stories and rank them into top stories and sections;
4. an empty period: a short edition, or none when ``newsletter_empty = "skip"``;
5. the overview paragraph, when the edge passed a writer (a decoder-only model): written once,
   before anything is stored (the model may take a while); a failing model leaves the edition
   without it and says so in one warning;
6. store the edition, its items and the paragraph, render every format and write the files, in
   one transaction: a template or file error rolls everything back, so nothing half-made remains.

Builds of one kind hold a lock on the archive, so two at once never publish an article twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from bantin import __version__
from bantin.archive.editions import find_edition, insert_edition
from bantin.archive.engine import Database
from bantin.archive.locking import pipeline_lock
from bantin.archive.models import Edition, utcnow
from bantin.newsletter.options import NewsletterOptions
from bantin.newsletter.output import FILE_NAMES, edition_folder, files_present, write_files
from bantin.newsletter.rank import PlannedItem, plan_edition
from bantin.newsletter.render import Rendered, Renderer
from bantin.newsletter.sections import SectionConfig, load_sections
from bantin.newsletter.select import Period, resolve_period, select_stories
from bantin.newsletter.view import EditionView, compose_view, planned_from_stored

__all__ = ["LOCK_WAIT_S", "OVERVIEW_STORIES", "EditionResult", "OverviewWriter", "build_edition", "render_stored",
           "stored_view"]

LOCK_WAIT_S = 120.0
OVERVIEW_STORIES = 5  # the stories (top stories first) the overview paragraph is written from
# Writes the overview paragraph from the stories' "title: summary" texts; returns (text, model id).
OverviewWriter = Callable[[Sequence[str]], tuple[str, str]]
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EditionResult:
    """What ``build_edition`` did.

    ``edition_id`` is None for a dry run of a new period and for a skipped empty period;
    ``created`` is True only when this call stored the edition; ``paths`` are the files written
    (for an edition that existed, its files, rewritten only if they were missing); ``warnings``
    are one line each (the overview paragraph that a failing model did not write).
    """

    kind: str
    period_start: datetime
    period_end: datetime
    edition_id: int | None
    item_count: int
    paths: tuple[Path, ...]
    created: bool
    title: str = ""
    output_dir: Path | None = None
    dry_run: bool = False
    skipped: bool = False
    warnings: tuple[str, ...] = ()

    @property
    def existed(self) -> bool:
        """True when the period had been built before and that edition was returned."""
        return self.edition_id is not None and not self.created


def build_edition(
    db: Database,
    options: NewsletterOptions,
    *,
    period: str = "daily",
    since: datetime | None = None,
    until: datetime | None = None,
    now: datetime | None = None,
    dry_run: bool = False,
    out_dir: Path | None = None,
    sections: SectionConfig | None = None,
    templates_dir: Path | None = None,
    write_overview: OverviewWriter | None = None,
) -> EditionResult:
    """Build, store (unless ``dry_run``) and write the edition of ``period`` (daily|weekly).

    A dry run stores nothing and writes a ``-preview`` folder. ``write_overview`` (the edges make
    it when a decoder-only model is configured) writes a new edition's overview paragraph, once:
    an edition built before keeps what it stored. Raises ``NewsletterError`` for a bad period,
    ``TemplateError`` naming a broken template, ``DeliveryError`` naming a folder that cannot be
    written (nothing is stored then), ``ConfigError`` for a bad sections or entities file.
    """
    job = _Job(options, sections or load_sections(options.sections_file), Renderer(templates_dir), now or utcnow(), out_dir,
               write_overview)
    if dry_run:
        with db.sessions() as session:
            return job.run(session, period, since, until, dry_run=True)
    with pipeline_lock(db, name=f"newsletter-{period}", wait_s=LOCK_WAIT_S), db.session() as session:
        return job.run(session, period, since, until, dry_run=False)


@dataclass(frozen=True)
class _Job:
    options: NewsletterOptions
    config: SectionConfig
    renderer: Renderer
    now: datetime
    out_dir: Path | None
    write_overview: OverviewWriter | None = None

    @property
    def out(self) -> Path:
        """The folder of edition folders, absolute: the stored path must not depend on the cwd."""
        folder = Path(self.out_dir) if self.out_dir is not None else Path(self.options.out_dir)
        return folder.expanduser().absolute()

    def run(
        self, session: Session, kind: str, since: datetime | None, until: datetime | None, *, dry_run: bool
    ) -> EditionResult:
        # 1. the period
        span = resolve_period(session, kind, since, until, self.now)
        # 2. built before: return it
        existing = _find(session, span)
        if existing is not None:
            return self._existing(session, existing, dry_run=dry_run)
        # 3. stories, ranked
        plan = plan_edition(select_stories(session, span, self.options.relevance_threshold), span, self.config)
        # 4. an empty period
        if not plan and self.options.empty == "skip":
            return EditionResult(kind, span.start, span.end, None, 0, (), False, dry_run=dry_run, skipped=True)
        # 5. the overview paragraph
        view, warnings = self._with_paragraph(self._view(session, plan, span, None, self.now))
        if dry_run:
            rendered, paths = self._write(view)
            return self._result(view, paths, created=False, dry_run=True, title=rendered.subject, warnings=warnings)
        # 6. store, render, write
        edition = _insert(session, span, plan, self.now)
        if view.overview is not None and view.overview.paragraph:
            edition.overview_text, edition.overview_model = view.overview.paragraph, view.overview.paragraph_model
        view = replace(view, edition_id=edition.id)
        rendered, paths = self._write(view)
        edition.title = rendered.subject
        edition.output_dir = str(paths[0].parent)
        if self.options.mail is None:  # files are the only channel: delivered now
            edition.delivered, edition.delivered_at = True, self.now
        session.flush()
        return self._result(view, paths, created=True, title=rendered.subject, warnings=warnings)

    def _with_paragraph(self, view: EditionView) -> tuple[EditionView, tuple[str, ...]]:
        """``view`` with the overview paragraph the writer wrote, or unchanged with one warning."""
        if self.write_overview is None or view.overview is None:
            return view, ()
        stories = [f"{item.title}: {item.summary}" for item in (view.top or view.items)[:OVERVIEW_STORIES]]
        try:
            text, model_id = self.write_overview(stories)
        except Exception as exc:  # noqa: BLE001 - a failing model never fails the edition
            problem = " ".join(str(exc).split())[:200] or type(exc).__name__
            return view, (_warn(f"overview paragraph not written: {problem}"),)
        text = " ".join((text or "").split())
        if not text:
            return view, (_warn(f"overview paragraph not written: {model_id} wrote nothing"),)
        return replace(view, overview=replace(view.overview, paragraph=text, paragraph_model=model_id)), ()

    def _view(
        self, session: Session, plan: list[PlannedItem], span: Period, edition_id: int | None, at: datetime
    ) -> EditionView:
        return compose_view(
            session, plan, span, self.config, edition_id=edition_id, generated_at=at,
            timezone=self.options.timezone, threshold=self.options.relevance_threshold, version=__version__,
            entities_file=self.options.entities_file,
        )

    def _write(self, view: EditionView) -> tuple[Rendered, tuple[Path, ...]]:
        rendered = self.renderer.render(view)
        return rendered, write_files(edition_folder(self.out, view), rendered)

    def _existing(self, session: Session, edition: Edition, *, dry_run: bool) -> EditionResult:
        view = stored_view(session, edition, self.options, self.config)
        if dry_run:
            view = _as_preview(view)
        stored = Path(edition.output_dir) if edition.output_dir else None
        if dry_run or self.out_dir is not None or not files_present(stored):
            rendered, paths = self._write(view)
            if not dry_run and not files_present(stored):
                edition.output_dir = str(paths[0].parent)
        else:
            paths = tuple(stored / name for name in FILE_NAMES.values())
        return self._result(view, paths, created=False, dry_run=dry_run, title=edition.title, edition_id=edition.id)

    def _result(self, view: EditionView, paths: tuple[Path, ...], *, created: bool, dry_run: bool = False,
                title: str = "", edition_id: int | None = None, warnings: tuple[str, ...] = ()) -> EditionResult:
        return EditionResult(
            kind=view.kind, period_start=view.period_start, period_end=view.period_end,
            edition_id=view.edition_id if edition_id is None else edition_id, item_count=view.story_count,
            paths=paths, created=created, title=title, output_dir=paths[0].parent if paths else None, dry_run=dry_run,
            warnings=warnings,
        )


def _warn(line: str) -> str:
    log.warning(line)
    return line


def _as_preview(view: EditionView) -> EditionView:
    return replace(view, edition_id=None)


def _find(session: Session, span: Period) -> Edition | None:
    return find_edition(session, span.kind, span.start, span.end)


def _insert(session: Session, span: Period, plan: list[PlannedItem], now: datetime) -> Edition:
    """Store the edition and its items."""
    items = [(item.article_id, item.position, item.section, item.also_covered) for item in plan]
    return insert_edition(session, span.kind, span.start, span.end, now, items)


def stored_view(session: Session, edition: Edition, options: NewsletterOptions, config: SectionConfig) -> EditionView:
    """The view of a stored edition, laid out as it was stored, with its stored overview paragraph."""
    span = Period(edition.kind, edition.period_start, edition.period_end)
    view = compose_view(
        session, planned_from_stored(edition.items), span, config, edition_id=edition.id,
        generated_at=edition.created_at, timezone=options.timezone,
        threshold=options.relevance_threshold, version=__version__, entities_file=options.entities_file,
    )
    if view.overview is None or not edition.overview_text:
        return view
    paragraph = replace(view.overview, paragraph=edition.overview_text, paragraph_model=edition.overview_model or "")
    return replace(view, overview=paragraph)


def render_stored(
    session: Session, edition: Edition, options: NewsletterOptions, *, out_dir: Path | None = None,
    sections: SectionConfig | None = None, templates_dir: Path | None = None,
) -> tuple[Rendered, tuple[Path, ...]]:
    """Render a stored edition again and write its files (into ``out_dir`` or its own folder)."""
    view = stored_view(session, edition, options, sections or load_sections(options.sections_file))
    rendered = Renderer(templates_dir).render(view)
    if out_dir is None and edition.output_dir:
        folder = Path(edition.output_dir)
    else:
        base = Path(out_dir) if out_dir is not None else Path(options.out_dir)
        folder = edition_folder(base.expanduser().absolute(), view)
    paths = write_files(folder, rendered)
    if not files_present(edition.output_dir):
        edition.output_dir = str(folder)
    return rendered, paths
