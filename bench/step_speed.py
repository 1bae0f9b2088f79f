"""Where a training step's time goes on this machine: batch transforms, the model, and fastai's loop.

    python bench/step_speed.py DATA [--size 224] [--bs 32] [--what transforms,model,loop] [--batches 12]
                                    [--loops 2:default,0:default,2:keep,0:keep]

- transforms: seconds per batch of each training batch transform of `cars_dls`, for --aug light and fastai;
- model: forward, backward and an AdamW step of `tf_efficientnet_lite0` on random data (images/s over 6 steps
  after 2 warm-up ones), with contiguous and with channels-last tensors, then channels-last after
  `keep_freed_memory`;
- loop: fastai's loop with the learner `train_cars` builds (pretrained, unfrozen, channels-last) for two epochs
  of --batches batches each (with validation in between), once per --loops entry WORKERS:MALLOC, each in a fresh
  process (the malloc setting lasts for a process): loader processes, and glibc's default (default) or
  `keep_freed_memory` (keep: `set_precision`, which keeps freed memory on the CPU). Per entry: the median seconds
  per batch of waiting for data, forward, backward and optimiser step (from each epoch's third batch on), images/s
  at that pace, and the whole first batch of the second epoch (forked workers and memory re-mapped after validation).

Prints a row per transform, model setting and loop entry (JSON lines, then a markdown table for each part).
"""
import argparse, sys, time
from pathlib import Path
import pandas as pd, torch, timm
from fastai.vision.all import Callback, CancelTrainException
from cars_fgvc.dataset import read_cars
from cars_fgvc.data import cars_dls
from cars_fgvc.recipe import Recipe
from cars_fgvc.train import recipe_learner
from cars_fgvc.fit import set_precision, keep_freed_memory
from common import Rows, parser, run

def transforms(table, size, bs)->list:
    "A row per training batch transform of `cars_dls` and augmentation: seconds per batch, image size in and out"
    rows = []
    for aug in ('light', 'fastai'):
        dl = cars_dls(table, 'tf_efficientnet_lite0', size, bs, num_workers=0, aug=aug).train
        x = dl.do_batch([dl.do_item(i) for i in range(bs)])[0]
        for f in dl.after_batch.fs:
            t0 = time.perf_counter()
            for _ in range(5): y = f(x, split_idx=0)
            rows.append(dict(aug=aug, transform=type(f).__name__, px_in='x'.join(map(str, x.shape[-2:])), px_out='x'.join(map(str, y.shape[-2:])),
                             s_per_batch=round((time.perf_counter() - t0)/5, 3)))
            x = y
    return rows

def model(size, bs, n_classes)->list:
    "A row per tensor layout and malloc setting: images/s of forward, backward and AdamW step on random data"
    m = timm.create_model('tf_efficientnet_lite0', num_classes=n_classes)
    opt = torch.optim.AdamW(m.parameters(), 1e-3)
    x,y,rows = torch.randn(bs, 3, size, size),torch.randint(0, n_classes, (bs,)),[]
    for fmt,keep in ((torch.contiguous_format, False), (torch.channels_last, False), (torch.channels_last, True)):
        if keep: keep_freed_memory()
        m, xx = m.to(memory_format=fmt), x.contiguous(memory_format=fmt)
        ts = []
        for i in range(8):
            t0 = time.perf_counter()
            loss = torch.nn.functional.cross_entropy(m(xx), y); opt.zero_grad(); loss.backward(); opt.step()
            ts.append(time.perf_counter() - t0)
        rows.append(dict(layout='channels-last' if fmt == torch.channels_last else 'contiguous', malloc='keep' if keep else 'default',
                         img_per_s=round(bs*6/sum(ts[2:]), 1)))
    return rows

class Phases(Callback):
    "Seconds per training batch spent waiting for data, in the forward and backward passes and the optimiser step"
    order = -100
    def __init__(self, stop): self.stop,self.rows = stop,[]
    def before_train(self): self.last = time.perf_counter()
    def before_batch(self):
        if self.training: self.t,self.t0 = dict(epoch=self.epoch, batch=self.iter, wait=time.perf_counter() - self.last),time.perf_counter()
    def _mark(self, k): now = time.perf_counter(); self.t[k] = now - self.t0; self.t0 = now
    def after_pred(self):
        if self.training: self._mark('forward')
    def before_step(self): self._mark('backward')
    def after_step(self): self._mark('step')
    def after_batch(self):
        if not self.training: return
        self.rows.append(self.t); self.last = time.perf_counter()
        if self.iter + 1 == self.stop: raise CancelTrainException()

def loop(table, size, bs, batches, workers, malloc)->dict:
    "The row of fastai's loop with `workers` loader processes and glibc's default malloc or `keep_freed_memory` (`malloc`)"
    dls = cars_dls(table, 'tf_efficientnet_lite0', size, bs, num_workers=workers)
    learn = recipe_learner(Recipe(), dls, Path('.'))
    if malloc == 'keep': set_precision(learn)   # on the CPU: keep_freed_memory, then channels-last
    else: learn.to_channelslast(use_amp=False)
    learn.unfreeze()
    cb = Phases(batches); learn.add_cb(cb)
    with learn.no_bar(), learn.no_logging(): learn.fit_one_cycle(2, 2e-3)
    d = pd.DataFrame(cb.rows)
    steady = d[d.batch >= 2][['wait', 'forward', 'backward', 'step']].median()
    first = d[(d.epoch == 1) & (d.batch == 0)][['wait', 'forward', 'backward', 'step']].sum(axis=1).item()
    return dict(workers=workers, malloc=malloc, **{f'{k}_s': round(v, 3) for k,v in steady.items()}, img_per_s=round(bs/steady.sum(), 1),
                first_batch_epoch2_s=round(first, 2))

if __name__ == '__main__':
    p = parser(__doc__)
    p.add_argument('data'); p.add_argument('--size', type=int, default=224); p.add_argument('--bs', type=int, default=32)
    p.add_argument('--what', default='transforms,model,loop'); p.add_argument('--batches', type=int, default=12)
    p.add_argument('--loops', default='2:default,0:default,2:keep,0:keep', help='WORKERS:MALLOC entries for loop')
    p.add_argument('--in-process', action='store_true', help=argparse.SUPPRESS)   # run the first --loops entry here, print its row only
    a = p.parse_args()
    table,what = read_cars(a.data),a.what.split(',')
    rows = Rows(data=a.data, size=a.size, bs=a.bs, threads=torch.get_num_threads())
    if 'loop' in what:
        configs = [c.split(':') for c in a.loops.split(',')]
        if not all(len(c) == 2 and c[0].isdigit() and c[1] in ('default', 'keep') for c in configs):
            p.error(f'--loops takes WORKERS:MALLOC entries, MALLOC default or keep, e.g. 0:keep (got {a.loops})')
        if a.batches < 3: p.error('--batches must be at least 3 (the pace is measured from the third batch on)')
        if a.in_process: rows.add(**loop(table, a.size, a.bs, a.batches, int(configs[0][0]), configs[0][1])); sys.exit()
    if 'transforms' in what:
        for r in transforms(table, a.size, a.bs): rows.add(**r)
    if 'model' in what:
        for r in model(a.size, a.bs, table.n_classes): rows.add(**r)
    if 'loop' in what:   # each setting in a fresh process: the malloc setting cannot be undone
        for w,m in configs:
            rows.add_from(run([sys.executable, __file__, a.data, '--size', a.size, '--bs', a.bs, '--what', 'loop',
                               '--batches', a.batches, '--loops', f'{w}:{m}', '--in-process'])[0])
    rows.table()
