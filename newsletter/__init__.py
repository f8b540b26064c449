"""The newsletter: choosing, ranking and grouping an edition's stories, rendering and delivering it.

``build_edition`` makes (or finds) the edition of a period and writes its files;
``deliver_pending`` e-mails every edition not yet delivered. Everything a reader sees comes from
the templates in ``templates/newsletter/``; the sections come from ``newsletter/sections.toml``.
"""

from bantin.archive.editions import EditionDetail, EditionInfo, ItemInfo, edition_detail, list_editions
from bantin.newsletter.build import EditionResult, build_edition, render_stored
from bantin.newsletter.deliver import DeliveryReport, deliver_pending
from bantin.newsletter.mail import MailSettings
from bantin.newsletter.options import NewsletterOptions
from bantin.newsletter.render import Rendered, Renderer
from bantin.newsletter.sections import Section, SectionConfig, default_sections_file, load_sections
from bantin.newsletter.select import KINDS

__all__ = [
    "default_sections_file",
    "KINDS",
    "DeliveryReport",
    "EditionDetail",
    "EditionInfo",
    "EditionResult",
    "ItemInfo",
    "MailSettings",
    "NewsletterOptions",
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
