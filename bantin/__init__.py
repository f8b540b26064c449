"""bantin: Vietnamese AI and technology news, archived, summarized and published."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("bantin")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = ["__version__"]
