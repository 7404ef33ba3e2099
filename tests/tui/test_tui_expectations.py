"""What users expect of a Textual app: a footer that fits, a palette without duplicates or
stock text, colours from the theme, and a dashboard that never hides a finding."""

from __future__ import annotations

import re
from pathlib import Path

from textual.app import App
from textual.color import Color
from textual.pilot import Pilot
from textual.widgets import Input
from textual.widgets._footer import FooterKey
from tuihelp import drive, settle

from tpm.tui.app import TpmApp
from tpm.tui.screens.milestones import MilestonesScreen
from tpm.tui.widgets.footer import FittingFooter
from tpm.tui.widgets.text import TextPane, Wrapped

TUI = Path(__file__).resolve().parents[2] / "tpm" / "tui"


def _footer_fits(app: TpmApp, where: str) -> None:
    """Every footer label is whole and ends before the palette key, which is last."""
    footer = app.screen.query_one(FittingFooter)
    keys = list(footer.query(FooterKey))
    palette = keys[-1]
    assert "palette" in str(palette.description), where
    assert keys[0].key_display == "1-6" and keys[0].description == "Screens", where
    for key in keys[:-1]:  # every label ends before the palette key begins
        assert key.region.right <= palette.region.x, (where, key.description)
        assert key.region.width >= len(key.key_display) + len(key.description) + 1, where


def _palette_in_tpm_words(app: TpmApp, where: str) -> None:
    """Each command once, none of Textual's stock ones, tpm's words."""
    commands = list(app.get_system_commands(app.screen))
    titles = [c.title for c in commands]
    assert len(titles) == len(set(titles)), (where, titles)
    stock = {c.help for c in App.get_system_commands(app, app.screen)}
    assert not stock & {c.help for c in commands}, where
    assert {"Show Dashboard", "Save", "Undo", "Theme", "Quit"} <= set(titles), where
    # "Add" on a screen is the app's "Add milestone": never listed twice.
    assert not any(t.endswith(": Add") for t in titles), where


def test_footer_shows_whole_keys_and_palette_lists_each_command_once(plan_file: Path) -> None:
    """One app walks the six screens at 80 columns (footer and palette), then at 120."""

    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        for screen in "123456":
            await pilot.press(screen)
            await settle(app, pilot)
            _footer_fits(app, f"screen {screen} at 80 columns")
            _palette_in_tpm_words(app, f"screen {screen}")
        await pilot.resize_terminal(120, 24)
        for screen in "123456":
            await pilot.press(screen)
            await settle(app, pilot)
            _footer_fits(app, f"screen {screen} at 120 columns")

    drive(plan_file, scenario, size=(80, 24))


def test_dashboard_never_hides_a_finding_without_saying_so(plan_file: Path) -> None:
    """At 80x24, then the same app resized to 120x40."""

    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        for size in ((80, 24), (120, 40)):
            await pilot.resize_terminal(*size)
            await settle(app, pilot)
            assert app.analysis is not None and app.analysis.report is not None
            shown = app.screen.query_one("#dash-status", Wrapped).plain
            flat = " ".join(shown.split())
            hidden_somewhere = False
            for area in app.analysis.report.status.areas:
                missing = [f for f in area.findings if f"[{f.rule}]" not in flat]
                if missing:
                    hidden_somewhere = True
                    assert f"+{len(missing)} more" in flat, (size, area.name)
            assert hidden_somewhere == ("more (6:" in flat), size
            # The RAG words line up under each other.
            columns = {
                line.index(word)
                for line in shown.splitlines()
                for word in ("GREEN", "AMBER", "RED")
                if word in line and not line.startswith(" ")
            }
            assert len(columns) == 1, (size, shown)

    drive(plan_file, scenario, size=(80, 24))


def test_headline_shows_forecast_p80_and_odds_coloured_by_the_odds(plan_file: Path) -> None:
    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        await settle(app, pilot)
        assert app.analysis is not None
        data = app.analysis.report
        panel = app.screen.query_one("#dash-schedule", Wrapped)
        text = panel._text(200)
        line = next(t for t in text.split() if t.plain.startswith("Forecast"))
        odds = data.forecast.on_target
        assert f"{data.finish} · P80 {data.forecast.finish.p80} · {odds * 100:.1f}% on time" in (
            line.plain
        )
        role = "success" if odds >= 0.8 else "warning" if odds >= 0.5 else "error"
        want = Color.parse(app.get_css_variables()[role]).hex6.lower()
        colours = {str(s.style).split()[-1].lower() for s in line.spans if s.start >= 10}
        assert colours == {want}
        assert "early" not in line.plain  # the margin line says early, in the same colour

    drive(plan_file, scenario)


def test_colours_come_from_the_theme(plan_file: Path) -> None:
    literals = [
        f"{path.relative_to(TUI)}: {m.group(0)}"
        for path in TUI.rglob("*.py")
        for m in re.finditer(r"#[0-9a-fA-F]{6}\b", path.read_text(encoding="utf-8"))
    ]
    assert literals == []

    def badge_colour(app: TpmApp) -> str:
        strips = app.screen._compositor.render_strips()
        for strip in strips:
            for segment in strip:
                if segment.text.strip() in ("RED", "AMBER", "GREEN") and segment.style.bgcolor:
                    return segment.style.bgcolor.triplet.hex.lower()  # type: ignore[union-attr]
        raise AssertionError("no RAG badge on screen")

    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        await settle(app, pilot)
        rag = app.analysis.report.status.rag  # type: ignore[union-attr]
        role = {"red": "error", "amber": "warning", "green": "success"}[rag]
        for theme in ("textual-dark", "textual-light", "nord"):
            app.theme = theme
            await settle(app, pilot)
            await pilot.pause(0.1)
            want = Color.parse(app.get_css_variables()[role]).hex6.lower()
            assert badge_colour(app) == want, theme

    drive(plan_file, scenario)


def test_a_screen_opens_without_restyling_the_app_and_follows_a_later_theme(
    plan_file: Path,
) -> None:
    """Opening a screen styles only its own widgets: Textual re-parsed every widget's CSS
    and restyled the whole app twice per first opening (0.1-0.15 s at 10,000 milestones).
    The milestone detail pane is filled with the rows, not by a message after the frame
    (which cost another layout and render). A theme chosen elsewhere still reaches a
    screen when it comes back."""

    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        await settle(app, pilot)
        reparses: list[int] = []
        reparse = app.stylesheet.reparse

        def counted() -> None:
            reparses.append(1)
            reparse()

        app.stylesheet.reparse = counted  # type: ignore[method-assign]
        await pilot.press("2")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, MilestonesScreen)
        pane = screen.query_one("#ms-detail", TextPane)
        assert pane.plain
        screen.query_one("#ms-search", Input).value = "no such milestone"
        screen.refill()
        assert pane.plain == ""  # at once: no row, no detail
        screen.query_one("#ms-search", Input).value = ""
        for key in "341":
            await pilot.press(key)
            await settle(app, pilot)
        assert reparses == []
        app.theme = "nord" if app.theme != "nord" else "textual-light"
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        want = Color.parse(app.get_css_variables()["background"])
        assert app.screen.styles.background == want

    drive(plan_file, scenario)


def test_timeline_marks_the_program_target(plan_file: Path) -> None:
    from tpm.tui.widgets.gantt import Gantt

    async def scenario(app: TpmApp, pilot: Pilot[None]) -> None:
        await pilot.press("3")
        await settle(app, pilot)
        gantt = app.screen.query_one(Gantt)
        assert app.plan is not None and gantt.target == app.plan.program.target
        column = gantt.label_width + gantt._col(gantt.target) - int(gantt.scroll_x)
        lines = ["".join(s.text for s in gantt.render_line(y)) for y in range(1, gantt.size.height)]
        marks = [line[column] for line in lines if len(line) > column]
        assert marks.count("┃") >= len(gantt.rows) // 2  # each row where no bar covers it
        legend = "".join(s.text for s in app.screen.query_one("#tl-legend").render_line(0))
        assert "┃ target" in legend

    drive(plan_file, scenario)
