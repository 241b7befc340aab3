/// The report's one stylesheet: system fonts, light and dark colours (`prefers-color-scheme`), the
/// chart classes the SVG uses (`c0`…`c7` series colours, `grid`, `axis`, `reference`, `band`), and
/// print rules (white paper, no page break inside a figure).
enum PageStyle {
    static var css: String {
        var rules = """
            :root{--fg:#1b1f24;--bg:#ffffff;--muted:#5b636d;--grid:#e3e6ea;--axis:#6b7380;--panel:#f5f6f8}
            @media (prefers-color-scheme:dark){:root{--fg:#e6e8eb;--bg:#15181c;--muted:#a3abb5;--grid:#2c3138;--axis:#8d96a1;--panel:#1e2228}}
            html{background:var(--bg);color:var(--fg);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif}
            main{max-width:800px;margin:0 auto;padding:24px 16px 48px}
            h1{font-size:1.5rem;margin:0 0 8px}h2{font-size:1.2rem;margin:32px 0 8px;border-bottom:1px solid var(--grid);padding-bottom:4px}
            dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:0 0 16px;color:var(--muted)}
            dl.facts dt{font-weight:600}dl.facts dd{margin:0}
            figure{margin:16px 0 24px;break-inside:avoid}
            svg.chart{max-width:100%;height:auto;display:block;background:var(--bg)}
            svg.chart text{fill:var(--fg);font-size:12px;font-family:inherit}
            svg.chart .chart-title{font-size:14px;font-weight:600}
            svg.chart .axis-title{font-size:12px;fill:var(--muted)}
            svg.chart .tick{font-size:11px;fill:var(--muted)}
            svg.chart .grid{stroke:var(--grid);stroke-width:1}
            svg.chart .axis{stroke:var(--axis);stroke-width:1}
            svg.chart .reference{stroke:var(--fg);stroke-width:1.5;stroke-dasharray:6 4;fill:none}
            svg.chart .series{fill:none;stroke-width:2}
            svg.chart .band{stroke:none;opacity:.18}
            svg.chart .whisker{stroke:var(--fg);stroke-width:1.2}
            svg.chart .no-data-frame{fill:var(--panel);stroke:var(--grid)}
            svg.chart .no-data{font-size:13px;fill:var(--muted)}
            svg.chart .cell{stroke:none}
            details.numbers{margin-top:6px}details.numbers summary{cursor:pointer;color:var(--muted);font-size:.9rem}
            .table-scroll{overflow-x:auto}
            table{border-collapse:collapse;font-size:.85rem;margin:8px 0}
            caption{text-align:left;color:var(--muted);padding-bottom:4px}
            th,td{border:1px solid var(--grid);padding:2px 8px;text-align:left}
            td.number{text-align:right;font-variant-numeric:tabular-nums}
            p.note{color:var(--muted)}
            footer{margin-top:40px;color:var(--muted);font-size:.8rem}
            @media print{html{background:#fff;color:#000}main{max-width:none}}

            """
        for (index, colour) in Palette.series.enumerated() {
            rules += "svg.chart .c\(index){stroke:\(colour);fill:\(colour)}svg.chart .series.c\(index){fill:none}"
            rules += "svg.chart .band.c\(index),svg.chart .bar.c\(index),svg.chart .dot.c\(index){fill:\(colour)}\n"
        }
        return rules
    }
}
