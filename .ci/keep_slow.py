"""Run notebooks as `nbdev_test --flags slow` does and keep the outputs of their `#| slow` cells.

    CARS_FGVC_DATA=/path/to/data python .ci/keep_slow.py nbs/01d_dataset.ipynb [nbs/01f_data.ipynb ...]
    make real-outputs NBS="nbs/01d_dataset.ipynb nbs/01f_data.ipynb"   (DATA_DIR=... instead of CARS_FGVC_DATA)

Each notebook runs in execnb's `CaptureShell` from its own folder, every cell in order except the
`#| cuda` ones (and any other test flag but `slow`), `#| eval: false` ones and the `nbdev_export()`
cell, as `nbdev_test` runs it. If a cell fails, the traceback is printed and nothing is written.
Otherwise the notebook is read again from disk and only the outputs of its `#| slow` cells are
replaced, matched by cell id; every other cell, and any change made to it while this ran, stays as
it is on disk. A slow cell whose source changed meanwhile keeps its old outputs (with a warning).
Console progress bars are dropped from the outputs, and figures of photos (PNGs over 200 kB) are kept as JPEG. `nbdev_clean` runs on the notebook at the end.
"""
import base64, io, json, os, re, subprocess, sys, time
from pathlib import Path
from fastcore.script import call_parse, Param
from fastcore.xtras import working_directory
from PIL import Image
from execnb.nbio import nb2dict
from execnb.shell import CaptureShell
from nbdev.config import get_config
from nbdev.process import NBProcessor
from nbdev.frontmatter import FrontmatterProc

KEEP = 'slow'

def skipped(cell, flags)->bool:
    "Whether `nbdev_test` would skip `cell` (processed by `NBProcessor`) with test `flags` off"
    if cell.cell_type != 'code' or 'nbdev_export' + '(' in cell.source: return True
    direc = getattr(cell, 'directives_', {}) or {}
    if direc.get('eval:', [''])[0].lower() == 'false': return True
    return bool(flags & direc.keys())

_BAR = re.compile(r'\|[█-]*\|\s*\d+\.\d+% \[')                    # fastprogress's console bar
_REDRAWN = re.compile(r'^\s*█?\s*$|^Epoch \d+/\d+ :\s*$')           # what it leaves on a line it redraws

def _screen(text:str)->str:
    "Console text as a terminal leaves it (each line's last `\\r` segment), without progress bars"
    lines = text.split('\n')
    res = ''
    for i,l in enumerate(lines):
        segs = [s for s in l.split('\r') if not _BAR.search(s) and not ('\r' in l and _REDRAWN.search(s))]
        if segs: res += segs[-1] + ('\n' if i < len(lines) - 1 else '')
    return res

def _html_bar(html:str)->bool:
    "An HTML output that is only a progress bar (or emptied by one)"
    return not html.strip() or ('<progress' in html and '<table' not in html)

MAX_PNG = 200_000   # bytes: a larger PNG is a figure of photos, kept as JPEG (a quarter of the size or less)

def _small(data:dict)->dict:
    "Mime bundle `data` with a PNG over `MAX_PNG` bytes re-encoded as JPEG"
    png = base64.b64decode(data.get('image/png', ''))
    if len(png) <= MAX_PNG: return data
    buf = io.BytesIO()
    Image.open(io.BytesIO(png)).convert('RGB').save(buf, 'jpeg', quality=85)
    return {**{k:v for k,v in data.items() if k != 'image/png'}, 'image/jpeg': base64.b64encode(buf.getvalue()).decode() + '\n'}

def tidy(outputs:list)->list:
    "`outputs` without progress bars (console bars cut from streams, HTML outputs holding nothing else dropped), large PNGs as JPEG"
    res = []
    for o in outputs:
        if o['output_type'] == 'stream':
            text = _screen(''.join(o['text']))
            if text.strip(): res.append({**o, 'text': text.splitlines(True)})
        elif o['output_type'] == 'display_data' and set(o['data']) <= {'text/html', 'text/plain'} and _html_bar(''.join(o['data'].get('text/html', ['x']))): continue
        elif 'data' in o: res.append({**o, 'data': _small(o['data'])})
        else: res.append(o)
    return res

def run_slow(fn:Path, mpl_format='png')->dict:
    "Run notebook `fn` as `nbdev_test --flags slow`; {cell id: outputs} of its slow cells, or None if a cell failed"
    cfg = get_config()
    flags = set(cfg.tst_flags.split()) - {KEEP}
    sys.path.insert(0, str(cfg.config_path))
    os.environ['IN_TEST'] = '1'
    nb = NBProcessor(fn, procs=FrontmatterProc, process=True).nb
    slow = [c for c in nb.cells if c.cell_type == 'code' and KEEP in (c.directives_ or {})]
    if not slow: print(f'{fn}: no #| {KEEP} cells'); return {}
    shell = CaptureShell(fn, mpl_format=mpl_format)
    start = time.time()
    try:
        with working_directory(fn.parent): shell.run_all(nb, exc_stop=True, preproc=lambda c: skipped(c, flags))
    except Exception:
        sys.stderr.write(shell.prettytb(fname=fn) + '\n')
        return None
    print(f'{fn}: ran in {time.time() - start:.0f} s')
    return {c.id: tidy(nb2dict(c.get('outputs', []))) for c in slow}

def keep_outputs(fn:Path, sources:dict, outputs:dict):
    "Write `outputs` ({cell id: outputs}) into the cells of `fn` as it is on disk now, where the cell's source is still `sources[id]`"
    nb = json.loads(fn.read_text(encoding='utf-8'))
    done = set()
    for c in nb['cells']:
        if c.get('id') not in outputs: continue
        if ''.join(c['source']) != sources[c['id']]: print(f'{fn}: cell {c["id"]} changed while running; its outputs are left as they were'); continue
        c['outputs'] = outputs[c['id']]
        done.add(c['id'])
    for i in outputs.keys() - done - {c.get('id') for c in nb['cells']}: print(f'{fn}: cell {i} is gone; its outputs are dropped')
    fn.write_text(json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + '\n', encoding='utf-8')
    subprocess.run(['nbdev_clean', '--fname', str(fn)], check=True)
    print(f'{fn}: kept the outputs of {len(done)} slow cells')

def keep_slow(fn:Path, retina=False)->bool:
    "Run notebook `fn` and keep its slow cells' outputs; whether it ran"
    fn = fn.resolve()
    sources = {c['id']: ''.join(c['source']) for c in json.loads(fn.read_text(encoding='utf-8'))['cells'] if 'id' in c}
    outputs = run_slow(fn, 'retina' if retina else 'png')
    if outputs is None: print(f'{fn}: a cell failed; nothing written'); return False
    if outputs: keep_outputs(fn, sources, outputs)
    return True

@call_parse
def main(nbs:Param('notebooks to run', str, nargs='+'),
         retina:bool=False):  # plots at twice the resolution (nbdev_test's default; larger notebooks)
    "Run each notebook with its slow cells and write back their outputs only; several notebooks run one after the other, each in its own process"
    if len(nbs) == 1: sys.exit(0 if keep_slow(Path(nbs[0]), retina) else 1)
    rcs = [subprocess.run([sys.executable, __file__, nb] + ['--retina']*retina).returncode for nb in nbs]
    sys.exit(max(rcs))
