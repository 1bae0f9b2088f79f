"""Train on box crops, score the test set on whole photos and on crops: why crop is opt-in for both.

usage: python bench/crop_mismatch.py   (synthetic data, a small CNN from scratch, CPU, about 10 s)
"""
import tempfile
from pathlib import Path
from fastai.vision.all import *
from cars_fgvc.synth import synth_cars
from cars_fgvc.dataset import read_cars
from cars_fgvc.data import cars_dls, cars_test_dl

def blk(ni, nf): return nn.Sequential(nn.Conv2d(ni, nf, 3, stride=2, padding=1), nn.BatchNorm2d(nf), nn.ReLU())
t = read_cars(synth_cars(Path(tempfile.mkdtemp())/'cars', n_classes=6, n_train=20, n_test=10))
for crop in (True, False):
    set_seed(0)
    dls = cars_dls(t, size=64, bs=16, seed=0, crop=crop, num_workers=0)
    learn = Learner(dls, nn.Sequential(blk(3, 16), blk(16, 32), blk(32, 64), blk(64, 64), nn.AdaptiveAvgPool2d(1),
                                       nn.Flatten(), nn.Linear(64, dls.c)), metrics=accuracy)
    with learn.no_bar(), learn.no_logging(): learn.fit_one_cycle(10, 1e-2)
    scores = {f'test {"crops" if c else "whole photos"}': accuracy(*learn.get_preds(dl=cars_test_dl(dls, crop=c))).item() for c in (False, True)}
    print(f'trained on {"crops" if crop else "whole photos"}: valid {learn.validate()[1]:.2f}, ' + ', '.join(f'{k} {v:.2f}' for k,v in scores.items()))
