"""`faqbot report --html FILE`: the report as one page with inline CSS and an inline SVG chart, nothing fetched."""

from __future__ import annotations

from html import escape

from bot.engine.answering import Engine
from bot.improve.report import TEXT_OFF, Report, iso, rate

WIDTH, HEIGHT, PAD = 720, 240, 40

# in every page, so that --html overwrites an earlier report and nothing else
GENERATOR = "faqbot report"
STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; color: #222; padding: 0 1rem; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
table { border-collapse: collapse; width: 100%; }
td, th { text-align: left; padding: .3rem .5rem; vertical-align: top; }
tr:nth-child(even) { background: #f4f6f8; } .n { text-align: right; font-variant-numeric: tabular-nums; }
.figures span { display: inline-block; margin-right: 2rem; } .figures b { font-size: 1.6rem; display: block; }
.muted { color: #666; font-size: .9em; } svg text { font: 11px system-ui, sans-serif; fill: #444; }
"""


def render_html(report: Report, engine: Engine) -> str:
    rows_missed = "".join(
        f"<tr><td class=n>{m.count}</td><td>{escape(m.question)}"
        + (f"<div class=muted>{len(m.phrasings) - 1} similar: {escape(' · '.join(m.phrasings[1:4]))}</div>"
           if len(m.phrasings) > 1 else "")
        + f"</td><td>{escape(m.closest_id or '—')}"
        + (f" <span class=muted>({m.closest_score:.2f})</span>" if m.closest_id else "")
        + f"</td><td>{escape(m.action)}</td></tr>"
        for m in report.unanswered)
    rows_votes = "".join(
        f"<tr><td>{escape(v.entry_id)}</td><td>{escape(_title(engine, v.entry_id))}</td>"
        f"<td class=n>{v.up}</td><td class=n>{v.down}</td></tr>" for v in report.feedback)
    rows_picked = "".join(
        f"<tr><td class=n>{p.count}</td><td>{escape(p.asked)}</td><td>{escape(p.entry_id)}</td></tr>"
        for p in report.picked_after)
    most = ", ".join(f"{escape(entry_id)} ({count})" for entry_id, count in report.picks.top)
    untold = (f"<p class=muted>{report.untold} unanswered question(s) were recorded without their text: "
              f"{escape(TEXT_OFF)}.</p>" if report.untold else "")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="generator" content="{GENERATOR}"><title>faqbot report</title><style>{STYLE}</style></head>
<body>
<h1>faqbot report</h1>
<p class=muted>{iso(report.since)} to {iso(report.until)}; days are UTC.</p>
<p class=figures><span><b>{report.questions_total:,}</b>questions</span>
<span><b>{report.answer_rate:.1%}</b>answered</span>
<span><b>{report.small_talk:,}</b>greetings, thanks, help</span>
<span><b>{report.pick_rate:.1%}</b>of {report.picks.suggested:,} "did you mean" ended in a pick</span></p>
<h2>Questions and answer rate per day</h2>
{chart(report)}
<h2>Unanswered questions</h2>
<p class=muted>Fallbacks and "did you mean" replies, grouped by similarity.
<code>faqbot learn</code> walks through them.</p>
<table><tr><th class=n>asked</th><th>question</th><th>closest entry</th><th>suggested</th></tr>{rows_missed}</table>
{untold}
<h2>Picks</h2>
<p class=muted>Most picked from "did you mean": {most or "none"}.
Below, what people asked before picking an entry that lacks those words: <code>faqbot learn</code> proposes
them as its phrasings.</p>
<table><tr><th class=n>times</th><th>asked</th><th>picked</th></tr>{rows_picked}</table>
<h2>Feedback</h2>
<table><tr><th>entry</th><th>question</th><th class=n>👍</th><th class=n>👎</th></tr>{rows_votes}</table>
</body></html>
"""


def chart(report: Report) -> str:
    """Bars: questions per day (left scale). Line: the share answered (right scale, 0–100%)."""
    days = report.days
    if not days:
        return '<svg width="720" height="40" role="img"><text x="0" y="20">' \
               "No questions in this period.</text></svg>"
    top = max(d.questions for d in days) or 1
    inner_w, inner_h = WIDTH - 2 * PAD, HEIGHT - 2 * PAD
    step = inner_w / len(days)
    bars, points, labels = [], [], []
    every = max(1, len(days) // 10)
    for i, d in enumerate(days):
        x = PAD + i * step
        h = inner_h * d.questions / top
        bars.append(f'<rect x="{x + step * 0.15:.1f}" y="{PAD + inner_h - h:.1f}" width="{step * 0.7:.1f}" '
                    f'height="{h:.1f}" fill="#9ec5e8"><title>{d.day}: {d.questions} questions, '
                    f'{rate(d):.0%} answered</title></rect>')
        points.append(f"{x + step / 2:.1f},{PAD + inner_h * (1 - rate(d)):.1f}")
        if i % every == 0:
            labels.append(f'<text x="{x + step / 2:.1f}" y="{HEIGHT - PAD + 14}" text-anchor="middle">'
                          f"{d.day.strftime('%m-%d')}</text>")
    return (f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
            f'aria-label="questions and answer rate per day">'
            f'<line x1="{PAD}" y1="{PAD + inner_h}" x2="{WIDTH - PAD}" y2="{PAD + inner_h}" stroke="#999"/>'
            f'<text x="{PAD - 6}" y="{PAD + 4}" text-anchor="end">{top}</text>'
            f'<text x="{PAD - 6}" y="{PAD + inner_h}" text-anchor="end">0</text>'
            f'<text x="{WIDTH - PAD + 6}" y="{PAD + 4}">100%</text>'
            f'<text x="{WIDTH - PAD + 6}" y="{PAD + inner_h}">0%</text>'
            + "".join(bars)
            + f'<polyline points="{" ".join(points)}" fill="none" stroke="#d9534f" stroke-width="2"/>'
            + "".join(f'<circle cx="{p.split(",")[0]}" cy="{p.split(",")[1]}" r="3" fill="#d9534f"/>' for p in points)
            + "".join(labels)
            + f'<text x="{PAD}" y="{PAD - 12}">bars: questions</text>'
            + f'<text x="{WIDTH - PAD}" y="{PAD - 12}" text-anchor="end" fill="#d9534f">line: answered</text>'
            + "</svg>")


def _title(engine: Engine, entry_id: str) -> str:
    entry = engine.faq.get(entry_id)
    return entry.question("en") if entry else "(no longer in the FAQ)"
