"""The cars-fgvc recipe against a plain PyTorch + timm loop on the same data, model, size, batch and epochs.

    python bench/train_vs_plain.py DATA [--arch tf_efficientnet_lite0] [--sizes 128,160] [--epochs 1,3,2] [--bs 32]
                                        [--plain-view crop|squish] [--plain-only --lr LR]

Both start from the same offline ImageNet weights and use the same train/valid split. The recipe runs
`train_cars` (LR finder unless --lr, frozen → unfrozen with discriminative rates → larger sizes, refit on
train+valid, test once with and without TTA). The plain loop trains everything at the first size with AdamW,
a cosine schedule and cross-entropy for as many epochs as the recipe's selection phase, with torchvision
augmentation of similar strength, then scores valid and test once. Throughput is training images per second
inside the training loop, compared at the same size and batch size (the recipe's unfrozen stage).
"""
import argparse, json, math, time, sys
from pathlib import Path
import numpy as np, pandas as pd, torch, timm
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader
from torchvision.transforms import v2 as T
from cars_fgvc.dataset import read_cars
from cars_fgvc.data import split_train_valid, model_stats
from cars_fgvc.cache import load_image
from cars_fgvc.learner import body_weights, load_body
from cars_fgvc.train import train_cars

class Rows(Dataset):
    def __init__(self, df, tfm): self.df,self.tfm = df.reset_index(drop=True),tfm
    def __len__(self): return len(self.df)
    def __getitem__(self, i):
        r = self.df.iloc[i]
        return self.tfm(load_image(r.path)),int(r.label)

def plain_loop(table, arch, size, bs, epochs, lr, seed, num_workers, device, view='crop'):
    "Train all layers of `arch` from its offline weights with AdamW + cosine; valid and test top-1, throughput"
    torch.manual_seed(seed)
    df = table.train.reset_index(drop=True)
    trn,val = split_train_valid(df, 0.2, seed)
    mean,std = model_stats(arch)
    norm = [T.ToImage(), T.ToDtype(torch.float32, scale=True), T.Normalize(mean, std)]
    # view 'crop': square crops of the photo as it is, validation on the centre square (torchvision's usual way);
    # 'squish': first squash the whole photo to a square 1.4x the size, as the recipe's presizing does, and validate on all of it
    pre = [T.Resize((int(size*1.4),)*2)] if view == 'squish' else []
    aug = T.Compose([*pre, T.RandomResizedCrop(size, scale=(0.35, 1)), T.RandomHorizontalFlip(), T.RandomRotation(10),
                     T.ColorJitter(0.2, 0.2), *norm])
    plain = T.Compose([T.Resize((size, size)) if view == 'squish' else T.Compose([T.Resize(size), T.CenterCrop(size)]), *norm])
    kw = dict(batch_size=bs, num_workers=num_workers, persistent_workers=num_workers > 0)
    dl_trn = DataLoader(Rows(df.loc[trn], aug), shuffle=True, drop_last=True, **kw)
    test_df = table.df[table.df.split == 'test']
    model = timm.create_model(arch, num_classes=0)
    sd,_ = body_weights(arch)
    load_body(model, sd)
    model.reset_classifier(table.n_classes)
    model = model.to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    steps = epochs*len(dl_trn)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, lr, total_steps=steps, pct_start=0.25, anneal_strategy='cos')
    n_img,train_s = 0,0.
    for ep in range(epochs):
        model.train(); t0 = time.perf_counter()
        for x,y in dl_trn:
            x,y = x.to(device),y.to(device)
            loss = F.cross_entropy(model(x), y)
            opt.zero_grad(); loss.backward(); opt.step(); sched.step()
            n_img += len(y)
        if device == 'cuda': torch.cuda.synchronize()
        train_s += time.perf_counter() - t0
        print(f'plain loop epoch {ep}: loss {loss.item():.3f}', file=sys.stderr)
    def top1(d):
        model.eval(); hits = 0
        with torch.no_grad():
            for x,y in DataLoader(Rows(d, plain), **kw): hits += (model(x.to(device)).argmax(1).cpu() == y).sum().item()
        return hits/len(d)
    return dict(valid_top1=top1(df.loc[val]), test_top1=top1(test_df), train_images_per_second=round(n_img/train_s, 1),
                train_seconds=round(train_s, 1), epochs=epochs, size=size, bs=bs, lr=lr, view=view)

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('data'); p.add_argument('--arch', default='tf_efficientnet_lite0')
    p.add_argument('--sizes', default='128,160'); p.add_argument('--epochs', default='1,3,2')
    p.add_argument('--bs', type=int, default=32); p.add_argument('--lr', type=float, default=None)
    p.add_argument('--seed', type=int, default=42); p.add_argument('--num-workers', type=int, default=2)
    p.add_argument('--out', default='runs/bench'); p.add_argument('--precision', default='auto')
    p.add_argument('--no-refit', dest='refit', action='store_false', help='test the best validation epoch instead of refitting on train+valid')
    p.add_argument('--plain-view', choices=['crop', 'squish'], default='crop', help="the plain loop's geometry (see plain_loop)")
    p.add_argument('--plain-only', action='store_true', help='only the plain loop, for sum(--epochs) epochs at the first size and --lr')
    a = p.parse_args()
    sizes,epochs = [int(o) for o in a.sizes.split(',')],[int(o) for o in a.epochs.split(',')]
    device = 'cuda' if torch.cuda.is_available() else 'cpu'
    if a.plain_only:
        if a.lr is None: p.error('--plain-only needs --lr')
        pl = plain_loop(read_cars(a.data), a.arch, sizes[0], a.bs, sum(epochs), a.lr, a.seed, a.num_workers, device, a.plain_view)
        print(json.dumps(pl)); sys.exit()
    out = Path(a.out)/f'{a.arch}-{a.sizes.replace(",", "-")}-{a.epochs.replace(",", "-")}'
    t0 = time.time()
    rec = train_cars(a.data, a.arch, out, sizes=sizes, epochs=epochs, bs=a.bs, lr=a.lr, seed=a.seed,
                     precision=a.precision, num_workers=a.num_workers, refit=a.refit, report=False,
                     resume=(out/'config.json').exists())
    rec_s = time.time() - t0
    log = pd.read_csv(out/'log.csv')
    unf = log[(log.phase == 'fit') & (log.stage == 'unfrozen')]
    lr = json.loads((out/'state.json').read_text())['lr']
    n_ep = int(log[log.phase == 'fit'].shape[0])
    if device == 'cuda': torch.cuda.reset_peak_memory_stats()
    t0 = time.time()
    pl = plain_loop(read_cars(a.data), a.arch, sizes[0], a.bs, n_ep, lr, a.seed, a.num_workers, device, a.plain_view)
    pl_s = time.time() - t0
    pl['peak_gpu_mib'] = round(torch.cuda.max_memory_allocated()/2**20) if device == 'cuda' else None
    rec_ips = float((unf.images.sum()/unf.train_seconds.sum())) if len(unf) else float('nan')
    rows = [dict(run='recipe', valid_top1=rec['valid_top1'], test_top1=rec['test_top1'], test_top1_tta=rec.get('test_top1_tta'),
                 test_top5=rec['test_top5'], epochs=a.epochs + (" + refit" if a.refit else ""), train_img_per_s_at_first_size=round(rec_ips, 1), wall_s=round(rec_s)),
            dict(run='plain loop', valid_top1=pl['valid_top1'], test_top1=pl['test_top1'], test_top1_tta=None, test_top5=None,
                 epochs=str(n_ep), train_img_per_s_at_first_size=pl['train_images_per_second'], wall_s=round(pl_s))]
    df = pd.DataFrame(rows)
    print('| ' + ' | '.join(df.columns) + ' |'); print('|' + '---|'*len(df.columns))
    for r in rows: print('| ' + ' | '.join('' if v is None else f'{v:.3f}' if isinstance(v, float) else str(v) for v in r.values()) + ' |')
    print(f'device {torch.cuda.get_device_name() if device == "cuda" else "cpu"}; size {sizes[0]}, bs {a.bs}, lr {lr:.2e}; '
          f'speed ratio recipe/plain {rec_ips/pl["train_images_per_second"]:.2f}; recipe run folder {out}')
    (out/'bench.json').write_text(json.dumps(dict(rows=rows, plain=pl, args=vars(a)), indent=2, default=str))
