#!/usr/bin/python3
"""Plots the `csv,scale,...` lines of controller_e2e_bench as an SVG (stdlib only).

  for n in 1000 2000 5000 10000; do
    build/bench/controller/controller_e2e_bench scale $n | grep ^csv,scale
  done > /tmp/scale.csv
  bench/controller/plot_scale.py /tmp/scale.csv > docs/benchmarks-scale.svg

Columns: csv,scale,roles,converge_s,p50_ms,p99_ms,rss_kb,restart_ready_s,restarted_rss_kb
Left panel: seconds until every Secret exists, and create->Secret p50/p99.
Right panel: controller RSS after the burst, and after a restart (steady state).
"""
import sys

WIDTH, HEIGHT, MARGIN = 360, 260, 50


def panel(x0, title, xs, series, y_label):
    """One chart: `series` is a list of (name, colour, values)."""
    x_max = max(xs) * 1.05
    y_max = max(v for _, _, values in series for v in values) * 1.15
    def px(x):
        return x0 + MARGIN + (WIDTH - 2 * MARGIN) * x / x_max
    def py(y):
        return HEIGHT - MARGIN + -(HEIGHT - 2 * MARGIN) * y / y_max
    out = [f'<text x="{x0 + WIDTH / 2}" y="20" text-anchor="middle" font-size="13">{title}</text>',
           f'<line x1="{px(0)}" y1="{py(0)}" x2="{px(x_max)}" y2="{py(0)}" stroke="black"/>',
           f'<line x1="{px(0)}" y1="{py(0)}" x2="{px(0)}" y2="{py(y_max)}" stroke="black"/>',
           f'<text x="{x0 + WIDTH / 2}" y="{HEIGHT - 12}" text-anchor="middle" font-size="11">'
           'AWSIAMRoles created at once</text>',
           f'<text x="{x0 + 12}" y="{HEIGHT / 2}" font-size="11" '
           f'transform="rotate(-90 {x0 + 12} {HEIGHT / 2})" text-anchor="middle">{y_label}</text>']
    for x in xs:
        out.append(f'<text x="{px(x)}" y="{py(0) + 14}" text-anchor="middle" font-size="10">{x}</text>')
    for i in range(5):
        y = y_max * i / 4
        out.append(f'<text x="{px(0) - 4}" y="{py(y) + 3}" text-anchor="end" font-size="10">{y:.0f}</text>')
    for k, (name, colour, values) in enumerate(series):
        points = " ".join(f"{px(x):.1f},{py(v):.1f}" for x, v in zip(xs, values))
        out.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for x, v in zip(xs, values):
            out.append(f'<circle cx="{px(x):.1f}" cy="{py(v):.1f}" r="3" fill="{colour}"/>')
        out.append(f'<text x="{px(0) + 8}" y="{py(y_max) + 14 * k + 4}" font-size="11" '
                   f'fill="{colour}">{name}</text>')
    return out


def main(path):
    rows = []
    with open(path) as f:
        for line in f:
            fields = line.strip().split(",")
            if len(fields) >= 9 and fields[0] == "csv" and fields[1] == "scale":
                rows.append([float(v) for v in fields[2:9]])
    rows.sort()
    xs = [int(r[0]) for r in rows]
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{2 * WIDTH}" height="{HEIGHT}" '
           'font-family="sans-serif">', '<rect width="100%" height="100%" fill="white"/>']
    svg += panel(0, "Time (s)", xs, [
        ("every Secret written", "#1f77b4", [r[1] for r in rows]),
        ("create→Secret p50", "#2ca02c", [r[2] / 1000 for r in rows]),
        ("create→Secret p99", "#d62728", [r[3] / 1000 for r in rows]),
    ], "seconds")
    svg += panel(WIDTH, "Controller RSS (MB)", xs, [
        ("right after the burst", "#9467bd", [r[4] / 1000 for r in rows]),
        ("steady (after a restart)", "#8c564b", [r[6] / 1000 for r in rows]),
    ], "MB")
    svg.append("</svg>")
    print("\n".join(svg))


if __name__ == "__main__":
    main(sys.argv[1])
