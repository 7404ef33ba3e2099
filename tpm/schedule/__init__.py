"""The deterministic schedule: CPM dates and float (:mod:`tpm.schedule.scheduler`), critical
paths, `tpm why` (:mod:`tpm.schedule.why`), blockers (:mod:`tpm.schedule.blockers`) and
baselines (:mod:`tpm.schedule.baseline`).

The package itself imports nothing, so that a caller pays only for the modules it uses.
"""
