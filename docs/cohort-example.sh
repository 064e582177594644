#!/usr/bin/env bash
# Produces the transcript of docs/cohort-example.md (run from the repo root with onco on PATH).
set -u
export ONCO_PSEUDONYM_KEY=readme-example-key-please-change-0001
W=/tmp/cohort-ex/w; rm -rf $W; mkdir -p $W
# Governance keys (see README "Governance and privacy"): a real warehouse starts governed.
export ONCO_ADMIN_KEY=readme-example-admin-key-0123456789abcdef ONCO_AUDIT_KEY=readme-example-audit-key-fedcba9876543210
t() { echo; echo "\$ $*" | sed "s#$W/##g"; eval "$@" 2>&1 | sed "s#$W/##g"; echo "[exit ${PIPESTATUS[0]}]"; }
t onco warehouse import Tests/Fixtures/tcga_hnsc_gbm --db $W/tcga.sqlite
t onco cohort validate Cohorts/studies/tmb-top20-by-cancer-type.yaml
t onco project keys init --db $W/tcga.sqlite
t onco project add --db $W/tcga.sqlite --id P-TMB-01 --title \"TMB and survival within cancer types\" --ethics \"REC 25/LO/0042\" --tumour-types \"*\" --fields TMB_NONSYNONYMOUS,CANCER_TYPE_ACRONYM,SAMPLE_TYPE,OS_MONTHS,OS_STATUS,age --expires 2027-12-31
t onco project governance on --db $W/tcga.sqlite
t onco cohort run Cohorts/studies/tmb-top20-by-cancer-type.yaml --db $W/tcga.sqlite
t onco cohort run Cohorts/studies/tmb-top20-by-cancer-type.yaml --db $W/tcga.sqlite --project P-TMB-01 --km-plot $W/tmb-km.svg --forest-plot $W/tmb-forest.svg
t onco cohort run --db $W/tcga.sqlite --project P-TMB-01 --where \"SAMPLE_TYPE=Primary Solid Tumor,Primary Blood Tumor\" --top 20 --of TMB_NONSYNONYMOUS --within CANCER_TYPE_ACRONYM --endpoint study --time-attribute OS_MONTHS --status-attribute OS_STATUS --adjust age --strata CANCER_TYPE_ACRONYM --logrank-strata CANCER_TYPE_ACRONYM --format csv \| grep -E \"^\(cox\|cutoffs\|logrank\),\" \| head -12
t onco project add --db $W/tcga.sqlite --id P-HN-02 --title \"TP53 in head and neck cancer\" --ethics \"REC 25/NW/0007\" --tumour-types HNSC --fields tumour_type,mutations,age,OS_MONTHS,OS_STATUS --expires 2027-06-30 \| head -1
t onco cohort run --db $W/tcga.sqlite --project P-HN-02 --tumour-type GB --group-by mutation:IDH1 --endpoint study --time-attribute OS_MONTHS --status-attribute OS_STATUS
t onco cohort run --db $W/tcga.sqlite --project P-HN-02 --tumour-type HNSC --group-by mutation:IDH1 --endpoint study --time-attribute OS_MONTHS --status-attribute OS_STATUS --format json \| grep -E \"\\\"\(label\|n\|events\)\\\" :\" \| head -8
t onco audit verify --db $W/tcga.sqlite
t onco audit log --db $W/tcga.sqlite
t sqlite3 $W/tcga.sqlite \"DROP TRIGGER onco_audit_log_no_update\; UPDATE onco_audit_log SET detail = replace\(detail, \'895\', \'900\'\) WHERE seq = 6\;\"
t onco audit verify --db $W/tcga.sqlite
