# cars-fgvc: common tasks. Variables: DATA_DIR (data directory), ARCHIVES (local copies of the downloads).
SHELL := /bin/bash
.PHONY: install test sync readme data demo bench-cache clean

install:  ## editable install with the notebook tools
	pip install -e ".[dev]"

test:  ## run every notebook's tests on CPU, then check notebooks and library are in sync
	bash .ci/test
	bash .ci/check_sync

sync:  ## export the library, clean the notebooks and rebuild README.md from nbs/index.ipynb
	nbdev_export && nbdev_clean && python .ci/readme.py

readme:
	python .ci/readme.py

data:  ## download, verify and extract Stanford Cars (DATA_DIR=..., ARCHIVES="a.tgz b.tgz")
	cars_fgvc_download $(if $(DATA_DIR),--dest "$(DATA_DIR)") $(if $(ARCHIVES),--archive "$(ARCHIVES)")

demo:  ## the pipeline end to end on a synthetic dataset in demo/
	rm -rf demo && cars_fgvc_synth demo/cars && cars_fgvc_info demo/cars && cars_fgvc_cache demo/cars --size 96 --dest demo/cache

bench-cache:  ## image-cache speed-up on a devkit-layout folder (BENCH_DATA=...)
	python bench/cache_speed.py $(or $(BENCH_DATA),../shared/data/cars-real-98)

clean:
	rm -rf demo _docs _proc
