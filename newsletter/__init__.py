"""The newsletter: choosing, ranking and grouping an edition's stories, rendering and delivering it.

``build_edition`` makes (or finds) the edition of a period and writes its files;
``deliver_pending`` e-mails every edition not yet delivered. Everything a reader sees comes from
the templates in ``templates/newsletter/``; the sections come from ``newsletter/sections.toml``.
"""

from newsletter.build import EditionResult, build_edition, render_stored
from newsletter.deliver import DeliveryReport, deliver_pending
from newsletter.editions import EditionDetail, EditionInfo, ItemInfo, edition_detail, list_editions
from newsletter.render import Rendered, Renderer
from newsletter.sections import DEFAULT_SECTIONS_FILE, Section, SectionConfig, load_sections
from newsletter.select import KINDS

__all__ = [
    "DEFAULT_SECTIONS_FILE",
    "KINDS",
    "DeliveryReport",
    "EditionDetail",
    "EditionInfo",
    "EditionResult",
    "ItemInfo",
    "Rendered",
    "Renderer",
    "Section",
    "SectionConfig",
    "build_edition",
    "deliver_pending",
    "edition_detail",
    "list_editions",
    "load_sections",
    "render_stored",
]
