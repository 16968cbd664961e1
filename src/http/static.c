/* static.c — the dashboard's one stylesheet and one script, compiled in so
 * the server never reads files (no path to traverse) and the CSP can allow
 * exactly 'self'.  The script is optional: without it every page works
 * through plain links and GET forms. */
#include "http/app.h"

static const char css[] =
    ":root{--fg:#1d2430;--muted:#5b6577;--line:#dde2ea;--bg:#f6f8fb;--card:#fff;--accent:#2456d6}\n"
    "*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;"
    "color:var(--fg);background:var(--bg)}\n"
    "header{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1.5rem;padding:.6rem 1rem;background:#172033}\n"
    "header a{color:#dfe6f3;text-decoration:none}.brand{font-weight:700;color:#fff}\n"
    "nav{display:flex;flex-wrap:wrap;row-gap:.2rem}nav a{margin-right:1rem}nav a[aria-current]{color:#fff;border-bottom:2px solid #7aa2ff}\n"
    "main{padding:1rem;max-width:1400px;margin:auto}h1{font-size:1.4rem;margin:.2rem 0 1rem}"
    "h2{font-size:1.05rem;margin:0 0 .6rem;display:flex;justify-content:space-between}\n"
    "footer{padding:1rem;color:var(--muted);font-size:.85rem;text-align:center}\n"
    ".cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(200px,1fr));gap:.8rem;margin-bottom:1rem}\n"
    ".card,.panel{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:.8rem 1rem}\n"
    ".card .label{color:var(--muted);font-size:.85rem}.card .value{font-size:1.6rem;font-weight:650}"
    ".card .note{color:var(--muted);font-size:.8rem}\n"
    ".grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(340px,100%),1fr));gap:.8rem}"
    ".grid>*,.charts>*{min-width:0}.wide{grid-column:1/-1}\n"
    ".controls{display:flex;flex-wrap:wrap;gap:.6rem;align-items:flex-end;margin-bottom:.8rem}"
    ".controls label{display:flex;flex-direction:column;font-size:.8rem;color:var(--muted)}"
    ".controls .wide{flex:1 1 260px}\n"
    "input,select,button{font:inherit;padding:.35rem .5rem;border:1px solid #b9c2d0;border-radius:6px;background:#fff}"
    "button{background:var(--accent);color:#fff;border-color:var(--accent);cursor:pointer}\n"
    ".crumbs{margin:.2rem 0 .6rem;word-break:break-all}.window{color:var(--muted);font-size:.85rem}\n"
    ".charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(320px,100%),1fr));gap:.8rem}\n"
    ".chart{margin:0 0 .8rem;background:var(--card);border:1px solid var(--line);border-radius:8px;padding:.5rem}"
    ".chart svg{width:100%;height:auto;display:block}figcaption{font-size:.8rem;color:var(--muted)}\n"
    ".tablewrap{overflow-x:auto}table{border-collapse:collapse;width:100%;background:var(--card);font-size:.9rem}"
    "th,td{padding:.35rem .5rem;border-bottom:1px solid var(--line);text-align:left;white-space:nowrap}"
    "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}td.total{font-weight:600}"
    "td.name{white-space:normal;word-break:break-all;min-width:10rem}tfoot th,tfoot td{font-weight:700}\n"
    "#prices,#assets{font-size:.8rem}#prices td.name{min-width:8rem}\n"
    "pre.patch{white-space:pre-wrap;word-break:break-all;user-select:all;font-size:.75rem;margin:0}"
    "td.patch{min-width:9rem}td.patch details{display:inline-block;margin-left:.4rem}\n"
    "a{color:var(--accent)}.csv{font-size:.8rem;font-weight:400}.error{color:#a11;font-weight:600}.bad{color:#a11}\n"
    "svg text{font-size:12px;fill:#333}svg .axis{font-size:11px;fill:#666}svg .grid{stroke:#e3e7ee}\n"
    ".c0{fill:#2456d6;background:#2456d6}.c1{fill:#e8833a;background:#e8833a}.c2{fill:#2e9d63;background:#2e9d63}"
    ".c3{fill:#c43d5b;background:#c43d5b}.c4{fill:#7a55c7;background:#7a55c7}.c5{fill:#8c8f96;background:#8c8f96}"
    ".c6{fill:#1b9fb0;background:#1b9fb0}.c7{fill:#b59a1c;background:#b59a1c}\n"
    "svg .limit{stroke:#c43d5b;stroke-width:1.5;stroke-dasharray:4 3}svg .spent{stroke:#2456d6;stroke-width:2.5;"
    "fill:none}svg .fc{stroke:#2456d6;stroke-width:2;stroke-dasharray:6 4;fill:none}svg .band{fill:#2456d6;"
    "fill-opacity:.15}.budgetchart{max-width:520px}\n"
    ".legend{margin-left:.5rem}.key{display:inline-block;width:.7rem;height:.7rem;border-radius:2px;margin:0 .2rem 0 .6rem}\n"
    "@media (max-width:600px){main{padding:.5rem}.card .value{font-size:1.3rem}th,td{padding:.3rem}"
    ".grid,.charts{grid-template-columns:1fr}}\n";

/* Submit the controls form when a select changes; copy a patch on the Savings page. */
static const char js[] =
    "document.querySelectorAll('select.autosubmit').forEach(function(s){"
    "s.addEventListener('change',function(){s.form.submit();});});\n"
    /* Savings: copy a patch command */
    "document.querySelectorAll('button.copy').forEach(function(b){b.addEventListener('click',function(){"
    "var t=document.getElementById(b.dataset.target);if(t&&navigator.clipboard){navigator.clipboard.writeText("
    "t.textContent);b.textContent='copied';}});});\n";

void dash_static_css(kt_http_app *app, kt_store *s, const kt_http_params *p, int64_t now, kt_http_resp *r)
{
    resp_set(r, 200, "text/css; charset=utf-8");
    buf_add(&r->body, css, sizeof css - 1);
}

void dash_static_js(kt_http_app *app, kt_store *s, const kt_http_params *p, int64_t now, kt_http_resp *r)
{
    resp_set(r, 200, "text/javascript; charset=utf-8");
    buf_add(&r->body, js, sizeof js - 1);
}
