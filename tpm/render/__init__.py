"""Renderers: pure data -> text. Never calls the engine.

- :mod:`tpm.render.text`: what the CLI prints in a terminal;
- :mod:`tpm.render.markdown`: the status report, the risk register, the Mermaid Gantt;
- :mod:`tpm.render.export`: files for other tools (JSON, CSV, iCalendar, TaskJuggler);
- :mod:`tpm.render.json_out`: the JSON of ``schedule``, ``blockers`` and ``why``;
- :mod:`tpm.render.escape`: making plan text safe for each output.
"""
