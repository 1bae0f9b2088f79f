"""Where a training step's time goes on this machine: batch transforms, the model, and fastai's loop.

    python bench/step_speed.py DATA [--size 224] [--bs 32] [--what transforms,model,loop] [--batches 0]

- transforms: seconds per batch of each training batch transform of `cars_dls`, for --aug light and fastai;
- model: forward, backward and an AdamW step of `tf_efficientnet_lite0` on random data (images/s over 6 steps
  after 2 warm-up ones), with contiguous and with channels-last tensors;
- loop: one epoch of fastai's loop with the learner `train_cars` builds (pretrained, unfrozen, `set_precision`),
  timed per batch: images/s over the epoch, and in the steady state (after 3 batches). --batches N stops early.
"""
import argparse, time
import numpy as np, torch, timm
from fastai.vision.all import Callback, CancelFitException
from cars_fgvc.dataset import read_cars
from cars_fgvc.data import cars_dls
from cars_fgvc.learner import cars_learner
from cars_fgvc.train import set_precision

def transforms(table, size, bs):
    for aug in ('light', 'fastai'):
        dl = cars_dls(table, 'tf_efficientnet_lite0', size, bs, num_workers=0, aug=aug).train
        x = dl.do_batch([dl.do_item(i) for i in range(bs)])[0]
        parts = []
        for f in dl.after_batch.fs:
            t0 = time.perf_counter()
            for _ in range(5): y = f(x, split_idx=0)
            parts.append(f'{type(f).__name__} {tuple(x.shape[-2:])}->{tuple(y.shape[-2:])} {(time.perf_counter() - t0)/5:.3f} s')
            x = y
        print(f'transforms, aug {aug}: ' + '; '.join(parts))

def model(size, bs, n_classes):
    m = timm.create_model('tf_efficientnet_lite0', num_classes=n_classes)
    opt = torch.optim.AdamW(m.parameters(), 1e-3)
    x,y = torch.randn(bs, 3, size, size),torch.randint(0, n_classes, (bs,))
    for fmt in (torch.contiguous_format, torch.channels_last):
        m, xx = m.to(memory_format=fmt), x.contiguous(memory_format=fmt)
        ts = []
        for i in range(8):
            t0 = time.perf_counter()
            loss = torch.nn.functional.cross_entropy(m(xx), y); opt.zero_grad(); loss.backward(); opt.step()
            ts.append(time.perf_counter() - t0)
        print(f'model, {"channels-last" if fmt == torch.channels_last else "contiguous"}: {bs*6/sum(ts[2:]):.1f} images/s')

class Times(Callback):
    def __init__(self, stop): self.stop = stop
    def before_train(self): self.ts = [time.perf_counter()]
    def after_batch(self):
        if not self.training: return
        self.ts.append(time.perf_counter())
        if self.stop and self.iter + 1 == self.stop: raise CancelFitException()

def loop(table, size, bs, batches):
    dls = cars_dls(table, 'tf_efficientnet_lite0', size, bs)
    learn = cars_learner(dls, 'tf_efficientnet_lite0')
    set_precision(learn); learn.unfreeze()
    cb = Times(batches); learn.add_cb(cb)
    with learn.no_bar(), learn.no_logging(): learn.fit_one_cycle(1, 2e-3)
    d = np.diff(cb.ts)
    print(f'loop: {len(d)} batches, {bs*len(d)/d.sum():.1f} images/s over the epoch, {bs/d[3:].mean():.1f} after 3 batches; '
          f'first batch {d[0]:.1f} s, median {np.median(d):.2f} s')

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('data'); p.add_argument('--size', type=int, default=224); p.add_argument('--bs', type=int, default=32)
    p.add_argument('--what', default='transforms,model,loop'); p.add_argument('--batches', type=int, default=0)
    a = p.parse_args()
    table = read_cars(a.data)
    what = a.what.split(',')
    if 'transforms' in what: transforms(table, a.size, a.bs)
    if 'model' in what: model(a.size, a.bs, table.n_classes)
    if 'loop' in what: loop(table, a.size, a.bs, a.batches)
