"""One variant of the training recipe on a devkit-layout folder, to see which choice moves validation accuracy.

    python bench/recipe_ablation.py DATA NAME [--out runs/ablation] [recipe flags of cars_fgvc_train, e.g.
                                    --epochs 6 --sizes 224 --lr 2e-3 --lr-mult 10 --head fastai --aug fastai --loss ce]

The recipe flags are `Recipe`'s, with its current defaults (`--help` lists them), but for --refit and --tta: the variant
trains with `train_cars` without refit or TTA into OUT/NAME. Prints one row (a JSON line, then a markdown table): the
settings that differ from the defaults, the validation top-1 and top-5 of the best epoch and of the last one, and the
seconds.
"""
from fastcore.all import delegates
from cars_fgvc.core import cars_cli, cli_errors
from cars_fgvc.recipe import Recipe
from cars_fgvc.train import train_cars
from common import Rows, progress_to_stderr, timer

def flags(r:Recipe, base:Recipe)->str:
    "The `cars_fgvc_train` flags that change `base` to `r`"
    def flag(k, v):
        k = k.replace('_', '-')
        if isinstance(v, bool): return f'--{k}' if v else f'--no-{k}'
        return f'--{k} ' + (','.join(map(str, v)) if isinstance(v, tuple) else str(v))
    d = base.dict()
    return ' '.join(flag(k, v) for k,v in r.dict().items() if v != d[k])

FIXED = dict(refit=False, tta=False)   # every variant: the validation split decides, the test set stays out

@cars_cli(usage='python bench/recipe_ablation.py DATA NAME [--out runs/ablation] [recipe flags]')
@delegates(Recipe, but=list(FIXED))
def recipe_ablation(data:str,                 # dataset folder
                    name:str,                 # the variant's name, its run folder under --out
                    out:str='runs/ablation',  # folder of the variants' run folders
                    **kwargs):
    """Train one variant of the recipe (the flags below, defaults as cars_fgvc_train's) without refit or TTA into OUT/NAME
and print its validation top-1 (a JSON line, then a markdown table)."""
    with cli_errors():
        r = Recipe(**kwargs, **FIXED)
        with progress_to_stderr(), timer() as t: res = train_cars(data, f'{out}/{name}', r, report=False)
    rows = Rows(data=data)
    rows.add(name=name, flags=flags(r, Recipe(**FIXED)), valid_top1=round(res['valid_top1'], 4), valid_top5=round(res['valid_top5'], 4),
             valid_top1_last=round(res['valid_top1_last'], 4), train_s=res['train_seconds'], wall_s=round(t.s), log=f'{out}/{name}/log.csv')
    rows.table()

if __name__ == '__main__': recipe_ablation()
