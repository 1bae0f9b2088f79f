"Package metadata for cars-fgvc; every value lives in settings.ini (edit there)."
import shlex
from configparser import ConfigParser
from pathlib import Path
import setuptools

cfg = ConfigParser(delimiters=['='])
cfg.read('settings.ini', encoding='utf-8')
cfg = cfg['DEFAULT']
lines = lambda key: shlex.split(cfg.get(key, ''))
track = {k: lines(f'{k}_requirements') for k in ('tensorboard', 'wandb')}   # optional trackers (--log)
extras = {k: lines(f'{k}_requirements') for k in ('app', 'export', 'heic')}   # the web demo; ONNX export and its runtime; iPhone photos

setuptools.setup(
    name=cfg['lib_name'], version=cfg['version'], description=cfg['description'],
    keywords=cfg['keywords'], author=cfg['author'], author_email=cfg['author_email'],
    url=cfg['git_url'], license='Apache Software License 2.0',
    classifiers=['Development Status :: 3 - Alpha', 'Intended Audience :: Science/Research',
                 'License :: OSI Approved :: Apache Software License',
                 'Programming Language :: Python :: 3', 'Topic :: Scientific/Engineering :: Image Recognition'],
    packages=setuptools.find_packages(include=[cfg['lib_path'], cfg['lib_path'] + '.*']),
    include_package_data=True, zip_safe=False, package_data={cfg['lib_path']: ['assets/*']},
    install_requires=lines('requirements'), extras_require={'dev': lines('dev_requirements'), **track, 'track': sum(track.values(), []), **extras},
    python_requires='>=' + cfg['min_python'],
    long_description=Path('README.md').read_text(encoding='utf-8'), long_description_content_type='text/markdown',
    entry_points={'console_scripts': cfg.get('console_scripts', '').split(),
                  'nbdev': [f"{cfg['lib_path']}={cfg['lib_path']}._modidx:d"]})
