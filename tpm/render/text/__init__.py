"""Terminal text for the CLI commands: schedule, blockers, why, forecast, risks, KPIs."""
