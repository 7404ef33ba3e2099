"""tpm: a terminal program-management tracker."""

__version__ = "0.1.0"
