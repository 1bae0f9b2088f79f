"""How long `cars_fgvc_predict` takes over a folder of photos, against a bare PyTorch pass doing the same work.

The bare pass is the least a prediction must do: open each photo with PIL (EXIF orientation applied), squish it to the
model's size, normalise, and run `tf_efficientnet_lite0` channels-last in batches, in a fresh Python process.
`cars_fgvc_predict` does that plus what makes its answer usable: every file checked before it is scored (an unreadable
one is reported, never scored), top-k classes, makes and models, and the CSV. Both are timed as whole processes, imports
included, after one untimed pass of each (files in the page cache), alternating A B A B. The model is the recipe's learner
with its offline ImageNet weights and an untrained head, exported (speed does not depend on training).

usage: python bench/predict_speed.py DATASET [--n 600] [--upscale 1600] [--size 224] [--bs 64] [--repeats 2] [--out DIR]

--upscale PX: copy the photos enlarged to PX on the long side (JPEG quality 90), as phone photos are larger than the
  dataset's; 0 keeps them as they are.

The bare pass runs twice over: as plain PyTorch, and with glibc told to keep freed memory (the environment's spelling of
what `load_model` sets on a CPU, `keep_freed_memory`), which is most of what separates them.

Prints one row per timed pass (seconds, photos/s), then the means and the ratios predict / bare and predict / bare kept.
"""
import json, os, shutil, sys, tempfile
from pathlib import Path
from PIL import Image
from common import Rows, parser, note, progress_to_stderr, run

KEEP = dict(MALLOC_MMAP_MAX_=0, MALLOC_TRIM_THRESHOLD_=2**31 - 1)   # glibc's spelling of what `keep_freed_memory` sets (cars_fgvc.fit)

BARE = r'''
import sys, numpy as np, torch, timm
from PIL import Image, ImageOps
files,size,bs = open(sys.argv[1]).read().split('\n'),int(sys.argv[2]),int(sys.argv[3])
m = timm.create_model('tf_efficientnet_lite0', num_classes=int(sys.argv[4])).eval().to(memory_format=torch.channels_last)
mean,std = torch.tensor([0.5, 0.5, 0.5]).view(1, 3, 1, 1),torch.tensor([0.5, 0.5, 0.5]).view(1, 3, 1, 1)
def load(f):
    with Image.open(f) as im: return np.asarray(ImageOps.exif_transpose(im).convert('RGB').resize((size, size), Image.BILINEAR))
n = 0
with torch.inference_mode():
    for i in range(0, len(files), bs):
        x = torch.from_numpy(np.stack([load(f) for f in files[i:i+bs]])).permute(0, 3, 1, 2).float().div_(255)
        n += m(((x - mean)/std).contiguous(memory_format=torch.channels_last)).softmax(1).argmax(1).numel()
print(n)
'''

def photos(data, n, px, dest)->list:
    "The first `n` test photos of `data` (sorted), copied to `dest`, enlarged to `px` on the long side if `px`"
    fs = sorted((Path(data)/'cars_test').rglob('*.jpg'))[:n]
    dest.mkdir(parents=True, exist_ok=True)
    for f in fs:
        if not px: shutil.copy(f, dest/f.name); continue
        im = Image.open(f).convert('RGB'); s = px/max(im.size)
        im.resize((round(im.width*s), round(im.height*s)), Image.BICUBIC).save(dest/f.name, quality=90)
    return sorted(dest.iterdir())

def export_model(data, size, bs, fn):
    "The recipe's learner for lite0 at `size` (offline ImageNet body, untrained head) exported to `fn`; its number of classes"
    from cars_fgvc.dataset import read_cars
    from cars_fgvc.data import cars_dls
    from cars_fgvc.recipe import Recipe
    from cars_fgvc.train import recipe_learner
    with progress_to_stderr():
        table = read_cars(data)
        r = Recipe(arch='tf_efficientnet_lite0', sizes=(size,), bs=bs, num_workers=0)
        fn.parent.mkdir(parents=True, exist_ok=True)
        learn = recipe_learner(r, cars_dls(table, r.arch, size, bs, num_workers=0), fn.parent)
        learn.export(fn.name)
    return len(table.vocab)

def main():
    p = parser(__doc__)
    p.add_argument('data'); p.add_argument('--n', type=int, default=600); p.add_argument('--upscale', type=int, default=1600)
    p.add_argument('--size', type=int, default=224); p.add_argument('--bs', type=int, default=64)
    p.add_argument('--repeats', type=int, default=2); p.add_argument('--out', default=None)
    a = p.parse_args()
    out = Path(a.out or tempfile.mkdtemp())
    fs = photos(a.data, a.n, a.upscale, out/'photos') if not (out/'photos').exists() else sorted((out/'photos').iterdir())
    (out/'files.txt').write_text('\n'.join(map(str, fs)))
    (out/'bare.py').write_text(BARE)
    n_classes = export_model(a.data, a.size, a.bs, out/'model/export.pkl')
    px = max(Image.open(fs[0]).size)
    rows = Rows(n=len(fs), long_side=px, size=a.size, bs=a.bs, threads=os.environ.get('OMP_NUM_THREADS', 'all'))
    bare = [sys.executable, out/'bare.py', out/'files.txt', a.size, a.bs, n_classes]
    cmds = {'bare': (bare, {}), 'bare, freed memory kept': (bare, KEEP),
            'predict': (['cars_fgvc_predict', out/'photos', '--model', out/'model/export.pkl', '--out', out/'p.csv', '--bs', a.bs], {})}
    for k,(c,env) in cmds.items(): note(f'warm-up: {k}'); run(c, env)
    secs = {k: [] for k in cmds}
    for i in range(a.repeats):
        for k,(c,env) in cmds.items():
            _,s = run(c, env); secs[k].append(s)
            rows.add(what=k, repeat=i+1, seconds=round(s, 1), photos_per_s=round(len(fs)/s, 1))
    mean = {k: sum(v)/len(v) for k,v in secs.items()}
    rows.add(what='mean', bare_seconds=round(mean['bare'], 1), kept_seconds=round(mean['bare, freed memory kept'], 1),
             predict_seconds=round(mean['predict'], 1), ratio=round(mean['predict']/mean['bare'], 3),
             ratio_to_kept=round(mean['predict']/mean['bare, freed memory kept'], 3))
    rows.table()

if __name__ == '__main__': main()
