#!/usr/bin/env python3
"""End-to-end check of `braid compare`'s pictures: runs every workload at a tiny size with
--json, --report, --svg and --trace, then checks that the JSON matches its documented schema,
every SVG is well-formed XML, the trace is valid trace-event JSON with no task running twice at
once on one lane, and that headless Chromium renders the HTML report with each chart and series
in its DOM. A screenshot of the report is kept in the output directory as a test artefact.

usage: compare_report_check.py BRAID_BINARY OUTPUT_DIR"""
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

braid, out = sys.argv[1], sys.argv[2]
shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)
report, svg_dir, trace = (os.path.join(out, n) for n in ("report.html", "svg", "trace.json"))
tiny = ["--tasks", "3", "--io-latency", "1", "--cpu-size", "2000", "--factorial-n", "2000",
        "--file-size", "64", "--repeat", "1"]
run = subprocess.run([braid, "compare", *tiny, "--json", "--report", report, "--svg", svg_dir,
                      "--trace", trace], capture_output=True, text=True, timeout=120)
assert run.returncode == 0, run.stderr
doc = json.loads(run.stdout)

# The documented schema (docs/compare.md).
assert set(doc) == {"machine", "workloads", "results", "recommendations"}, doc.keys()
assert set(doc["machine"]) >= {"cores", "pool_max_workers", "repeat"}
workloads = [w["name"] for w in doc["workloads"]]
for w in doc["workloads"]:
    assert set(w) == {"name", "kind", "tasks", "description"} and w["kind"] in ("cpu", "io")
models = sorted({r["model"] for r in doc["results"]})
for r in doc["results"]:
    assert set(r) == {"workload", "model", "wall_s", "cpu_s", "parallelism", "speedup", "threads",
                      "peak_rss_kib", "baseline_rss_kib", "checksum"}, r.keys()
    assert r["wall_s"] > 0 and r["peak_rss_kib"] > 0
for rec in doc["recommendations"]:
    assert rec["workload"] in workloads and rec["model"] in models and rec["reason"]
assert {"cpu", "sleep", "factorial", "files"} <= set(workloads), workloads

# Every chart is well-formed SVG with the expected series.
charts = sorted(os.listdir(svg_dir))
for name in charts:
    root = ET.parse(os.path.join(svg_dir, name)).getroot()
    assert root.tag.endswith("svg"), name
for w in workloads:
    for kind in ("wall", "cpu", "memory"):
        assert f"{kind}-{w}.svg" in charts, (kind, w, charts)
    labels = {g.get("data-label") for g in ET.parse(os.path.join(svg_dir, f"wall-{w}.svg")).iter()
              if g.get("data-label")}
    assert labels == set(models), (w, labels)

# The trace: valid trace-event JSON, consistent intervals.
events = json.load(open(trace))["traceEvents"]
lanes = {}
for e in events:
    assert e["ph"] in ("X", "M") and isinstance(e["pid"], int) and isinstance(e["tid"], int)
    if e["ph"] == "X":
        assert e["dur"] >= 0
        lanes.setdefault((e["pid"], e["tid"], e["cat"]), []).append((e["ts"], e["ts"] + e["dur"]))
assert lanes, "the trace holds no intervals"
for lane, spans in lanes.items():
    spans.sort()
    for a, b in zip(spans, spans[1:]):
        assert a[1] <= b[0] + 1e-3, ("overlap", lane, a, b)

# `braid trace` draws it.
drawn = os.path.join(out, "trace.svg")
subprocess.run([braid, "trace", trace, "-o", drawn], check=True, timeout=60, capture_output=True)
ET.parse(drawn)

# Chromium renders the report: charts and series are in the DOM.
chromium = shutil.which("chromium")
if chromium is None:
    print("chromium is not installed: the rendering check is skipped")
    sys.exit(0)
flags = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         "--user-data-dir=" + os.path.join(out, "chromium-profile")]
url = "file://" + os.path.abspath(report)
dom = subprocess.run([chromium, *flags, "--dump-dom", url], capture_output=True, text=True,
                     timeout=90).stdout
assert dom.count('data-chart="bars"') == 3 * len(workloads), dom.count('data-chart="bars"')
assert 'data-chart="timeline"' in dom
for m in models:
    assert f'data-label="{m}"' in dom, m
for w in workloads:
    assert f'data-workload="{w}"' in dom, w
subprocess.run([chromium, *flags, "--window-size=1000,3000",
                "--screenshot=" + os.path.join(out, "report.png"), url],
               capture_output=True, timeout=90)
assert os.path.getsize(os.path.join(out, "report.png")) > 10000
print(f"ok: {len(workloads)} workloads, {len(models)} models, {len(charts)} charts, "
      f"{len(events)} trace events; screenshot in {out}/report.png")
