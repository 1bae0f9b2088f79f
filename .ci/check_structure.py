"""Fail if the library breaks its structure rules: a module over 300 lines (`_modidx.py` aside), a function body over 40 lines,
an import cycle among its modules (imports inside functions count), or a module importing another's `_private` names."""
import ast, sys
from pathlib import Path

lib = Path(__file__).resolve().parent.parent/'cars_fgvc'
mods = {f.stem: f for f in sorted(lib.glob('*.py')) if f.stem not in ('__init__', '_modidx')}
problems, graph = [], {m: set() for m in mods}

def local(node, mod):
    "The library module an import node names, if any"
    if isinstance(node, ast.ImportFrom):
        name = node.module or ''
        if node.level == 1: return name.split('.')[0] or None
        if name.startswith('cars_fgvc.'): return name.split('.')[1]
    return None

for m,f in mods.items():
    src = f.read_text()
    tree = ast.parse(src)
    if (n := len(src.splitlines())) > 300: problems.append(f'{f.name}: {n} lines (at most 300)')
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body[1:] if ast.get_docstring(node) else node.body
            if body and (n := body[-1].end_lineno - body[0].lineno + 1) > 40: problems.append(f'{f.name}:{node.lineno} {node.name}: body of {n} lines (at most 40)')
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith('cars_fgvc.'): graph[m].add(a.name.split('.')[1])
        if isinstance(node, ast.ImportFrom) and (node.level == 1 and not node.module or node.module == 'cars_fgvc'):
            graph[m].update(a.name for a in node.names if a.name in mods)   # from . import x, from cars_fgvc import x
        if (dep := local(node, m)) and dep in mods:
            graph[m].add(dep)
            for a in node.names:
                if a.name.startswith('_'): problems.append(f'{f.name}:{node.lineno} imports {dep}.{a.name}, a private name')

def cycle(start):
    "A path of imports from `start` back to itself, if there is one"
    stack = [(start, [start])]
    seen = set()
    while stack:
        m,path = stack.pop()
        for d in graph[m]:
            if d == start: return path + [d]
            if d not in seen: seen.add(d); stack.append((d, path + [d]))
for m in mods:
    if c := cycle(m): problems.append('import cycle: ' + ' -> '.join(c)); break

if problems: sys.exit('structure rules broken:\n  ' + '\n  '.join(problems))
print(f'structure: {len(mods)} modules, each at most 300 lines, functions at most 40 lines, no import cycle, no private imports')
