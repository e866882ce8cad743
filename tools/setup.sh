#!/usr/bin/env bash
# Installs what tempo's main job and its tests need and a fresh Debian/Ubuntu machine lacks; each
# step is skipped when its tool is already there, so running it twice costs seconds:
#   - Deno 2, from the npm registry (`npm install -g deno`);
#   - a WebGPU adapter: when Deno finds none, Mesa's software Vulkan driver (lavapipe);
#   - Fashion-MNIST (Debian's dataset-fashion-mnist, in /usr/share/datasets/fashion-mnist);
#   - Chromium, for tests/browser_test.ts (Debian's chromium, driven by playwright-core from npm);
#   - Jupyter's executor and Deno's Jupyter kernel, for the notebook test.
# Fails (never skips) when something is still missing after its install. It needs npm, apt-get and
# root or sudo. README's two commands and .ci/run both start with it.
set -euo pipefail
cd "$(dirname "$0")/.."

export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
updated=0
apt_install() {
  if [ "$updated" = 0 ]; then
    as_root apt-get update -q
    updated=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"
}

if ! command -v deno >/dev/null 2>&1; then
  echo "setup: installing Deno from the npm registry"
  npm install -g deno
fi
deno --version | head -1

has_adapter() {
  deno eval 'const a = await navigator.gpu?.requestAdapter(); console.log(a ? `setup: WebGPU adapter ${a.info.description || a.info.vendor}` : "setup: no WebGPU adapter"); Deno.exit(a ? 0 : 1)'
}
if ! has_adapter; then
  echo "setup: installing Mesa's Vulkan drivers (lavapipe)"
  apt_install mesa-vulkan-drivers
  has_adapter || { echo "setup: still no WebGPU adapter: GPU code cannot run, failing"; exit 1; }
fi

if [ ! -d /usr/share/datasets/fashion-mnist ]; then
  echo "setup: installing Fashion-MNIST"
  apt_install dataset-fashion-mnist
fi

if ! command -v chromium >/dev/null 2>&1; then
  echo "setup: installing Chromium for the browser tests"
  apt_install chromium
fi
chromium --version || { echo "setup: no chromium: the browser tests cannot run, failing"; exit 1; }
deno cache tests/browser_test.ts

has_jupyter() { /usr/bin/python3 -m nbconvert --version >/dev/null 2>&1; }
if ! has_jupyter; then
  echo "setup: installing Jupyter's executor (nbconvert, nbclient)"
  apt_install jupyter-client python3-nbconvert python3-nbclient
  has_jupyter || { echo "setup: still no 'python3 -m nbconvert', failing"; exit 1; }
fi
has_kernel() {
  /usr/bin/python3 -c "from jupyter_client.kernelspec import KernelSpecManager as K; K().get_kernel_spec('deno')" \
    >/dev/null 2>&1
}
if ! has_kernel; then
  echo "setup: registering Deno's Jupyter kernel"
  deno jupyter --install
  has_kernel || { echo "setup: Deno's Jupyter kernel is not registered, failing"; exit 1; }
fi
echo "setup: ready"
