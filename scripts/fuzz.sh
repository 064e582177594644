#!/usr/bin/env bash
# Coverage-guided fuzzing of onco's own readers (libFuzzer + AddressSanitizer/LeakSanitizer).
#
#   scripts/fuzz.sh [TARGET|all] SECONDS     build Fuzz/ and run each target for SECONDS
#   scripts/fuzz.sh --merge [TARGET|all]     minimise (inputs cut to 4 KiB) Fuzz/seeds/<target>, the corpus and the last
#                                             run's Fuzz/work/<target>/corpus into Fuzz/corpus/<target>
#   scripts/fuzz.sh --list                   the targets
#
# Builds the Fuzz package (release, -sanitize=fuzzer,address: every onco module is instrumented), then
# runs each target on a copy of its committed corpus (Fuzz/corpus/<target>; new inputs go to
# Fuzz/work/<target>/corpus, never into the repository) with its dictionary (Fuzz/dict); the reproducers
# in Fuzz/regressions/<target> are run first, as a second (read-only) corpus. Fails on any
# crash, sanitizer report, leak or input slower than 10 s; the reproducer is Fuzz/work/<target>/crash-*,
# leak-* or timeout-* (replay: Fuzz/.build/release/fuzz-<target> FILE). Prints executions/s, coverage
# (cov: edges, ft: features) and corpus size per target.
#
# Environment: ONCO_SWIFT (default swift; /work/tools/swiftb for the build lock), ONCO_FUZZ_JOBS (parallel
# fuzzing processes per target, default 1), ONCO_FUZZ_RSS_MB (default 2048), ONCO_FUZZ_BUILD=0 (use the
# binaries already built).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "$(basename "$PWD" | tr '[:upper:]' '[:lower:]')" == fuzz ]]; then
  # SwiftPM names a path dependency after its folder: a checkout folder named "fuzz" clashes with Fuzz/.
  echo "fuzz.sh: the checkout folder is named \"$(basename "$PWD")\", which SwiftPM confuses with Fuzz/; use another name" >&2
  exit 2
fi
TARGETS=(vcf vcf-bgzf csq maf case-files cbioportal omop-csv cohort-definition survival-csv)
SWIFT=${ONCO_SWIFT:-swift}
BIN=Fuzz/.build/release
RSS=${ONCO_FUZZ_RSS_MB:-2048}
JOBS=${ONCO_FUZZ_JOBS:-1}

usage() { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 64; }
dict() { case "$1" in vcf|vcf-bgzf) echo Fuzz/dict/vcf.dict ;; *) [[ -f Fuzz/dict/$1.dict ]] && echo "Fuzz/dict/$1.dict" ;; esac; }
pick() {
  if [[ "$1" == all ]]; then echo "${TARGETS[@]}"; return; fi
  for t in "${TARGETS[@]}"; do [[ "$t" == "$1" ]] && { echo "$t"; return; }; done
  echo "unknown target \"$1\" (one of: ${TARGETS[*]}, all)" >&2; exit 64
}
build() {
  if [[ "${ONCO_FUZZ_BUILD:-1}" == 0 ]]; then return; fi
  local t0=$SECONDS
  # swiftc adds libFuzzer's coverage instrumentation for -sanitize=fuzzer only without whole-module
  # optimisation, and SwiftPM's release builds are whole-module: without an explicit -sanitize-coverage
  # the Swift code would be fuzzed blind (no __sancov counters; cov/ft counting only the C code).
  $SWIFT build --package-path Fuzz --scratch-path Fuzz/.build -c release --sanitize=fuzzer --sanitize=address \
    -Xswiftc -sanitize-coverage=edge,trace-cmp,indirect-calls,inline-8bit-counters,pc-table >&2
  echo "fuzz build: $((SECONDS - t0)) s" >&2
}
# LeakSanitizer on (the default with ASan on Linux); a leak makes libFuzzer stop with leak-<sha>.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=0:handle_abort=1}

case "${1:-}" in
  --list) printf '%s\n' "${TARGETS[@]}"; exit 0 ;;
  --merge)
    read -r -a chosen <<< "$(pick "${2:-all}")"
    build
    for t in "${chosen[@]}"; do
      mkdir -p "Fuzz/corpus/$t"
      old=$(mktemp -d); cp -r "Fuzz/corpus/$t/." "$old/" 2>/dev/null || true
      rm -rf "Fuzz/corpus/$t"; mkdir -p "Fuzz/corpus/$t"
      found=(); [[ -d "Fuzz/work/$t/corpus" ]] && found=("Fuzz/work/$t/corpus")
      "$BIN/fuzz-$t" -merge=1 -max_len=4096 -timeout=10 -rss_limit_mb="$RSS" "Fuzz/corpus/$t" "$old" "Fuzz/seeds/$t" "${found[@]}" 2>&1 | grep -E "MERGE-OUTER: [0-9]+ new files" >&2 || true
      rm -rf "$old"
      echo "$t: $(ls "Fuzz/corpus/$t" | wc -l) files, $(du -sb "Fuzz/corpus/$t" | cut -f1) bytes" >&2
    done
    exit 0 ;;
  ""|-*) usage ;;
esac
[[ $# -eq 2 && "$2" =~ ^[0-9]+$ ]] || usage
read -r -a chosen <<< "$(pick "$1")"
SECS=$2
build
status=0
printf '%-18s %8s %10s %8s %8s %8s %14s  %s\n' target seconds execs exec/s cov ft corpus result
for t in "${chosen[@]}"; do
  work=Fuzz/work/$t
  rm -rf "$work"; mkdir -p "$work/corpus"
  cp -r "Fuzz/corpus/$t/." "$work/corpus/" 2>/dev/null || true
  d=$(dict "$t" || true)
  args=(-max_total_time="$SECS" -timeout=10 -rss_limit_mb="$RSS" -print_final_stats=1 -artifact_prefix="$work/")
  [[ -n "$d" ]] && args+=(-dict="$d")
  if [[ "$JOBS" -gt 1 ]]; then args+=(-fork="$JOBS"); fi
  t0=$SECONDS
  set +e
  reg=Fuzz/regressions/${t%-bgzf}; dirs=("$work/corpus"); [[ -d "$reg" ]] && dirs+=("$reg")
  "$BIN/fuzz-$t" "${args[@]}" "${dirs[@]}" > "$work/log" 2>&1
  rc=$?
  set -e
  elapsed=$((SECONDS - t0))
  last=$(grep -E '^#[0-9]+' "$work/log" | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<< "$last"); ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<< "$last")
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log" | tail -1)
  corpus="$(ls "$work/corpus" | wc -l)/$(du -sb "$work/corpus" | cut -f1)b"
  artifact=$(ls "$work" | grep -E '^(crash|leak|timeout|oom|slow-unit)-' | head -1 || true)
  if [[ $rc -ne 0 || -n "$artifact" ]]; then
    result="FAIL (exit $rc${artifact:+, $work/$artifact})"; status=1
  else
    result=ok
  fi
  printf '%-18s %8s %10s %8s %8s %8s %14s  %s\n' "$t" "$elapsed" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "$corpus" "$result"
  if [[ $status -ne 0 && -z "${ONCO_FUZZ_KEEP_GOING:-}" ]]; then
    grep -E -A30 '==ERROR|SUMMARY|Fatal error|deadly signal|ALARM|leak' "$work/log" | head -60 >&2 || true
  fi
done
exit $status
