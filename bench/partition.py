"""A fresh train/test partition of a devkit-layout folder: the same photos re-split per class with a seed.

    python bench/partition.py DATA OUT --seed K

Pools each class's training and test photos of DATA (which must have test labels) and draws, with seed K, as many of
them for training as DATA's own split has, the rest for testing; writes OUT in the devkit layout (`cars_train/`,
`cars_test/` as symbolic links to DATA's photos, `devkit/cars_train_annos.mat`, `devkit/cars_meta.mat`,
`cars_test_annos.mat` and `cars_test_annos_withlabels.mat`). DATA is only read. An existing OUT written with the same
seed from the same DATA is kept; anything else already at OUT stops the bench. Prints one row: the partition and its counts.
"""
import json, shutil
from pathlib import Path
import numpy as np, scipy.io
from cars_fgvc.synth import save_annos
from common import Rows, parser

BOX = ['bbox_x1', 'bbox_y1', 'bbox_x2', 'bbox_y2']

def annos(fn)->list:
    "The rows of a devkit annotations file, as dicts of plain values"
    a = scipy.io.loadmat(fn, squeeze_me=True)['annotations']
    return [{k: (str(r[k]) if k == 'fname' else int(r[k])) for k in a.dtype.names} for r in np.atleast_1d(a)]

def partition(data, out, seed:int)->dict:
    "Write the partition of `data` drawn with `seed` to `out` (kept if already written so); its counts"
    data,out = Path(data).resolve(),Path(out)
    stamp = dict(data=str(data), seed=seed)
    if (out/'partition.json').exists() and json.loads((out/'partition.json').read_text())['made_by'] == stamp:
        return json.loads((out/'partition.json').read_text())
    if out.exists(): raise SystemExit(f'{out} exists and is not partition {seed} of {data}: remove it or choose another OUT')
    rows = [dict(r, src=data/'cars_train'/r['fname']) for r in annos(data/'devkit/cars_train_annos.mat')]
    n_train = {c: sum(r['class'] == c for r in rows) for c in {r['class'] for r in rows}}
    rows += [dict(r, src=data/'cars_test'/r['fname']) for r in annos(data/'cars_test_annos_withlabels.mat')]
    rng,split = np.random.default_rng(seed),{'train': [], 'test': []}
    for c in sorted({r['class'] for r in rows}):
        mine = [r for r in rows if r['class'] == c]
        order = rng.permutation(len(mine))
        for i,j in enumerate(order): split['train' if i < n_train.get(c, 0) else 'test'].append(mine[j])
    tmp = out.with_name(out.name + '.partial'); shutil.rmtree(tmp, ignore_errors=True)
    for s,rs in split.items():
        (tmp/f'cars_{s}').mkdir(parents=True)
        for i,r in enumerate(rs, 1):
            r['fname'] = f'{i:05d}.jpg'
            (tmp/f'cars_{s}'/r['fname']).symlink_to(r['src'])
    save_annos(tmp/'devkit/cars_train_annos.mat', split['train'], BOX + ['class', 'fname'])
    save_annos(tmp/'cars_test_annos.mat', split['test'], BOX + ['fname'])
    save_annos(tmp/'cars_test_annos_withlabels.mat', split['test'], BOX + ['class', 'fname'])
    shutil.copy(data/'devkit/cars_meta.mat', tmp/'devkit/cars_meta.mat')
    info = dict(made_by=stamp, n_train=len(split['train']), n_test=len(split['test']), n_classes=len(n_train),
                test_in_shipped_train=sum(str(r['src'].parent.name) == 'cars_train' for r in split['test']))
    (tmp/'partition.json').write_text(json.dumps(info, indent=2))
    tmp.rename(out)
    return info

if __name__ == '__main__':
    p = parser(__doc__)
    p.add_argument('data'); p.add_argument('out'); p.add_argument('--seed', type=int, required=True)
    a = p.parse_args()
    info = partition(a.data, a.out, a.seed)
    rows = Rows(data=a.data, seed=a.seed)
    rows.add(out=a.out, **{k:v for k,v in info.items() if k != 'made_by'}); rows.table()
