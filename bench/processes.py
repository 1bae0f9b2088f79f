"""Wall time of the same training run as one process and as two data-parallel processes (torchrun, gloo) on this machine's CPUs.

    python bench/processes.py [DATA] [--arch tf_efficientnet_lite0] [--size 96] [--epochs 0,2] [--bs 32] [--repeats 1]

Without DATA a synthetic dataset is made (cars_fgvc_synth: 6 classes, 40 training and 5 test images each).
Both runs train the same schedule with the same effective batch: one process with `--bs` images a step and
all cores for its PyTorch threads, against two processes with `--bs`/2 images each and the cores split between
them (one PyTorch thread each on 2 cores). Each prints the whole command's wall time (start-up, data check,
training, refit, test scoring), the training seconds from log.csv, and the test top-1; then the ratio.
Runs alternate (1, 2, 1, 2, ...) with --repeats, so drift of the machine hits both alike. Prints one JSON line.
"""
import argparse, json, os, subprocess, sys, tempfile, time
from pathlib import Path
import pandas as pd

def run(cmd, env):
    "Run `cmd` with `env` added; its wall seconds (fails loudly)"
    t = time.perf_counter()
    p = subprocess.run([str(o) for o in cmd], capture_output=True, text=True, env={**os.environ, **env})
    if p.returncode: sys.exit(f'failed: {" ".join(map(str, cmd))}\n{p.stderr[-3000:]}')
    return time.perf_counter() - t

def outcome(out, wall)->dict:
    log,res = pd.read_csv(out/'log.csv'),json.loads((out/'results.json').read_text())
    return dict(wall_seconds=round(wall, 1), train_seconds=round(float(log.train_seconds.sum()), 1),
                processes=int(log.processes.iloc[0]), test_top1=res['test_top1'])

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('data', nargs='?'); ap.add_argument('--arch', default='tf_efficientnet_lite0')
    ap.add_argument('--size', type=int, default=96); ap.add_argument('--epochs', default='0,2')
    ap.add_argument('--bs', type=int, default=32); ap.add_argument('--repeats', type=int, default=1)
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp())
    data = a.data or tmp/'cars'
    if not a.data: subprocess.run(['cars_fgvc_synth', str(data), '--n-classes', '6', '--n-train', '40', '--n-test', '5'], check=True, capture_output=True)
    cores = os.cpu_count()
    common = [data, '--arch', a.arch, '--sizes', a.size, '--epochs', a.epochs, '--lr', '2e-3', '--num-workers', 0, '--no-report', '--no-tta']
    rows = []
    for i in range(a.repeats):
        out1,out2 = tmp/f'one-{i}',tmp/f'two-{i}'
        w1 = run(['cars_fgvc_train', *common, '--bs', a.bs, '--out', out1], {'OMP_NUM_THREADS': str(cores)})
        w2 = run(['torchrun', '--standalone', '--nproc_per_node', 2, '-m', 'cars_fgvc.train', *common, '--bs', a.bs//2, '--out', out2],
                 {'OMP_NUM_THREADS': str(max(1, cores//2))})
        rows.append(dict(one=outcome(out1, w1), two=outcome(out2, w2)))
    mean = lambda k, w: sum(r[k][w] for r in rows)/len(rows)
    print(json.dumps(dict(arch=a.arch, size=a.size, epochs=a.epochs, bs=a.bs, cores=cores, runs=rows,
                          wall_ratio_two_over_one=round(mean('two', 'wall_seconds')/mean('one', 'wall_seconds'), 2),
                          train_ratio_two_over_one=round(mean('two', 'train_seconds')/mean('one', 'train_seconds'), 2))))

if __name__ == '__main__': main()
