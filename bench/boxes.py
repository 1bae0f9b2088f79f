"""Localization on real photos: box model, crop model, and classifying the predicted box.

    python bench/boxes.py ../shared/data/cars-real-98 [--epochs 6] [--size 224] [--out runs/bench-boxes]

The photos of cars-real-98 are already crops of their cars, so they are made into a localization set first: each crop
is pasted, at its own size, at a random place on a larger canvas (1.4-2.2 times its width and height) whose background
is another photo of the same split, enlarged and blurred; the pasted rectangle is the box. The composites are written in
the devkit layout (OUT/composites). Then, with the library's commands:

  1. a box model: cars_fgvc_train COMPOSITES --boxes (whole composites; classes and boxes);
  2. a crop model: cars_fgvc_train COMPOSITES --crop (trained on the annotated boxes, with the usual margin);
  3. on the composites' test split: the box model's mean IoU and share of IoU >= 0.5, and the test top-1 of
     the whole composite (the box model's classes), the crop model on the true boxes, on the predicted boxes
     (cars_fgvc_evaluate --crop predicted --box-model), and on the whole composite.

Both runs use one size, no refit and no TTA, and select their epoch on their validation split; the test split only
scores. Prints a row per model and input (JSON lines, then a markdown table): validation and test top-1, the box model's
validation and test IoU, and the wall seconds of each training run.
"""
from pathlib import Path
import numpy as np
from PIL import Image, ImageFilter
from cars_fgvc.dataset import read_cars
from cars_fgvc.synth import write_devkit
from cars_fgvc.train import train_cars
from cars_fgvc.predict import load_model
from cars_fgvc.evaluate import evaluate
from common import Rows, parser, note, progress_to_stderr, timer

def composites(src, dest, seed=0, blur=6, scale=(1.4, 2.2)):
    "Write the photos of devkit-layout `src` pasted onto blurred backgrounds into `dest` (devkit layout, boxes = the pasted photo)"
    table,rng,items = read_cars(src),np.random.default_rng(seed),[]
    for split in ('train', 'test'):
        df = table.df[table.df.split == split].reset_index(drop=True)
        for i,r in df.iterrows():
            car = Image.open(r.path).convert('RGB')
            w,h = car.size
            W,H = int(w*rng.uniform(*scale)),int(h*rng.uniform(*scale))
            j = int(rng.integers(len(df) - 1)); j += j >= i                  # another photo of the split
            bg = Image.open(df.path[j]).convert('RGB').resize((W, H), Image.Resampling.BILINEAR).filter(ImageFilter.GaussianBlur(blur))
            x0,y0 = int(rng.integers(0, W - w + 1)),int(rng.integers(0, H - h + 1))
            bg.paste(car, (x0, y0))
            items.append(dict(split=split, label=int(r.label), image=bg, box=(x0 + 1, y0 + 1, x0 + w, y0 + h)))
    write_devkit(Path(dest), items, table.vocab, test_labels=True)
    return Path(dest)

if __name__ == '__main__':
    p = parser(__doc__)
    p.add_argument('data'); p.add_argument('--out', default='runs/bench-boxes')
    p.add_argument('--arch', default='tf_efficientnet_lite0'); p.add_argument('--epochs', type=int, default=6)
    p.add_argument('--size', type=int, default=224); p.add_argument('--bs', type=int, default=32)
    p.add_argument('--box-lam', type=float, default=1.); p.add_argument('--num-workers', type=int, default=2)
    a = p.parse_args()
    out,comp = Path(a.out),Path(a.out)/'composites'
    if not (comp/'devkit').exists():
        note(f'writing the composites to {comp}')
        with timer() as t: composites(a.data, comp)
        note(f'composites written in {t.s:.0f} s')
    kw = dict(arch=a.arch, sizes=(a.size,), epochs=a.epochs, bs=a.bs, refit=False, tta=False, num_workers=a.num_workers, report=False)
    with progress_to_stderr():
        with timer() as t_box: box = train_cars(comp, out/'box', boxes=True, box_lam=a.box_lam, resume=(out/'box/config.json').exists(), **kw)
        with timer() as t_crop: crop = train_cars(comp, out/'crop', crop=True, resume=(out/'crop/config.json').exists(), **kw)
        table,bl,cl = read_cars(comp),load_model(out/'box'),load_model(out/'crop')
        mb,m = evaluate(bl, table, tta=False),{c: evaluate(cl, table, tta=False, crop=c, box_learn=bl)['plain']['top1'] for c in ('true', 'predicted', 'none')}
    rows = Rows(data=a.data, arch=a.arch, size=a.size, epochs=a.epochs, box_lam=a.box_lam, n_test=mb['n_images'])
    blank = dict(valid_box_iou=None, test_box_iou=None, test_box_iou_ge_05=None)
    rows.add(model='box', input='whole composite', valid_top1=round(box['valid_top1'], 4), test_top1=round(mb['plain']['top1'], 4),
             valid_box_iou=round(box['valid_box_iou'], 4), test_box_iou=round(mb['boxes']['iou'], 4), test_box_iou_ge_05=round(mb['boxes']['acc'], 4),
             run_s=round(t_box.s))
    rows.add(model='crop', input='annotated box', valid_top1=round(crop['valid_top1'], 4), test_top1=round(m['true'], 4), **blank, run_s=round(t_crop.s))
    for c,name in (('predicted', "box model's box"), ('none', 'whole composite')):
        rows.add(model='crop', input=name, valid_top1=None, test_top1=round(m[c], 4), **blank, run_s=None)
    rows.table()
