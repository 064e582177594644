#!/usr/bin/env bash
# Produces the transcript of the README's target-trial worked example (run from the repo root with onco on
# PATH): the demo warehouse (Cohorts/demo-cohort.json, 5,000 synthetic patients, seed 1, as `onco demo`
# builds it), then the same emulated target trial from the study file and from flags, under a project.
set -u
W=/tmp/tt-ex/w; rm -rf $W; mkdir -p $W
export ONCO_ADMIN_KEY=readme-example-admin-key-0123456789abcdef ONCO_AUDIT_KEY=readme-example-audit-key-fedcba9876543210
t() { echo; echo "\$ $*" | sed "s#$W/##g"; eval "$@" 2>&1 | sed "s#$W/##g"; echo "[exit ${PIPESTATUS[0]}]"; }
t onco warehouse synth --params Cohorts/demo-cohort.json --patients 5000 --seed 1 --db $W/demo.sqlite
t onco cohort validate Cohorts/studies/synthetic-braf-target-trial.yaml
t onco cohort run Cohorts/studies/synthetic-braf-target-trial.yaml --db $W/demo.sqlite --km-plot $W/tt-km.svg
t onco cohort run --db $W/demo.sqlite --tumour-type SKCM --altered BRAF:p.V600E --design target-trial --treatment dabrafenib,trametinib --comparator other --line 1 --weights overlap --rmst-horizon 24 --format csv \| grep -E \"^tt-estimates,\"
t onco project keys init --db $W/demo.sqlite
t onco project governance on --db $W/demo.sqlite
t onco project add --db $W/demo.sqlite --id P-TT-01 --title \"BRAF/MEK target trial\" --ethics \"REC 26/TT/0001\" --tumour-types SKCM --fields tumour_type,mutations,os,therapies --expires 2099-12-31 \| head -1
t onco cohort run Cohorts/studies/synthetic-braf-target-trial.yaml --db $W/demo.sqlite --project P-TT-01
