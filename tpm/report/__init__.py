"""The status report's data: one frozen snapshot of a plan's analyses
(:mod:`tpm.report.data`), and the changes between two snapshots (:mod:`tpm.report.diff`).

The package itself imports nothing: the TUI's first analysis needs :mod:`tpm.report.data`
only, and importing the rest on the way cost it a tenth of its time.
"""
