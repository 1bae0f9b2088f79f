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
"""
import argparse, json, os, shutil, tempfile, time
from pathlib import Path
import numpy as np, torch
from PIL import Image
from fastai.vision.all import Callback, set_seed
from fastcore.all import parallel
from cars_fgvc.dataset import read_cars
from cars_fgvc.data import cars_dls
from cars_fgvc.learner import cars_learner
from cars_fgvc.train import set_precision

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
    learn = cars_learner(dls, 'tf_efficientnet_lite0')
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

if __name__ == '__main__':
    p = argparse.ArgumentParser()
    p.add_argument('data'); p.add_argument('--upscale', type=int, default=0); p.add_argument('--size', type=int, default=224)
    p.add_argument('--bs', type=int, default=64); p.add_argument('--arrays', default='256,320')
    p.add_argument('--train-epochs', type=int, default=0); p.add_argument('--devkit', default=None)
    p.add_argument('--profile', action='store_true')
    a = p.parse_args()
    arrays = [int(o) for o in a.arrays.split(',')]
    tmp = Path(tempfile.mkdtemp())
    try:
        data = upscaled_copy(a.data, a.upscale, tmp/'data') if a.upscale else a.data
        t = read_cars(data)
        w,h = zip(*[Image.open(f).size for f in t.train.path[:200]])
        print(f'dataset: {data} ({len(t.train)} training images, mean size {sum(w)//len(w)}x{sum(h)//len(h)}); '
              f'items at {a.size} px, batches of {a.bs}, one process, one torch thread')
        torch.set_num_threads(1)
        kw = dict(arch='tf_efficientnet_lite0', size=a.size, bs=a.bs, num_workers=0, valid_pct=0)
        rows = [('photos (decode, resize to presize)', lambda: cars_dls(t, **kw))]
        jc = int(a.size*1.4)
        rows.append((f'JPEG cache, shorter side {jc} (decode, resize to presize)', lambda: cars_dls(t, cache=jc, cache_dir=tmp/'cache', **kw)))
        for s in arrays:
            rows.append((f'array cache, shorter side {s} (crop and resize on uint8)',
                         lambda s=s: cars_dls(t, cache=s, cache_format='array', cache_dir=tmp/'cache', **kw)))
        res = []
        for name,mk in rows:
            t0 = time.perf_counter(); dls = mk(); build = time.perf_counter() - t0
            r = items_per_second(dls.train, a.bs)
            res.append(dict(source=name, items_per_s=round(r, 1), build_s=round(build, 1)))
            print(f'{name}: {r:,.0f} items/s per worker (loaders built in {build:.1f} s, including any cache)', flush=True)
        base = res[1]['items_per_s']
        for r in res[2:]: print(f"{r['source']}: {r['items_per_s']/base:.1f}x the JPEG cache")
        d = tmp/'cache'/'arrays'
        for f in sorted(d.glob('*.u8')): print(f'{f.name}: {f.stat().st_size/2**20:,.1f} MiB for {len(t.train)} images')
        jpg = sum(f.stat().st_size for f in (tmp/'cache'/str(jc)).glob('*.jpg'))
        print(f'JPEG cache {jc}: {jpg/2**20:,.1f} MiB for {len(t.train)} images')
        if a.profile:
            import cProfile, pstats
            dl = cars_dls(t, cache=arrays[0], cache_format='array', cache_dir=tmp/'cache', **kw).train
            n = len(dl.dataset)
            with cProfile.Profile() as prof: one_pass(dl, a.bs)
            st = pstats.Stats(prof); total = st.total_tt
            print(f'profile of one pass over the array cache {arrays[0]} ({n} items, {total/n*1e6:.0f} us per item under the profiler):')
            groups = {'resize (torch upsample)': 'upsample', 'pandas (row lookups)': 'pandas', 'fasttransform/plum (transform dispatch)': ('fasttransform', 'plum')}
            for name,keys in groups.items():
                s_ = sum(v[2] for k,v in st.stats.items() if any(o in f'{k[0]}:{k[2]}' for o in ((keys,) if isinstance(keys, str) else keys)))
                print(f'  {name}: {s_/total:.0%} of the time (own time of its functions)')
        if a.train_epochs:
            torch.set_num_threads(os.cpu_count())
            fits = []
            for rep in range(2):
                for fmt,s in (('jpeg', jc), ('array', arrays[0])):
                    r = train_rate(t, a.train_epochs, cache=s, cache_format=fmt, cache_dir=tmp/'cache')
                    fits.append((fmt, r)); print(f'training from the {fmt} cache ({s}): {r:.1f} images/s (fit {rep + 1})', flush=True)
            m = {f: np.mean([r for g,r in fits if g == f]) for f in ('jpeg', 'array')}
            print(f"training, mean of 2 fits: JPEG cache {m['jpeg']:.1f} images/s, array cache {m['array']:.1f} images/s ({m['array']/m['jpeg']:.2f}x)")
        if a.devkit:
            fp = footprint(a.devkit, arrays)
            for s in arrays: print(f"all {fp['n_images']:,} Stanford Cars box crops (margin 0.1) as arrays at shorter side {s}: {fp[s]/1e9:.2f} GB")
        print(json.dumps(res))
    finally: shutil.rmtree(tmp, ignore_errors=True)
