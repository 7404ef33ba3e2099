"""Small purpose-built plans for the report and export tests (TOML text)."""

from __future__ import annotations

# Every property tpm's ICS export writes: a hostile plan must not add another.
ICS_PROPERTIES = frozenset(
    {
        "BEGIN",
        "END",
        "VERSION",
        "PRODID",
        "CALSCALE",
        "X-WR-CALNAME",
        "UID",
        "DTSTAMP",
        "DTSTART",
        "DTEND",
        "SUMMARY",
        "DESCRIPTION",
        "CATEGORIES",
        "TRANSP",
    }
)

SMALL = """
[program]
name = "Small program"
objective = "Ship the new login page."
owner = "Ada"
start = 2026-03-02
target = 2026-04-10
as_of = 2026-03-20

[status]
override = { rag = "green", reason = "Steering agreed the slip", expires = 2026-03-13 }

[[teams]]
id = "web"
name = "Web"

[[teams]]
id = "api"
name = "API"

[[milestones]]
id = "design"
title = "Design signed off"
team = "web"
owner = "Bo"
duration = 5
status = "done"
percent_complete = 100
actual_start = 2026-03-02
actual_finish = 2026-03-09

[[milestones]]
id = "api"
title = "Login API"
team = "api"
owner = "Cy"
duration = 10
depends_on = ["design"]
status = "in_progress"
percent_complete = 50
actual_start = 2026-03-10
due = 2026-03-27

[[milestones]]
id = "ui"
title = "Login UI"
team = "web"
owner = "Bo"
duration = 8
depends_on = ["design", "api"]
status = "blocked"
blocked_reason = "Waiting for brand colours"
blocked_since = 2026-03-05

[[milestones]]
id = "launch"
title = "Launch"
team = "web"
owner = "Ada"
duration = 0
depends_on = ["api", "ui"]
due = 2026-04-10

[[milestones]]
id = "dropped"
title = "Old SSO bridge"
duration = 3
status = "cancelled"

[[risks]]
id = "vendor"
title = "Auth vendor contract late"
owner = "Ada"
probability = 4
impact = 5
status = "open"
trigger = "No signed contract by 2026-03-25"
affects = ["api"]
last_reviewed = 2026-03-18

[[risks]]
id = "perf"
title = "Login slower than 1 s"
owner = "Cy"
probability = 2
impact = 3
status = "mitigating"
affects = ["launch"]
last_reviewed = 2026-03-01

[[risks.mitigations]]
id = "cache"
action = "Cache sessions"
owner = "Cy"
due = 2026-03-16
status = "doing"

[[kpis]]
id = "errors"
name = "Login error rate"
unit = "%"
direction = "lower_is_better"
target = 1
amber = 2
measurements = [
    { date = 2026-03-06, value = 1.5 },
    { date = 2026-03-13, value = 2.5 },
    { date = 2026-03-20, value = 2.8 },
]

[[kpis]]
id = "signups"
name = "Weekly signups"
target = 100
amber = 80
measurements = [
    { date = 2026-03-13, value = 90 },
    { date = 2026-03-20, value = 120 },
]

[[decisions]]
id = "d1"
date = 2026-03-17
title = "Use passkeys first"
decided_by = "Ada"

[[decisions]]
id = "ask1"
title = "Approve vendor budget"
decided_by = "CFO"
status = "needed"
needed_by = 2026-03-27

[[baselines]]
name = "kickoff"
recorded = 2026-03-02
finish = 2026-03-30
milestones = [
    { id = "design", start = 2026-03-02, finish = 2026-03-06 },
    { id = "api", start = 2026-03-09, finish = 2026-03-20 },
    { id = "ui", start = 2026-03-09, finish = 2026-03-18 },
    { id = "launch", start = 2026-03-30, finish = 2026-03-30 },
]
"""

# The same program a week earlier: api shorter, ui planned, vendor risk lower, errors green.
OLD = (
    SMALL.replace("as_of = 2026-03-20", "as_of = 2026-03-13")
    .replace('status = "blocked"\nblocked_reason = "Waiting for brand colours"\n', "")
    .replace("blocked_since = 2026-03-05\n", "")
    .replace("probability = 4\nimpact = 5", "probability = 3\nimpact = 4")
    .replace(
        "    { date = 2026-03-13, value = 2.5 },\n    { date = 2026-03-20, value = 2.8 },\n", ""
    )
    .replace("duration = 10\n", "duration = 6\n")
)

HOSTILE_TITLES = [
    "Pipe | in | title",
    "Back`tick` ``code``",
    "<script>alert(1)</script>",
    "Line one\nline two\r\nthree",
    "[click](javascript:alert(1))",
    "# Heading\n- list item",
    "*emph* _under_ **bold** ~~strike~~",
    "<img src=x onerror=alert(1)>",
    '=HYPERLINK("http://x")',
    "a: b; c # d %% e",
    "```\nfence",
    "&lt;entity&gt; &amp;",
    "click m0 call alert()",
    "| --- | --- |",
]


def hostile_plan() -> str:
    """A plan whose every string is an attack on some output format."""
    lines = [
        "[program]",
        'name = "Evil | <b>program</b> `x`"',
        'owner = "[owner](http://x)"',
        "start = 2026-03-02",
        "target = 2026-06-30",
        "as_of = 2026-03-20",
        "",
        "[[teams]]",
        'id = "t1"',
        'name = "Team | <i>one</i>\\nnext"',
    ]
    for i, title in enumerate(HOSTILE_TITLES):
        esc = title.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        esc = esc.replace("\r", "\\r")
        dep = f'depends_on = ["m{i - 1}"]' if i else ""
        lines += [
            "",
            "[[milestones]]",
            f'id = "m{i}"',
            f'title = "{esc}"',
            'team = "t1"',
            f'owner = "{esc}"',
            "duration = 2",
            dep,
            "due = 2026-04-01" if i % 3 == 0 else "",
        ]
        if i % 4 == 1:
            lines += ['status = "blocked"', f'blocked_reason = "{esc}"']
    for i, title in enumerate(HOSTILE_TITLES[:6]):
        esc = title.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        esc = esc.replace("\r", "\\r")
        lines += [
            "",
            "[[risks]]",
            f'id = "r{i}"',
            f'title = "{esc}"',
            f'owner = "{esc}"',
            "probability = 5",
            "impact = 4",
            'affects = ["m1"]',
            "",
            "[[risks.mitigations]]",
            f'id = "rm{i}"',
            f'action = "{esc}"',
            "due = 2026-03-10",
        ]
        lines += [
            "",
            "[[kpis]]",
            f'id = "k{i}"',
            f'name = "{esc}"',
            f'unit = "{esc}"',
            "target = 10",
            "measurements = [{ date = 2026-03-13, value = 5 }, { date = 2026-03-20, value = 6 }]",
            "",
            "[[decisions]]",
            f'id = "d{i}"',
            f'title = "{esc}"',
            f'decided_by = "{esc}"',
            'status = "needed"' if i % 2 else "date = 2026-03-18",
        ]
    return "\n".join(lines) + "\n"
