"""Wall time of the same training run as one process and as two data-parallel processes (torchrun, gloo) on this machine's CPUs.

    python bench/processes.py [DATA] [--arch tf_efficientnet_lite0] [--size 96] [--epochs 0,2] [--bs 32] [--repeats 1]

Without DATA a synthetic dataset is made (cars_fgvc_synth: 6 classes, 40 training and 5 test images each).
Both runs train the same schedule with the same effective batch: one process with `--bs` images a step and
all cores for its PyTorch threads, against two processes with `--bs`/2 images each and the cores split between
them (one PyTorch thread each on 2 cores). Each prints the whole command's wall time (start-up, data check,
training, refit, test scoring), the training seconds from log.csv, and the test top-1; then the ratio.
Runs alternate (1, 2, 1, 2, ...) with --repeats, so drift of the machine hits both alike. Prints a row per run, then
one with the ratios of the means, two processes over one (JSON lines, then markdown tables).
"""
import os, subprocess, tempfile
from pathlib import Path
from cars_fgvc.run import Run
from common import Rows, parser, run

def outcome(out, wall)->dict:
    "What the run in `out` took and scored, given its `wall` seconds"
    r = Run(out); log = r.log()
    return dict(processes=int(log.processes.iloc[0]), wall_s=round(wall, 1), train_s=round(float(log.train_seconds.sum()), 1),
                test_top1=r.results()['test_top1'])

def main():
    ap = parser(__doc__)
    ap.add_argument('data', nargs='?'); ap.add_argument('--arch', default='tf_efficientnet_lite0')
    ap.add_argument('--size', type=int, default=96); ap.add_argument('--epochs', default='0,2')
    ap.add_argument('--bs', type=int, default=32); ap.add_argument('--repeats', type=int, default=1)
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp())
    data = a.data or tmp/'cars'
    if not a.data: subprocess.run(['cars_fgvc_synth', str(data), '--n-classes', '6', '--n-train', '40', '--n-test', '5'], check=True, capture_output=True)
    cores = os.cpu_count()
    common = [data, '--arch', a.arch, '--sizes', a.size, '--epochs', a.epochs, '--lr', '2e-3', '--num-workers', 0, '--no-report', '--no-tta']
    rows = Rows(data=str(data), arch=a.arch, size=a.size, epochs=a.epochs, bs=a.bs, cores=cores)
    for i in range(a.repeats):
        out1,out2 = tmp/f'one-{i}',tmp/f'two-{i}'
        _,w1 = run(['cars_fgvc_train', *common, '--bs', a.bs, '--out', out1], {'OMP_NUM_THREADS': cores})
        rows.add(repeat=i + 1, **outcome(out1, w1))
        _,w2 = run(['torchrun', '--standalone', '--nproc_per_node', 2, '-m', 'cars_fgvc.train', *common, '--bs', a.bs//2, '--out', out2],
                   {'OMP_NUM_THREADS': max(1, cores//2)})
        rows.add(repeat=i + 1, **outcome(out2, w2))
    mean = lambda n, k: sum(r[k] for r in rows if r['processes'] == n)/a.repeats
    rows.add(wall_ratio_two_over_one=round(mean(2, 'wall_s')/mean(1, 'wall_s'), 2), train_ratio_two_over_one=round(mean(2, 'train_s')/mean(1, 'train_s'), 2))
    rows.table()

if __name__ == '__main__': main()
