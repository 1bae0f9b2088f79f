"""Train on box crops, score the test set on whole photos and on crops: why crop is opt-in for both.

    python bench/crop_mismatch.py [--epochs 10] [--size 64]   (synthetic data, a small CNN from scratch, CPU, about 10 s)

Trains the same small CNN twice on a synthetic set (6 classes, 20 training and 10 test images each), once on the box
crops and once on the whole photos, and prints a row for each (JSON lines, then a markdown table): the validation top-1
and the test top-1 on whole photos and on crops.
"""
import tempfile
from pathlib import Path
from fastai.vision.all import *
from cars_fgvc.synth import synth_cars
from cars_fgvc.dataset import read_cars
from cars_fgvc.data import cars_dls, cars_test_dl
from common import Rows, parser, progress_to_stderr

def blk(ni, nf): return nn.Sequential(nn.Conv2d(ni, nf, 3, stride=2, padding=1), nn.BatchNorm2d(nf), nn.ReLU())

if __name__ == '__main__':
    p = parser(__doc__)
    p.add_argument('--epochs', type=int, default=10); p.add_argument('--size', type=int, default=64)
    a = p.parse_args()
    t = read_cars(synth_cars(Path(tempfile.mkdtemp())/'cars', n_classes=6, n_train=20, n_test=10))
    rows = Rows(epochs=a.epochs, size=a.size, n_classes=6)
    for crop in (True, False):
        set_seed(0)
        dls = cars_dls(t, size=a.size, bs=16, seed=0, crop=crop, num_workers=0)
        learn = Learner(dls, nn.Sequential(blk(3, 16), blk(16, 32), blk(32, 64), blk(64, 64), nn.AdaptiveAvgPool2d(1),
                                           nn.Flatten(), nn.Linear(64, dls.c)), metrics=accuracy)
        with progress_to_stderr():
            with learn.no_logging(): learn.fit_one_cycle(a.epochs, 1e-2)
            test = {c: accuracy(*learn.get_preds(dl=cars_test_dl(dls, crop=c))).item() for c in (False, True)}
            valid = learn.validate()[1]
        rows.add(trained_on='crops' if crop else 'whole photos', valid_top1=round(valid, 3),
                 test_top1_whole_photos=round(test[False], 3), test_top1_crops=round(test[True], 3))
    rows.table()
