#!/usr/bin/env bash
# Whole-command survival benchmark (issue #23): `onco survival cox` and `onco survival km` as a user runs
# them (read the CSV, fit, print), against R doing the same in one Rscript process (read.csv + coxph +
# summary; read.csv + survfit + print + summary). One run each, CPU time (user + sys) of the whole process.
# Usage: survival_cli.sh ONCO_BINARY DATA_DIR [OUT.md]
#   DATA_DIR holds cox1m.csv (bench_survival_gen.py 1000000 20251129) and km2m.csv
#   (bench_survival_gen.py 2000000 20251129 --cols time,event,x2); generated here when absent.
set -euo pipefail
cd "$(dirname "$0")/.."
ONCO=$1
DATA=$2
OUT=${3:-results/survival-cli.md}
mkdir -p "$DATA"
[[ -s "$DATA/cox1m.csv" ]] || nice -n 10 python3 scripts/bench_survival_gen.py 1000000 20251129 "$DATA/cox1m.csv"
[[ -s "$DATA/km2m.csv" ]] || nice -n 10 python3 scripts/bench_survival_gen.py 2000000 20251129 "$DATA/km2m.csv" --cols time,event,x2
COVS=x1,x2,x3,x4,x5,x6,x7,x8,x9,x10
RCOX="suppressMessages(library(survival)); d <- read.csv('$DATA/cox1m.csv'); print(summary(coxph(Surv(time, event) ~ x1+x2+x3+x4+x5+x6+x7+x8+x9+x10, data = d)))"
RKM="suppressMessages(library(survival)); d <- read.csv('$DATA/km2m.csv'); f <- survfit(Surv(time, event) ~ x2, data = d); print(f, rmean = 'common'); print(summary(f))"
declare -A WALL CPU
run() {  # name command...
  local t
  /usr/bin/time -o "$DATA/$1.time" -f "%e %U %S" "${@:2}" > "$DATA/$1.out" 2> "$DATA/$1.err"
  t=$(tail -1 "$DATA/$1.time")
  WALL[$1]=$(awk '{print $1}' <<< "$t")
  CPU[$1]=$(awk '{printf "%.2f", $2 + $3}' <<< "$t")
  echo "$1: wall ${WALL[$1]} s, cpu ${CPU[$1]} s"
}
run onco_cox "$ONCO" survival cox --input "$DATA/cox1m.csv" --covariates $COVS
run onco_cox_zph "$ONCO" survival cox --input "$DATA/cox1m.csv" --covariates $COVS --zph
run r_cox nice -n 10 Rscript -e "$RCOX"
run onco_km "$ONCO" survival km --input "$DATA/km2m.csv" --group x2
run r_km nice -n 10 Rscript -e "$RKM"
LOAD=$(uptime)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b / a }'; }
{
  echo "# Survival: whole CLI commands against R (issue #23)"
  echo
  echo "One run each, $(date -u +%Y-%m-%d), $(nproc) cores shared with other work; load: \`$LOAD\`."
  echo "$("$ONCO" --version 2>/dev/null | head -1 || true); $(Rscript --version 2>&1 | head -1); survival $(Rscript -e 'cat(as.character(packageVersion("survival")))')."
  echo
  echo "Data: \`scripts/bench_survival_gen.py\` (seed 20251129): cox1m.csv 1,000,000 rows × (time, event, x1..x10),"
  echo "$(du -m "$DATA/cox1m.csv" | cut -f1) MB; km2m.csv 2,000,000 rows × (time, event, x2), $(du -m "$DATA/km2m.csv" | cut -f1) MB."
  echo
  echo '```'
  echo "onco survival cox --input cox1m.csv --covariates $COVS          # the default: what summary(coxph) prints"
  echo "onco survival cox --input cox1m.csv --covariates $COVS --zph    # + cox.zph"
  echo "Rscript -e \"$RCOX\""
  echo "onco survival km --input km2m.csv --group x2"
  echo "Rscript -e \"$RKM\""
  echo '```'
  echo
  echo "| command | wall s | CPU s | onco vs R (CPU) |"
  echo "|---|---|---|---|"
  echo "| onco survival cox (default, as summary(coxph)) | ${WALL[onco_cox]} | ${CPU[onco_cox]} | **$(ratio "${CPU[onco_cox]}" "${CPU[r_cox]}")x** |"
  echo "| onco survival cox --zph | ${WALL[onco_cox_zph]} | ${CPU[onco_cox_zph]} | **$(ratio "${CPU[onco_cox_zph]}" "${CPU[r_cox]}")x** |"
  echo "| R read.csv + coxph + summary | ${WALL[r_cox]} | ${CPU[r_cox]} | |"
  echo "| onco survival km --group x2 | ${WALL[onco_km]} | ${CPU[onco_km]} | **$(ratio "${CPU[onco_km]}" "${CPU[r_km]}")x** |"
  echo "| R read.csv + survfit + print + summary | ${WALL[r_km]} | ${CPU[r_km]} | |"
} > "$OUT"
cat "$OUT"
