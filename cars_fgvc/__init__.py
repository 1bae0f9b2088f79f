__version__ = "0.1.0"

import warnings
# PyTorch deprecates `torch.jit.script`, which libraries the package imports still call while they load: not the user's concern
warnings.filterwarnings('ignore', message='`torch.jit.script` is deprecated', category=FutureWarning)
