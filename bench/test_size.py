"""Validation top-1 of a trained run scored at sizes other than the one it last trained at (train-test resolution).

Random-resized crops show the model cars larger in training than a whole photo shows them at the same size, so scoring
somewhat above the training size often does better (Touvron et al., "Fixing the train-test resolution discrepancy", 2019).
This scores the run's exported model on its own validation images (`valid.csv`; a run trained with --no-refit, so the
validation images were never trained on) at each size, with the run's loader settings otherwise (presize 1.4 x size,
squish, the model's normalisation), plain and with TTA. The test set is never read.

usage: python bench/test_size.py DATA RUN [--sizes 160,184,208,224] [--bs 64]

Prints one row per size: the size, its ratio to the last training size, validation top-1 and top-5, plain and TTA.
"""
from pathlib import Path
from cars_fgvc.dataset import read_cars
from cars_fgvc.data import cars_dls
from cars_fgvc.run import Run
from cars_fgvc.predict import load_model
from cars_fgvc.evaluate import evaluate
from common import Rows, parser, progress_to_stderr

def at_size(learn, table, run:Run, size:int, bs=64):
    "`learn` reading photos at `size`, with run `run`'s loader settings otherwise (its validation photos, crop, the model's normalisation)"
    r = run.recipe()
    learn.dls = cars_dls(table, r.arch, size, bs, valid_files=run.read_valid(table), crop=r.crop, num_workers=0)
    return learn

def main():
    p = parser(__doc__)
    p.add_argument('data'); p.add_argument('run'); p.add_argument('--sizes', default='160,184,208,224'); p.add_argument('--bs', type=int, default=64)
    a = p.parse_args()
    run = Run(Path(a.run))
    r = run.recipe()
    if r.refit: raise SystemExit(f'{a.run} was refit on its validation images: score sizes on a run trained with --no-refit')
    with progress_to_stderr():
        table = read_cars(a.data)
        learn,valid = load_model(run.path),run.read_valid(table)
    rows = Rows(run=str(run.path), arch=r.arch, trained_at=r.sizes[-1], n_valid=len(valid))
    for s in [int(o) for o in a.sizes.split(',')]:
        with progress_to_stderr():
            m = evaluate(at_size(learn, table, run, s, a.bs), table, split='valid', bs=a.bs)
        rows.add(size=s, ratio=round(s/r.sizes[-1], 3), top1=round(m['plain']['top1'], 4), top5=round(m['plain']['top5'], 4),
                 top1_tta=round(m['tta']['top1'], 4), top5_tta=round(m['tta']['top5'], 4))
    rows.table()

if __name__ == '__main__': main()
