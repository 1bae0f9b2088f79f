"""Recipes against the reference plain loop at equal compute, over train/test partitions and training seeds, in one command.

    python bench/equal_compute.py DATA --budget 6 --size 128 [--arms default,ema] [--arm NAME='FLAGS' ...]
                                  [--partitions 0,1] [--seeds 0,1] [--out runs/equal] [--plain ../shared/bench/plain_timm.py]

Partition 0 is DATA's own split; partition K > 0 re-splits DATA's photos per class with seed K (`partition.py`, written
under OUT/partitions, never inside DATA). For every partition and seed, each arm (named in ARMS below, or given with
--arm as cars_fgvc_train flags) trains `cars_fgvc_train PART --epochs BUDGET --sizes SIZE --seed SEED [FLAGS]` with
the recipe's own validation split, refit and one test scoring (with TTA unless its flags say --no-tta); then the plain
loop (`plain_timm.py --size SIZE`, its torch seed offset by SEED) trains on all the training photos for as many epochs as
buy the compute of the first arm, and scores the test set once. An arm whose run chose another test size on validation
(--test-size auto, the default) gets a second row, ARM at SIZE: the same trained model scored on the test set at the last
training size, plain and with TTA, which is what the same flags with --test-size SIZE train and score (the refit starts from the seed again, so choosing changes no
weight).

Compute is counted in 224 px image-passes: each training image seen costs (size/224)^2, each image scored without a
backward pass (validation every epoch, the test set, TTA's five extra passes) a third of that (a forward pass is about a
third of a forward and backward one). Run folders under OUT are resumed and the plain loop's results kept (as
OUT/pPART-sSEED/plain-EPOCHS-SIZE.json), so the command can be stopped and started again without training anything twice. Prints a row per run (JSON lines) and then, per arm, the mean over seeds for each partition and the difference
to the plain loop; the rows are saved as OUT/bench-BUDGET-SIZE.json. `wall_s` is this command's time (seconds, short for a resumed run),
`train_s` the recipe run's own training time from its results.json.
"""
import json, sys
from pathlib import Path
import pandas as pd
from cars_fgvc.run import Run
from cars_fgvc.dataset import read_cars
from cars_fgvc.predict import load_model
from cars_fgvc.evaluate import evaluate
from common import Rows, parser, json_rows, run, note, progress_to_stderr
from partition import partition
from test_size import at_size

ARMS = {'default': [], 'ema': ['--ema'], 'no-refit': ['--no-refit']}   # more with --arm NAME='FLAGS'
FORWARD = 1/3             # a forward pass's cost in training passes (forward + backward)
TTA_PASSES = 5            # fastai's `tta`: four augmented passes and the plain one

def cost(size:int)->float: return (size/224)**2

def recipe_compute(r:Run, test_size:int=None)->dict:
    "The compute a finished recipe run spent, in 224 px image-passes: training, validation (with --test-size auto's sizes) and test scoring (at `test_size` if given, without choosing it)"
    log,res,cfg = r.log(),r.results(),r.config()['recipe']
    train = float((log.images*log['size'].map(cost)).sum())
    fit = log[log.phase == 'fit']
    tried = [] if test_size else [int(s) for s in res.get('valid_top1_by_size', {})]
    valid = float(res['n_valid']*(fit['size'].map(cost).sum() + sum(map(cost, tried))))
    test = res['n_test']*cost(test_size or res['test_size'])*(1 + TTA_PASSES*bool(cfg.get('tta', True)))
    return dict(train=train, scoring=(valid + test)*FORWARD, total=train + (valid + test)*FORWARD)

def top1_at(data, rdir, size:int, bs=64)->dict:
    "Test top-1 of run `rdir`'s exported model scored at `size`, plain and with TTA: what its training scores without --test-size (the model and every other setting the same)"
    table = read_cars(data)
    m = evaluate(at_size(load_model(rdir), table, Run(rdir), size, bs), table, split='test', bs=bs)
    return dict(test_top1=m['plain']['top1'], test_top1_tta=m['tta']['top1'])

def plain_compute(epochs:int, n_train:int, n_test:int, size:int, bs=32)->float:
    "The compute of the plain loop's `epochs` (batches of `bs`, the last incomplete one dropped) and its one test scoring"
    return (epochs*(n_train//bs*bs) + n_test*FORWARD)*cost(size)

def plain_epochs(compute:float, n_train:int, n_test:int, size:int, bs=32)->int:
    "Epochs of the plain loop that spend `compute` (`plain_compute` solved for the epochs)"
    return max(1, round((compute - plain_compute(0, n_train, n_test, size, bs))/plain_compute(1, n_train, 0, size, bs)))

def run_plain(script, data, epochs, size, seed, keep:Path=None):
    "The plain loop with its torch seed offset by `seed` (0: as written): its JSON line and wall seconds, kept in `keep` and read back from it when run before with the same settings"
    args = dict(script=str(Path(script).resolve()), data=str(data), epochs=epochs, size=size, seed=seed)
    if keep and keep.exists() and (k := json.loads(keep.read_text()))['args'] == args: return k['row'],k['wall']
    code = (f'import runpy, sys, torch; m = torch.manual_seed; torch.manual_seed = lambda s: m(s + {seed}); '
            f'sys.argv = [{script!r}, {str(data)!r}, "--size", "{size}", "--epochs", "{epochs}"]; runpy.run_path({script!r}, run_name="__main__")')
    text,wall = run([sys.executable, '-c', code])
    row = json_rows(text)[-1]
    if keep: keep.parent.mkdir(parents=True, exist_ok=True); keep.write_text(json.dumps(dict(args=args, row=row, wall=wall)))
    return row,wall

def main():
    p = parser(__doc__)
    p.add_argument('data'); p.add_argument('--budget', type=int, default=6); p.add_argument('--size', default='128')
    p.add_argument('--arms', default='default'); p.add_argument('--arm', action='append', default=[], help="NAME='FLAGS': an arm of your own")
    p.add_argument('--partitions', default='0'); p.add_argument('--seeds', default='0')
    p.add_argument('--out', default='runs/equal'); p.add_argument('--no-plain', action='store_true')
    p.add_argument('--plain', default=str(Path(__file__).resolve().parents[2]/'shared/bench/plain_timm.py'))
    a = p.parse_args()
    arms = {k: ARMS[k] for k in a.arms.split(',') if k} | {k: v.split() for k,v in (o.split('=', 1) for o in a.arm)}
    out,final = Path(a.out),int(a.size.split(',')[-1])
    rows = Rows(data=a.data, budget=a.budget, size=a.size)
    for part in [int(o) for o in a.partitions.split(',')]:
        pdata = Path(a.data) if part == 0 else out/'partitions'/f'p{part}'
        if part: partition(a.data, pdata, part)
        for seed in [int(o) for o in a.seeds.split(',')]:
            first_compute = None
            for name,flags in arms.items():
                rdir = out/f'p{part}-s{seed}'/f'{name}-{a.budget}-{a.size.replace(",", "-")}'
                cmd = ['cars_fgvc_train', pdata, '--epochs', a.budget, '--sizes', a.size, '--seed', seed, '--out', rdir, '--no-report', *flags]
                _,wall = run(cmd + ['--resume'] if Run(rdir).exists else cmd)
                res,c = Run(rdir).results(),recipe_compute(Run(rdir))
                first_compute = first_compute or c['total']
                rows.add(partition=part, seed=seed, arm=name, flags=' '.join(flags), valid_top1=res['valid_top1'], test_top1=res['test_top1'],
                         test_top1_tta=res.get('test_top1_tta'), test_make_top1=res.get('test_make_top1'), train_img_per_s=res['train_images_per_second'],
                         compute_k224=round(c['total']/1000, 2), wall_s=round(wall), train_s=round(res['train_seconds']))
                if res['test_size'] != final:   # the same training scored at its last size: the arm without --test-size
                    with progress_to_stderr(): t1 = top1_at(pdata, rdir, final)
                    rows.add(partition=part, seed=seed, arm=f'{name} at {final} px', flags=' '.join(flags) + f' (test at {final} px)', valid_top1=res['valid_top1'], **t1, test_make_top1=None, train_img_per_s=res['train_images_per_second'],
                             compute_k224=round(recipe_compute(Run(rdir), final)['total']/1000, 2), wall_s=None, train_s=round(res['train_seconds']))
            if a.no_plain: continue
            n_train,n_test = res['n_train'] + res['n_valid'],res['n_test']
            ep = plain_epochs(first_compute, n_train, n_test, final)
            pl,wall = run_plain(a.plain, pdata, ep, final, seed, keep=out/f'p{part}-s{seed}'/f'plain-{ep}-{final}.json')
            rows.add(partition=part, seed=seed, arm=f'plain loop, {ep} epochs', flags='', valid_top1=None, test_top1=pl['top1'], test_top1_tta=None,
                     test_make_top1=None, train_img_per_s=pl['train_img_s'], compute_k224=round(plain_compute(ep, n_train, n_test, final)/1000, 2), wall_s=round(wall), train_s=None)
    df = pd.DataFrame(rows)
    df['arm'] = df.arm.str.replace(r'plain loop, \d+ epochs', 'plain loop', regex=True)
    summary = Rows(data=a.data, budget=a.budget, size=a.size, seeds=a.seeds)
    for (part,arm),g in df.groupby(['partition', 'arm'], sort=False):
        plain = df[(df.partition == part) & (df.arm == 'plain loop')].test_top1.mean()
        m = g[['valid_top1', 'test_top1', 'test_top1_tta', 'test_make_top1', 'train_img_per_s', 'compute_k224', 'wall_s', 'train_s']].mean()
        summary.add(partition=part, arm=arm, n=len(g), **{k: (None if pd.isna(v) else float(v)) for k,v in m.items()},
                    test_top1_vs_plain=None if pd.isna(plain) or arm == 'plain loop' else float(m.test_top1 - plain))
    rows.table(); summary.table()
    (out/f'bench-{a.budget}-{a.size.replace(",", "-")}.json').write_text(json.dumps(dict(rows=rows, summary=summary, args=vars(a)), indent=2, default=str))

if __name__ == '__main__': main()
