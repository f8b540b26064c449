"""The demo site: the shipped sources' feeds and article pages, served locally.

Tests crawl it, ``bantin demo`` serves it, ``bench/`` measures against it. Article dates are
relative to the server's anchor time (``now`` when it starts), so a daily newsletter built right
after a demo crawl has fresh articles; pass ``now=`` for fixed, repeatable dates.
"""

from bantin.spiders.mirror.server import BAD_CASES, MirrorServer, serve
from bantin.spiders.mirror.site import MirrorArticle, Site
from bantin.spiders.mirror.sources_file import BAD_SOURCES, write_sources_file

__all__ = ["BAD_CASES", "BAD_SOURCES", "MirrorArticle", "MirrorServer", "Site", "serve", "write_sources_file"]
