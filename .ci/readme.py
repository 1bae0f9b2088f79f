"Render nbs/index.ipynb as README.md (GitHub markdown): prose as is, code in fences, text outputs below it."
import json, re
from pathlib import Path

root = Path(__file__).resolve().parent.parent
nb = json.loads((root/'nbs'/'index.ipynb').read_text())
out = ['<!-- Generated from nbs/index.ipynb by `make readme`: edit the notebook, not this file. -->', '']
for c in nb['cells']:
    src = ''.join(c['source'])
    if c['cell_type'] == 'markdown':
        out += [src, '']
        continue
    if re.search(r'^#\|\s*hide\b', src, re.M): continue
    code = '\n'.join(l for l in src.splitlines() if not l.startswith('#|')).strip()
    if code: out += ['```python', code, '```', '']
    for o in c.get('outputs', []):
        if o.get('name') == 'stderr': continue
        txt = o.get('text') or o.get('data', {}).get('text/plain')
        if txt: out += ['```', ''.join(txt).rstrip(), '```', '']
(root/'README.md').write_text('\n'.join(out).rstrip() + '\n')
