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
size and batch size. Prints a row per run (JSON lines, then a markdown table: valid and test top-1, test top-1 with TTA,
test top-5, training images/s, wall seconds, and for a plain run the recipe's speed over its own) and saves the rows as
OUT/bench-NAME-N-SIZE.json.

--plain-kept adds a second plain run with glibc told through the environment to keep freed memory
(MALLOC_MMAP_MAX_=0, MALLOC_TRIM_THRESHOLD_), what the recipe's `keep_freed_memory` does on a CPU, so the table
shows how much of the speed difference is that setting.
"""
import json, sys
from pathlib import Path
from cars_fgvc.run import Run
from common import Rows, parser, json_rows, run

def run_recipe(data, n, size, out, extra):
    "Train the recipe into `out` (resuming it if it exists); (results, log, wall seconds)"
    cmd = ['cars_fgvc_train', data, '--epochs', n, '--sizes', size, '--out', out, '--no-report', *extra]
    _,wall = run(cmd + ['--resume'] if Run(out).exists else cmd)
    return Run(out).results(),Run(out).log(),wall

KEPT = dict(MALLOC_MMAP_MAX_='0', MALLOC_TRIM_THRESHOLD_=str(2**31 - 1))

def run_plain(script, data, n, size, env=None):
    "Run the plain loop (with `env` added to the environment); (its JSON line, wall seconds)"
    text,wall = run([sys.executable, script, data, '--size', size, '--epochs', n], env)
    return json_rows(text)[-1],wall

if __name__ == '__main__':
    p = parser(__doc__)
    p.add_argument('data'); p.add_argument('--epochs', type=int, default=6); p.add_argument('--size', type=int, default=224)
    p.add_argument('--plain', default=str(Path(__file__).resolve().parents[2]/'shared/bench/plain_timm.py'))
    p.add_argument('--out', default='runs/vs-plain'); p.add_argument('--only', choices=['recipe', 'plain'])
    p.add_argument('--name', default='recipe', help='run folder name under OUT for the recipe (for ablations)')
    p.add_argument('--plain-kept', action='store_true', help='also run the plain loop with freed memory kept (MALLOC_ variables)')
    argv = sys.argv[1:]
    cut = argv.index('--') if '--' in argv else len(argv)   # the flags after -- go to cars_fgvc_train
    a,extra = p.parse_args(argv[:cut]),argv[cut + 1:]
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    rows,rec_ips = Rows(data=a.data, epochs=a.epochs, size=a.size),None
    if a.only != 'plain':
        res,log,wall = run_recipe(a.data, a.epochs, a.size, out/f'{a.name}-{a.epochs}-{a.size}', extra)
        at = log[log['size'] == a.size]
        rec_ips = float(at.images.sum()/at.train_seconds.sum())
        rows.add(run=f'recipe ({a.name})', valid_top1=res['valid_top1'], test_top1=res['test_top1'], test_top1_tta=res.get('test_top1_tta'),
                 test_top5=res['test_top5'], train_img_per_s=round(rec_ips, 1), wall_s=round(wall), recipe_speed_ratio=None)
    if a.only != 'recipe':
        for name,env in [('plain loop', None)] + [('plain loop, freed memory kept', KEPT)]*a.plain_kept:
            pl,wall = run_plain(a.plain, a.data, a.epochs, a.size, env)
            rows.add(run=name, valid_top1=None, test_top1=pl['top1'], test_top1_tta=None, test_top5=None, train_img_per_s=pl['train_img_s'],
                     wall_s=round(wall), recipe_speed_ratio=round(rec_ips/pl['train_img_s'], 2) if rec_ips else None)
    rows.table()
    (out/f'bench-{a.name}-{a.epochs}-{a.size}.json').write_text(json.dumps(dict(rows=rows, args=vars(a), extra=extra), indent=2))
