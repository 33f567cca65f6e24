"""maturity: digital-maturity self-assessment for Chinese light-industry SMEs.

The public API lives in :mod:`maturity.api`; this module stays import-light so
that ``maturity --help`` starts fast.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
