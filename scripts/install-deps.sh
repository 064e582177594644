#!/usr/bin/env bash
# Installs what onco needs on a fresh Debian machine. Idempotent: installs only what is missing.
#   scripts/install-deps.sh demo   # build + run: htslib, zlib, sqlite
#   scripts/install-deps.sh test   # + the cross-check tools and services the tests use
#   scripts/install-deps.sh slurm  # + a one-node Slurm cluster with accounting (scripts/slurm-local.sh)
set -euo pipefail
mode="${1:-demo}"

apt_pkgs=(libhts-dev zlib1g-dev libsqlite3-dev pkg-config)
pip_pkgs=()
if [[ "$mode" == "test" || "$mode" == "bench" || "$mode" == "slurm" ]]; then
  apt_pkgs+=(bcftools samtools tabix postgresql chromium fonts-dejavu-core python3-pip r-cran-survival r-cran-cmprsk)
  pip_pkgs+=(snakemake)
fi
if [[ "$mode" == "slurm" ]]; then
  apt_pkgs+=(slurm-wlm slurmdbd munge mariadb-server iproute2)
  pip_pkgs+=(snakemake-executor-plugin-slurm)
fi
if [[ "$mode" == "bench" ]]; then
  apt_pkgs+=(r-cran-survival r-cran-jsonlite hyperfine)
  pip_pkgs+=(cyvcf2 lifelines faiss-cpu numpy)
fi

missing=()
for p in "${apt_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: apt-get install ${missing[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  stamp=/var/lib/apt/periodic/onco-apt-updated
  if [[ ! -e "$stamp" ]] || [[ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' 2>/dev/null | head -1)" ]]; then
    $SUDO apt-get update -qq
    $SUDO mkdir -p "$(dirname "$stamp")" && $SUDO touch "$stamp" || true
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ((${#pip_pkgs[@]})); then
  need=()
  for p in "${pip_pkgs[@]}"; do
    python3 -m pip show -q "$p" >/dev/null 2>&1 || need+=("$p")
  done
  if ((${#need[@]})); then
    echo "install-deps: pip install ${need[*]}"
    python3 -m pip install -q --disable-pip-version-check "${need[@]}"
  fi
fi

command -v swift >/dev/null || { echo "install-deps: swift is not on PATH (expected /opt/swift/usr/bin)"; exit 1; }
