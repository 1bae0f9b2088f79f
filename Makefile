# cars-fgvc: common tasks. Variables: DATA_DIR (data directory), ARCHIVES (local copies of the downloads).
SHELL := /bin/bash
.PHONY: install test sync readme data demo train bench-feed bench-processes bench-train real-outputs clean

install:  ## editable install with the notebook tools
	pip install -e ".[dev]"

test:  ## run every notebook's tests on CPU, then check notebooks and library are in sync, and the library's structure rules
	bash .ci/test
	bash .ci/check_sync
	python .ci/check_structure.py

sync:  ## export the library, clean the notebooks and rebuild README.md from nbs/index.ipynb
	nbdev_export && nbdev_clean && python .ci/readme.py

readme:
	python .ci/readme.py

data:  ## download, verify and extract Stanford Cars (DATA_DIR=..., ARCHIVES="a.tgz b.tgz")
	cars_fgvc_download $(if $(DATA_DIR),--dest "$(DATA_DIR)") $(if $(ARCHIVES),--archive "$(ARCHIVES)")

# OpenMP threads that spin while they wait crawl when other work shares the cores (the demo took 221 s instead of 105 s next to
# another PyTorch job on 2 cores); PASSIVE makes them sleep
demo: export OMP_WAIT_POLICY ?= PASSIVE
demo:  ## a first run on synthetic data in demo/, about 1.5 min on 2 CPU cores: train, evaluate, predict, report
	rm -rf demo
	cars_fgvc_synth demo/cars --n-classes 6 --n-train 30 --n-test 10
	cars_fgvc_info demo/cars
	cars_fgvc_train demo/cars --out demo/run --sizes 64,96 --epochs 6 --bs 16 --num-workers 0
	cars_fgvc_evaluate demo/cars --model demo/run
	cars_fgvc_predict demo/cars --split test --model demo/run --out demo/predictions-test.csv --submission demo/submission.txt
	@echo
	@echo "make demo is done. Outputs:"
	@echo "  demo/cars/                  the synthetic dataset: 6 classes, 30 training and 10 test images each, devkit layout"
	@echo "  demo/run/                   the run folder: config.json, log.csv, loss.png, models/, export.pkl"
	@echo "  demo/run/results.json       the run's validation and test scores"
	@echo "  demo/run/metrics-test.json  cars_fgvc_evaluate: top-1, top-5, macro-F1, per class and per make, with and without TTA"
	@echo "  demo/predictions-test.csv   cars_fgvc_predict: the top-5 classes and probabilities of each test image, its label, correct"
	@echo "  demo/submission.txt         the devkit submission file, one class id per test image"
	@echo "  demo/run/report.html        the report: curves, per-class accuracy, confusions, top losses, Grad-CAM (open it in a browser)"
	@python -c 'import json; r = json.load(open("demo/run/results.json")); print("test top-1 {test_top1:.3f} (with TTA {test_top1_tta:.3f}), top-5 {test_top5:.3f}, on {n_test} images of {n_classes} classes (chance {c:.3f})".format(c=1/r["n_classes"], **r))'

train:  ## the full recipe: DATA=... ARCH=... OUT=... (more flags in ARGS="--sizes 224,299,448 --epochs 30")
	cars_fgvc_train "$(or $(DATA),$(DATA_DIR),$(CARS_FGVC_DATA),$(HOME)/.cars_fgvc/data)" --arch $(or $(ARCH),tf_efficientnet_lite0) --out "$(or $(OUT),runs/$(or $(ARCH),tf_efficientnet_lite0))" $(ARGS)

bench-feed:  ## items/s per loader process from photos, JPEG cache and array cache, photos enlarged to 700 px (BENCH_DATA=...)
	python bench/feed_rate.py $(or $(BENCH_DATA),../shared/data/cars-real-98) --upscale 700

bench-processes:  ## wall time of one training process against two data-parallel ones (torchrun, gloo) on this machine's CPUs
	python bench/processes.py --size 160 --epochs 0,3 --repeats 2

real-outputs:  ## run notebooks' #| slow cells on the real data (CARS_FGVC_DATA or DATA_DIR=...) and keep their outputs (NBS="nbs/01d_dataset.ipynb ...", default: every notebook with slow cells)
	$(if $(DATA_DIR),CARS_FGVC_DATA="$(DATA_DIR)") python .ci/keep_slow.py $(or $(NBS),$(shell grep -l '"#| slow' nbs/*.ipynb))

clean:
	rm -rf demo _docs _proc
