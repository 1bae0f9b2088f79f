"""One variant of the training recipe on a devkit-layout folder, to see which choice moves validation accuracy.

    python bench/recipe_ablation.py DATA NAME [--lr-mult 10] [--head linear|fastai] [--head-init calm|zero|fastai|torch]
                                    [--lin-ftrs 512|none]
                                    [--method squish|crop] [--aug fastai|light] [--loss ls|ce] [--epochs 1,2] [--size 96] [--lr 2e-3]

Runs `train_cars` at one size without refit or TTA into runs/ablation/NAME and prints the validation top-1 of the
best epoch. --head-init: the library's small last layer (calm), an all-zero last layer (zero), fastai's
kaiming init (fastai) or PyTorch's default `nn.Linear` init (torch). --head: timm's average pool and one linear layer
(linear, the default), or fastai's `create_head`, where --lin-ftrs none drops the hidden 512-unit layer.
"""
import argparse, time
import torch.nn as nn
from fastai.vision.all import ResizeMethod
import cars_fgvc.train as T
from cars_fgvc.learner import cars_learner, HEADS
from cars_fgvc.data import AUGS

p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
p.add_argument('data'); p.add_argument('name')
p.add_argument('--arch', default='tf_efficientnet_lite0'); p.add_argument('--lr-mult', type=float, default=10)
p.add_argument('--head-init', choices=['calm', 'zero', 'fastai', 'torch'], default='calm'); p.add_argument('--lin-ftrs', choices=['512', 'none'], default='512')
p.add_argument('--head', choices=list(HEADS), default='linear')
p.add_argument('--method', choices=['squish', 'crop'], default='squish'); p.add_argument('--epochs', default='1,2')
p.add_argument('--size', type=int, default=96); p.add_argument('--bs', type=int, default=32); p.add_argument('--lr', type=float, default=2e-3)
p.add_argument('--loss', choices=['ls', 'ce', 'focal'], default='ls')
p.add_argument('--aug', choices=list(AUGS), default='fastai', help="light: no warp, zoom or lighting changes, only random crop, flip, rotation")
p.add_argument('--num-workers', type=int, default=2); p.add_argument('--out', default='runs/ablation')
a = p.parse_args()

head_kw = dict(lin_ftrs=[], ps=0.1) if a.head == 'fastai' and a.lin_ftrs == 'none' else {}
def learner(*args, **kw):
    learn = cars_learner(*args, **kw, **head_kw)
    last = [m for m in learn.model[1].modules() if isinstance(m, nn.Linear)][-1]
    if a.head_init == 'zero': nn.init.zeros_(last.weight)
    if a.head_init == 'fastai': nn.init.kaiming_normal_(last.weight)
    if a.head_init == 'torch': last.reset_parameters()
    return learn
dls = T.cars_dls
T.cars_learner = learner
T.cars_dls = lambda *args, **kw: dls(*args, **kw, method=ResizeMethod.Crop if a.method == 'crop' else ResizeMethod.Squish)

t0 = time.time()
res = T.train_cars(a.data, a.arch, f'{a.out}/{a.name}', sizes=(a.size,), epochs=tuple(int(o) for o in a.epochs.split(',')), bs=a.bs,
                   lr=a.lr, lr_mult=a.lr_mult, loss=a.loss, head=a.head, aug=a.aug, refit=False, tta=False, num_workers=a.num_workers, report=False)
print(f"{a.name}: valid top-1 {res['valid_top1']:.3f}, {time.time() - t0:.0f} s; log {a.out}/{a.name}/log.csv")
