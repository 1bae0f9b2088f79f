"""Render a run's report.html in headless Chromium: does it open without Jupyter, and do its images show?

    python bench/report_render.py RUN_DIR/report.html [--chromium chromium] [--out report.png]

Needs the Debian packages chromium (and chromium-driver for other tools). Prints one row (a JSON line, then a markdown
table): the number of <img> elements in the DOM that Chromium built, how many of the embedded PNGs decode, and the
share of non-white pixels in a full-page screenshot (a blank render has none). Exits 1 if the page did not render.
"""
import base64, io, re, subprocess, sys
from pathlib import Path
import numpy as np
from PIL import Image
from common import Rows, parser

p = parser(__doc__)
p.add_argument('report'); p.add_argument('--chromium', default='chromium'); p.add_argument('--out', default=None)
a = p.parse_args()
rep = Path(a.report).resolve()
out = Path(a.out or rep.with_suffix('.png')).resolve()
flags = [a.chromium, '--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars']
dom = subprocess.run(flags + ['--dump-dom', rep.as_uri()], capture_output=True, text=True, timeout=120).stdout
subprocess.run(flags + ['--window-size=1200,6000', f'--screenshot={out}', rep.as_uri()], capture_output=True, timeout=120)
srcs = re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', dom)
ok = 0
for s in srcs:
    try: Image.open(io.BytesIO(base64.b64decode(s))).load(); ok += 1
    except Exception: pass
shot = np.asarray(Image.open(out).convert('L')) if out.exists() else np.full((1, 1), 255)
ink = float((shot < 250).mean())
rendered = bool(srcs) and ok == len(srcs) and ink > 0.05
rows = Rows()
rows.add(report=str(rep), dom_chars=len(dom), img_elements=len(srcs), img_decode=ok, screenshot=str(out),
         screenshot_px=f'{shot.shape[1]}x{shot.shape[0]}', non_white=round(ink, 3), rendered=rendered)
rows.table()
sys.exit(0 if rendered else 1)
