# Kilowatt: a thin wrapper around CMake and the scripts in scripts/.
#   make run     install dependencies (Debian 12), build, start a local demo (scripts/run.sh)
#   make test    install dependencies, build, run every test (scripts/test.sh)
#   make build   configure (once) and build into $(BUILD_DIR); build the web apps into web/*/dist
#   make deps    install the Debian packages (scripts/deps.sh)
#   make bench   Release build in build-bench/, then the benchmarks (bench/run.py; bench/README.md)
#   make faults  the fault suite (bench/faults.py; bench/README.md, "Faults"); N chargers (default 500)
#   make clean   remove $(BUILD_DIR)
# Variables: BUILD_DIR (build), BUILD_TYPE (RelWithDebInfo); for bench: S (scenarios, e.g. ingest or
# connect,api), N (chargers, default 10000), DB (sqlite or mariadb); for faults: N, F (faults), OCPP
# (the OCPP share), OCPP_VERSION (ocpp1.6 or ocpp2.0.1).

BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
export BUILD_DIR BUILD_TYPE

# ccache: keep object files reusable from another checkout of the repository (a CI clone in a new
# folder hits the cache filled by an earlier build).
export CCACHE_BASEDIR ?= $(CURDIR)
export CCACHE_NOHASHDIR ?= true

# The steps of `run` and `test` happen in order even under `make -j`.
.NOTPARALLEL:
.PHONY: all deps configure build run test bench faults clean

all: build

deps:
	bash scripts/deps.sh

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

configure: $(BUILD_DIR)/build.ninja

build: configure
	ninja -C $(BUILD_DIR)
	bash scripts/web.sh

run: deps build
	bash scripts/run.sh

test: deps build
	bash scripts/test.sh

# Benchmarks are not tests: `make test` runs only their smoke run (ctest BenchSmoke).
# Debian's python3 (python3-matplotlib draws the plots), not one earlier on PATH.
BENCH_PYTHON ?= /usr/bin/python3
BENCH_ARGS = $(if $(S),-s $(S)) $(if $(N),-n $(N)) $(if $(DB),--db $(DB))
bench: deps
	cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release
	ninja -C build-bench kilowatt kilowatt-sim kilowatt-ocpp kw-bench-mqtt-count kw-bench-mqtt-flood kw-bench-ws-latency kw-bench-ocpp-load
	$(BENCH_PYTHON) bench/run.py --build-dir build-bench $(BENCH_ARGS)

# The fault suite: kills and restarts every part under load and checks that no money is lost
# (docs/reliability.md). Not yet in `make test`: its smoke run still finds open bugs.
FAULT_ARGS = $(if $(N),-n $(N)) $(if $(F),--faults $(F)) $(if $(OCPP),--ocpp-share $(OCPP)) $(if $(OCPP_VERSION),--ocpp-version $(OCPP_VERSION))
faults: deps build
	$(BENCH_PYTHON) bench/faults.py --build-dir $(BUILD_DIR) $(FAULT_ARGS)

clean:
	rm -rf $(BUILD_DIR)
