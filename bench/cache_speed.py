"""Image-cache speed-up of the CPU item pipeline (decode, box crop, presize resize) that feeds every training epoch.

On a GPU machine the batch augmentations run on the GPU and this per-item CPU work is what limits the loader, so
it is measured on its own: every training item once, reading the photos vs reading the pre-resized cache.

usage: python bench/cache_speed.py DATASET [--upscale PX] [--size 224] [--bs 64] [--workers N]

--upscale PX first writes a copy of the dataset (outside it, in a temp folder) whose photos are enlarged so their
longer side is PX, to stand in for full-size Stanford Cars photos (mean about 700x480) when only small ones are at hand.
"""
import argparse, shutil, tempfile, time
from pathlib import Path
from PIL import Image
from fastcore.all import parallel
from cars_fgvc.dataset import read_cars
from cars_fgvc.data import cars_dls

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

def epoch_time(dls):
    "Seconds for the item pipeline over every training item (one worker), and items per second"
    dl = dls.train; n = len(dl.dataset)
    t = time.perf_counter()
    for i in range(n): dl.do_item(i)
    dt = time.perf_counter() - t
    return dt, n/dt

if __name__ == '__main__':
    p = argparse.ArgumentParser()
    p.add_argument('data'); p.add_argument('--upscale', type=int, default=0); p.add_argument('--size', type=int, default=224)
    p.add_argument('--bs', type=int, default=64); p.add_argument('--workers', type=int, default=None)
    a = p.parse_args()
    tmp = Path(tempfile.mkdtemp())
    data = upscaled_copy(a.data, a.upscale, tmp/'data') if a.upscale else a.data
    t = read_cars(data)
    kw = dict(arch='tf_efficientnet_lite0', size=a.size, bs=a.bs, num_workers=a.workers)
    plain = cars_dls(t, **kw)
    t0 = time.perf_counter(); cached = cars_dls(t, cache=int(a.size*1.4), cache_dir=tmp/'cache', **kw); build = time.perf_counter() - t0
    epoch_time(plain); epoch_time(cached)  # warm-up: file-system cache and worker start-up
    (tp,ip),(tc,ic) = epoch_time(plain),epoch_time(cached)
    w,h = zip(*[Image.open(f).size for f in t.train.path[:200]])
    print(f'dataset: {data} ({len(plain.train_ds)} training images, mean size {sum(w)//len(w)}x{sum(h)//len(h)})')
    print(f'item pipeline: decode + crop + resize to {int(a.size*1.4)}, one CPU worker')
    print(f'photos: {tp:.2f} s per pass, {ip:.0f} items/s')
    print(f'cache:  {tc:.2f} s per pass, {ic:.0f} items/s (built once in {build:.1f} s)')
    print(f'speed-up: {ic/ip:.2f}x')
    shutil.rmtree(tmp)
