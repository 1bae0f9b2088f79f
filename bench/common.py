"""What the benches share: one output shape, timing, and running a command.

Every bench prints its results on stdout as one JSON object per line, a row each (with the settings all its rows share),
then the same rows as markdown tables (a new table wherever the columns change) under a line of those settings.
Progress and the commands a bench runs go to stderr.
"""
import argparse, contextlib, json, math, os, subprocess, sys, time
from itertools import groupby
from pathlib import Path

STDOUT = sys.stdout   # where the rows go, also while `progress_to_stderr` sends the rest to stderr

def progress_to_stderr():
    "A `with` block in which what else is printed (the library's progress bars and messages) goes to stderr"
    return contextlib.redirect_stdout(sys.stderr)

def parser(doc:str)->argparse.ArgumentParser:
    "A bench's argument parser, its help the module docstring `doc` as written"
    return argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)

def cell(v)->str:
    "`v` in a markdown table: None empty, whole numbers with thousands separators, other numbers to 3 decimals (3 digits below 1)"
    if v is None: return ''
    if isinstance(v, bool) or not isinstance(v, (int, float, dict, list, tuple)): return str(v).replace('|', r'\|')
    if isinstance(v, int): return f'{v:,}'
    if isinstance(v, float): return f'{v:.3g}' if abs(v) < 1 else f'{v:,.3f}'.rstrip('0').rstrip('.')
    return json.dumps(v, default=str)

def markdown(rows, fixed=None)->str:
    "`rows` (dicts) as markdown tables, one per run of rows with the same columns, under a line of the `fixed` settings"
    out = [', '.join(f'{k} {cell(v)}' for k,v in fixed.items() if v is not None)] if fixed else []
    for cols,g in groupby(rows, lambda r: tuple(r)):
        out += ['', '| ' + ' | '.join(cols) + ' |', '|' + '---|'*len(cols), *('| ' + ' | '.join(map(cell, r.values())) + ' |' for r in g)]
    return '\n'.join(out)

class Rows(list):
    "A bench's result rows: `add` prints each as one JSON line on stdout, with the `fixed` settings; `table` prints them all as markdown"
    def __init__(self, **fixed): super().__init__(); self.fixed = dict(bench=Path(sys.argv[0]).stem, **fixed)
    def add(self, **row)->dict:
        "Print `row` as a JSON line (NaN and infinities as null) and keep it"
        row = {k: None if isinstance(v, float) and not math.isfinite(v) else v for k,v in row.items()}
        self.append(row); print(json.dumps({**self.fixed, **row}, default=str), file=STDOUT, flush=True)
        return row
    def add_from(self, text:str):
        "Add the rows another bench printed in `text` (its stdout), without the settings it shares with these"
        for r in json_rows(text): self.add(**{k:v for k,v in r.items() if k not in self.fixed})
    def table(self): print('\n' + markdown(self, self.fixed), file=STDOUT, flush=True)

def json_rows(text:str)->list:
    "The JSON objects among the lines of `text` (what a bench or a tool printed)"
    return [json.loads(o) for o in text.splitlines() if o.startswith('{')]

def note(*args):
    "A progress message, on stderr"
    print(*args, file=sys.stderr, flush=True)

class timer:
    "Wall seconds of a `with` block, in `.s`"
    def __enter__(self): self.t0 = time.perf_counter(); return self
    def __exit__(self, *exc): self.s = time.perf_counter() - self.t0

def run(cmd, env=None)->tuple:
    "Run `cmd` (shown on stderr) with `env` added to the environment: (its stdout, wall seconds); the bench stops if it fails"
    cmd,env = [str(o) for o in cmd],{k:str(v) for k,v in (env or {}).items()}
    note('$ ' + ' '.join([*(f'{k}={v}' for k,v in env.items()), *cmd]))
    with timer() as t: p = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, env={**os.environ, **env})
    if p.returncode: sys.exit(f'failed with exit code {p.returncode}: {" ".join(cmd)}')
    return p.stdout,t.s
