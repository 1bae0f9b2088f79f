# cars-fgvc: common tasks. Variables: DATA_DIR (data directory), ARCHIVES (local copies of the downloads).
SHELL := /bin/bash
.PHONY: install test sync readme data demo train bench-cache bench-train clean

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

train:  ## the full recipe: DATA=... ARCH=... OUT=... (more flags in ARGS="--sizes 224,299,448 --epochs 5,15,10")
	cars_fgvc_train "$(or $(DATA),$(DATA_DIR),$(CARS_FGVC_DATA),$(HOME)/.cars_fgvc/data)" --arch $(or $(ARCH),tf_efficientnet_lite0) --out "$(or $(OUT),runs/$(or $(ARCH),tf_efficientnet_lite0))" $(ARGS)

bench-cache:  ## image-cache speed-up on a devkit-layout folder (BENCH_DATA=...)
	python bench/cache_speed.py $(or $(BENCH_DATA),../shared/data/cars-real-98)

clean:
	rm -rf demo _docs _proc
