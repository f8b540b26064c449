"""Scrapy project settings for ``scrapy crawl news -a source=KEY`` run from the repository.

This module is an edge (like the CLI): it reads bantin's settings from ``BANTIN_*`` variables
and ``.env`` once; ``bantin crawl`` does not use it (it builds the same settings itself).
"""

from bantin.configure import crawl_options
from bantin.settings import load_settings
from bantin.spiders.crawlsettings import scrapy_settings

globals().update(scrapy_settings(crawl_options(load_settings())))
LOG_LEVEL = "INFO"
