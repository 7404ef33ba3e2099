"""The risk register and the KPIs as data: scores, bands, hygiene, RAG, trends."""

from __future__ import annotations

from tpm.register.kpis import KpiStatus, analyse_kpis
from tpm.register.risks import MitigationView, RiskRegister, RiskView, analyse_risks
from tpm.register.sparkline import sparkline

__all__ = [
    "KpiStatus",
    "MitigationView",
    "RiskRegister",
    "RiskView",
    "analyse_kpis",
    "analyse_risks",
    "sparkline",
]
