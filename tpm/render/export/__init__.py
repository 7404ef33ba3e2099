"""Files for other tools: report JSON, milestone CSV, iCalendar due dates, TaskJuggler."""
