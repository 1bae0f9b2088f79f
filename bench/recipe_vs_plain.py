"""The default recipe against the reference plain PyTorch + timm loop, at one budget, in one command.

    python bench/recipe_vs_plain.py DATA --epochs 6 [--size 224] [--plain ../shared/bench/plain_timm.py]
                                         [--out runs/vs-plain] [--only recipe|plain] [-- EXTRA RECIPE FLAGS]

Runs, one after the other on the same machine:
- the recipe: `cars_fgvc_train DATA --epochs N --sizes SIZE` with its defaults (fit on train with a validation
  split, refit on train+valid with the same schedule, one test scoring with and without TTA), plus any flags
  after `--` (for ablations); resumed if its run folder exists;
- the plain loop `plain_timm.py DATA --size SIZE --epochs N` (its own defaults: batch 32, AdamW at 2e-3, one
  cycle, label smoothing 0.1, random-resized crop, flip, colour jitter, channels-last), which trains on all the
  training images, as the recipe's refit does, and scores the test set once.

Both fine-tune `tf_efficientnet_lite0` from the same offline ImageNet weights for N passes at the same final
size and batch size. Prints a Markdown table (valid and test top-1, test top-1 with TTA, test top-5, training
images/s, wall seconds) and the recipe/plain speed ratio, and saves it as OUT/bench-N-SIZE.json.

--plain-kept adds a second plain run with glibc told through the environment to keep freed memory
(MALLOC_MMAP_MAX_=0, MALLOC_TRIM_THRESHOLD_), what the recipe's `keep_freed_memory` does on a CPU, so the table
shows how much of the speed difference is that setting.
"""
import argparse, json, os, subprocess, sys, time
from pathlib import Path
import pandas as pd

def run_recipe(data, n, size, out, extra):
    "Train the recipe into `out` (resuming it if it exists); (results, log, wall seconds)"
    cmd = ['cars_fgvc_train', data, '--epochs', str(n), '--sizes', str(size), '--out', str(out), '--no-report', *extra]
    if (out/'config.json').exists(): cmd.append('--resume')
    print(' '.join(cmd), file=sys.stderr, flush=True)
    t0 = time.time()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return json.loads((out/'results.json').read_text()),pd.read_csv(out/'log.csv'),time.time() - t0

KEPT = dict(MALLOC_MMAP_MAX_='0', MALLOC_TRIM_THRESHOLD_=str(2**31 - 1))

def run_plain(script, data, n, size, env=None):
    "Run the plain loop (with `env` added to the environment); (its JSON line, wall seconds)"
    cmd = [sys.executable, script, data, '--size', str(size), '--epochs', str(n)]
    print(' '.join([*(f'{k}={v}' for k,v in (env or {}).items()), *cmd]), file=sys.stderr, flush=True)
    t0 = time.time()
    p = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True, env={**os.environ, **(env or {})})
    return json.loads(p.stdout.strip().splitlines()[-1]),time.time() - t0

def fmt(v): return '' if v is None else f'{v:.3f}' if isinstance(v, float) else str(v)

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('data'); p.add_argument('--epochs', type=int, default=6); p.add_argument('--size', type=int, default=224)
    p.add_argument('--plain', default=str(Path(__file__).resolve().parents[2]/'shared/bench/plain_timm.py'))
    p.add_argument('--out', default='runs/vs-plain'); p.add_argument('--only', choices=['recipe', 'plain'])
    p.add_argument('--name', default='recipe', help='run folder name under OUT for the recipe (for ablations)')
    p.add_argument('--plain-kept', action='store_true', help='also run the plain loop with freed memory kept (MALLOC_ variables)')
    p.add_argument('extra', nargs='*', help='flags for cars_fgvc_train after --')
    a = p.parse_args()
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    rows,rec_ips,pl_ips = [],None,None
    if a.only != 'plain':
        res,log,wall = run_recipe(a.data, a.epochs, a.size, out/f'{a.name}-{a.epochs}-{a.size}', a.extra)
        at = log[log['size'] == a.size]
        rec_ips = float(at.images.sum()/at.train_seconds.sum())
        rows.append(dict(run=f'recipe ({a.name})', valid_top1=res['valid_top1'], test_top1=res['test_top1'], test_top1_tta=res.get('test_top1_tta'),
                         test_top5=res['test_top5'], train_img_per_s=round(rec_ips, 1), wall_s=round(wall)))
    if a.only != 'recipe':
        pl,wall = run_plain(a.plain, a.data, a.epochs, a.size)
        pl_ips = pl['train_img_s']
        rows.append(dict(run='plain loop', valid_top1=None, test_top1=pl['top1'], test_top1_tta=None, test_top5=None,
                         train_img_per_s=pl_ips, wall_s=round(wall)))
        if a.plain_kept:
            pk,wall = run_plain(a.plain, a.data, a.epochs, a.size, KEPT)
            rows.append(dict(run='plain loop, freed memory kept', valid_top1=None, test_top1=pk['top1'], test_top1_tta=None, test_top5=None,
                             train_img_per_s=pk['train_img_s'], wall_s=round(wall)))
    print(f'\n{a.epochs} epochs at {a.size} px on {a.data}\n')
    print('| ' + ' | '.join(rows[0]) + ' |'); print('|' + '---|'*len(rows[0]))
    for r in rows: print('| ' + ' | '.join(fmt(v) for v in r.values()) + ' |')
    if rec_ips and pl_ips: print(f'\nspeed ratio recipe/plain: {rec_ips/pl_ips:.2f}')
    if rec_ips and a.plain_kept and a.only != 'recipe': print(f'speed ratio recipe/plain with freed memory kept: {rec_ips/rows[-1]["train_img_per_s"]:.2f}')
    (out/f'bench-{a.name}-{a.epochs}-{a.size}.json').write_text(json.dumps(dict(rows=rows, args=vars(a)), indent=2))
