"""Cost of one optimizer step: fastai's `Adam` against the library's `MultiTensorAdam`, on a real model's parameters.

    python bench/optimizer_step.py [--arch tf_efficientnet_lite0] [--steps 50] [--device cpu|cuda]

Both optimizers get the learner's three parameter groups (fastai's no-decay marks on BatchNorm and biases included)
and random gradients. Printed per step: wall time (CUDA-synchronised on a GPU) and the number of PyTorch operators
called from Python, which on a GPU is the number of kernels the host must launch before the next forward pass can start:
a row per optimizer (JSON lines, then a markdown table).
"""
import time
import torch
from torch.profiler import profile, ProfilerActivity
from fastai.vision.all import Adam, Learner, nn
from cars_fgvc.learner import MultiTensorAdam, timm_splitter
from fastai.vision.learner import create_timm_model
from common import Rows, parser

def make(opt_func, model):
    learn = Learner(None, model, loss_func=nn.CrossEntropyLoss(), opt_func=opt_func, splitter=timm_splitter(), lr=1e-3, wd=0.01)
    learn.create_opt()
    for p in model.parameters(): p.grad = torch.randn_like(p)
    return learn.opt

def ops_per_step(opt):
    "PyTorch operators called from Python in one step (top level: a multi-tensor op counts once, not per tensor)"
    with profile(activities=[ProfilerActivity.CPU]) as prof: opt.step()
    return sum(1 for e in prof.events() if e.name.startswith('aten::') and e.cpu_parent is None)

def ms_per_step(opt, steps, device):
    sync = torch.cuda.synchronize if device == 'cuda' else (lambda: None)
    for _ in range(3): opt.step()
    sync(); t0 = time.perf_counter()
    for _ in range(steps): opt.step()
    sync()
    return (time.perf_counter() - t0)/steps*1000

if __name__ == '__main__':
    p = parser(__doc__)
    p.add_argument('--arch', default='tf_efficientnet_lite0'); p.add_argument('--steps', type=int, default=50)
    p.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    a = p.parse_args()
    model = create_timm_model(a.arch, 196, pretrained=False)[0].to(a.device)
    rows = Rows(arch=a.arch, n_classes=196, parameter_tensors=sum(1 for _ in model.parameters()),
                m_parameters=round(sum(p.numel() for p in model.parameters())/1e6, 1), steps=a.steps,
                device=torch.cuda.get_device_name() if a.device == 'cuda' else f'cpu ({torch.get_num_threads()} threads)')
    for name,f in [('fastai Adam', Adam), ('MultiTensorAdam', MultiTensorAdam)]:
        opt = make(f, model)
        rows.add(optimizer=name, ms_per_step=round(ms_per_step(opt, a.steps, a.device), 1), operator_calls_per_step=ops_per_step(opt))
    rows.table()
