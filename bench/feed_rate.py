"""How fast one loader process feeds training: items per second per worker from the photos, the JPEG cache and the array cache.

On a GPU the batch augmentations run on the GPU, and what the CPU does per item is read, decode, crop and resize it, then collate
the batch; each loader process does this for its share. This times that work in one process with one torch thread (as in a fastai
loader worker) over every training item of a dataset, after one untimed pass (so files are in the page cache). Run it on the photos
as shipped and with --upscale 700 (a copy enlarged to 700 px on the long side, like full-size Stanford Cars, about 700x480).

usage: python bench/feed_rate.py DATASET [--upscale 700] [--size 224] [--bs 64] [--arrays 256,320] [--train-epochs N] [--profile] [--devkit DIR]

--train-epochs N: also train tf_efficientnet_lite0 (ImageNet weights, batch 32, one-cycle) for N epochs on the CPU, twice from the
  JPEG cache and twice from the array cache (alternating, as this machine's speed drifts), and print each fit's training images/s.
--profile: also profile one pass over the array cache (the first of --arrays) and print where its time goes.
--devkit DIR: print the disk footprint of an array cache of all of Stanford Cars at the --arrays sizes, box crops computed from the
  devkit's boxes (DIR holds cars_train_annos.mat and cars_test_annos.mat).

Prints rows (JSON lines, then markdown tables): one per source (items/s per worker, against the JPEG cache, seconds to
build the loaders and any cache, the cache's MiB), then with the options their own rows: the profile's shares of time,
each training fit and the mean per cache, and the footprint per array size.
"""
import os, shutil, tempfile, time
from pathlib import Path
import numpy as np, torch
from PIL import Image
from fastai.vision.all import Callback, set_seed
from fastcore.all import parallel
from cars_fgvc.dataset import read_cars
from cars_fgvc.data import cars_dls
from cars_fgvc.cache import ArrayCache
from cars_fgvc.recipe import Recipe, ints
from cars_fgvc.train import recipe_learner
from cars_fgvc.fit import set_precision
from common import Rows, parser, note, progress_to_stderr, timer

def upscaled_copy(src, px, dest):
    "Copy devkit-layout folder `src` to `dest` with every JPEG enlarged to longer side `px`"
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns('*.jpg'))
    fs = sorted(Path(src).rglob('*.jpg'))
    def one(f):
        im = Image.open(f).convert('RGB'); s = px/max(im.size)
        out = Path(dest)/f.relative_to(src); out.parent.mkdir(parents=True, exist_ok=True)
        im.resize((round(im.width*s), round(im.height*s)), Image.Resampling.BICUBIC).save(out, quality=90)
    parallel(one, fs, threadpool=True, n_workers=8)
    return Path(dest)

def one_pass(dl, bs=64):
    "`dl`'s per-item work and collation (no batch transforms) over its whole dataset, in this process"
    dl.before_iter()   # as an epoch starts: fastai hands the dataset's split to the item transforms (random crops for training)
    n = len(dl.dataset)
    for i in range(0, n, bs): dl.do_batch([dl.do_item(j) for j in range(i, min(n, i + bs))])

def items_per_second(dl, bs=64)->float:
    "Items per second of `one_pass` over `dl`, after an untimed pass"
    one_pass(dl, bs)
    t = time.perf_counter(); one_pass(dl, bs)
    return len(dl.dataset)/(time.perf_counter() - t)

class TrainSpeed(Callback):
    "Training images and seconds (training batches only, not validation)"
    def before_fit(self): self.n,self.s = 0,0.
    def before_train(self): self.t = time.perf_counter()
    def after_batch(self):
        if self.training: self.n += len(self.yb[0])
    def after_train(self): self.s += time.perf_counter() - self.t

def train_rate(t, epochs, **kw)->float:
    set_seed(0)
    dls = cars_dls(t, 'tf_efficientnet_lite0', 224, 32, num_workers=0, **kw)
    learn = recipe_learner(Recipe(), dls, Path('.'))
    set_precision(learn)
    cb = TrainSpeed()
    with learn.no_bar(), learn.no_logging(): learn.fit_one_cycle(epochs, 2e-3, cbs=cb)
    return cb.n/cb.s

def footprint(devkit, sizes, margin=0.1)->dict:
    "Bytes of an array cache of all Stanford Cars box crops per shorter side in `sizes` (boxes grown by `margin`, unclipped: an upper bound)"
    import scipy.io
    boxes = np.concatenate([np.array([[int(a[k]) for k in ('bbox_x1', 'bbox_y1', 'bbox_x2', 'bbox_y2')]
                                      for a in scipy.io.loadmat(Path(devkit)/f, squeeze_me=True)['annotations']])
                            for f in ('cars_train_annos.mat', 'cars_test_annos.mat')])
    w,h = (boxes[:, 2] - boxes[:, 0] + 1)*(1 + 2*margin),(boxes[:, 3] - boxes[:, 1] + 1)*(1 + 2*margin)
    res = {'n_images': len(boxes)}
    for s in sizes:
        f = np.minimum(1, s/np.minimum(w, h))
        res[s] = int((np.maximum(1, np.round(w*f))*np.maximum(1, np.round(h*f))*3).sum())
    return res

def mib(fs)->float: return round(sum(f.stat().st_size for f in fs)/2**20, 1)

def profile_rows(dl, bs)->list:
    "Where one pass over `dl` spends its time, under cProfile: the own time of resize, pandas and transform dispatch, as shares"
    import cProfile, pstats
    with cProfile.Profile() as prof: one_pass(dl, bs)
    st = pstats.Stats(prof); total = st.total_tt
    groups = {'resize (torch upsample)': ('upsample',), 'pandas (row lookups)': ('pandas',), 'fasttransform/plum (transform dispatch)': ('fasttransform', 'plum')}
    us = round(total/len(dl.dataset)*1e6)
    return [dict(part=name, share_of_time=round(sum(v[2] for k,v in st.stats.items() if any(o in f'{k[0]}:{k[2]}' for o in keys))/total, 3),
                 us_per_item_profiled=us) for name,keys in groups.items()]

if __name__ == '__main__':
    p = parser(__doc__)
    p.add_argument('data'); p.add_argument('--upscale', type=int, default=0); p.add_argument('--size', type=int, default=224)
    p.add_argument('--bs', type=int, default=64); p.add_argument('--arrays', type=ints, default=(256, 320))
    p.add_argument('--train-epochs', type=int, default=0); p.add_argument('--devkit', default=None)
    p.add_argument('--profile', action='store_true')
    a = p.parse_args()
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as d, progress_to_stderr():
        tmp = Path(d)
        data = upscaled_copy(a.data, a.upscale, tmp/'data') if a.upscale else a.data
        t = read_cars(data)
        w,h = zip(*[Image.open(f).size for f in t.train.path[:200]])
        rows = Rows(data=a.data, upscale=a.upscale or None, n_train=len(t.train), mean_photo=f'{sum(w)//len(w)}x{sum(h)//len(h)}', size=a.size, bs=a.bs,
                    processes=1, torch_threads=1)
        torch.set_num_threads(1)
        kw,jc = dict(arch='tf_efficientnet_lite0', size=a.size, bs=a.bs, num_workers=0, valid_pct=0, cache_dir=tmp/'cache'),int(a.size*1.4)
        sources = [('photos (decode, resize to presize)', {}, lambda: None),
                   (f'JPEG cache, shorter side {jc} (decode, resize to presize)', dict(cache=jc), lambda: mib((tmp/'cache'/str(jc)).glob('*.jpg')))]
        sources += [(f'array cache, shorter side {s} (crop and resize on uint8)', dict(cache=s, cache_format='array'),
                     lambda s=s: mib([ArrayCache(t.root, s, False, dest=tmp/'cache').data])) for s in a.arrays]
        base = None
        for name,ckw,size_of in sources:
            with timer() as build: dls = cars_dls(t, **kw, **ckw)
            r = items_per_second(dls.train, a.bs)
            if ckw and base is None: base = r   # the JPEG cache, the first cache measured
            rows.add(source=name, items_per_s=round(r, 1), vs_jpeg_cache=round(r/base, 2) if base else None,
                     build_s=round(build.s, 1), cache_mib=size_of())
        if a.profile:
            note(f'profiling one pass over the array cache {a.arrays[0]}')
            for r in profile_rows(cars_dls(t, **kw, cache=a.arrays[0], cache_format='array').train, a.bs): rows.add(profiled=f'array cache {a.arrays[0]}', **r)
        if a.train_epochs:
            torch.set_num_threads(os.cpu_count())
            fits,caches = [],(('jpeg', jc), ('array', a.arrays[0]))
            for rep in range(2):   # alternating, as this machine's speed drifts
                for fmt,s in caches:
                    note(f'training from the {fmt} cache ({s}), fit {rep + 1}')
                    fits.append((fmt, train_rate(t, a.train_epochs, cache=s, cache_format=fmt, cache_dir=tmp/'cache')))
                    rows.add(training_from=f'{fmt} cache {s}', fit=rep + 1, train_img_per_s=round(fits[-1][1], 1))
            m = {f: np.mean([r for g,r in fits if g == f]) for f in ('jpeg', 'array')}
            for fmt,s in caches:
                rows.add(training_from=f'{fmt} cache {s}', fits=2, mean_train_img_per_s=round(m[fmt], 1), vs_jpeg_cache=round(m[fmt]/m['jpeg'], 2))
        if a.devkit:
            fp = footprint(a.devkit, a.arrays)
            for s in a.arrays: rows.add(devkit_box_crops=fp['n_images'], margin=0.1, array_side=s, footprint_gb=round(fp[s]/1e9, 2))
        rows.table()
