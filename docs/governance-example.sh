#!/usr/bin/env bash
# Produces the transcript of the README section "Governance and privacy" (run from the repo root with onco on PATH).
set -u
export ONCO_PSEUDONYM_KEY=readme-example-key-please-change-0001
W=/tmp/gov-ex/w; rm -rf $W; mkdir -p $W
# The two secrets live outside the warehouse: the administrator's, and the audit key every querying process holds.
openssl rand -hex 32 > $W/admin.key; openssl rand -hex 32 > $W/audit.key; chmod 600 $W/*.key
export ONCO_AUDIT_KEY_FILE=$W/audit.key
ADMIN="ONCO_ADMIN_KEY_FILE=$W/admin.key"
CASE=Tests/Fixtures/recommendation/cases/brca_erbb2amp.grch37.vep.vcf
t() { echo; echo "\$ $*" | sed "s#$W/##g"; eval "$@" 2>&1 | sed "s#$W/##g"; echo "[exit ${PIPESTATUS[0]}]"; }
t onco warehouse import Tests/Fixtures/tcga_hnsc_gbm --db $W/tcga.sqlite \| tail -1
t onco project governance status --db $W/tcga.sqlite
t onco warehouse stats --db $W/tcga.sqlite
t onco similar --vcf $CASE --tumor-type HNSC --db $W/tcga.sqlite --k 5
t $ADMIN onco project keys init --db $W/tcga.sqlite
t onco project add-purpose --db $W/tcga.sqlite --id TB-HN --board \"Head and neck tumour board\" --approved-by \"Dr A. Chair, clinical lead\" --outputs aggregates,neighbours --tumour-types \"*\" --expires 2027-12-31
t $ADMIN onco project add-purpose --db $W/tcga.sqlite --id TB-HN --board \"Head and neck tumour board\" --approved-by \"Dr A. Chair, clinical lead\" --outputs aggregates,neighbours --tumour-types \"*\" --expires 2027-12-31
t $ADMIN onco project add --db $W/tcga.sqlite --id P-HN-02 --title \"IDH1 in head and neck cancer\" --ethics \"REC 25/NW/0007\" --tumour-types HNSC --fields \"*\" --expires 2027-06-30 \| head -1
t onco similar --vcf $CASE --tumor-type HNSC --db $W/tcga.sqlite --k 5 --purpose TB-HN \| head -12
t onco similar --vcf $CASE --tumor-type HNSC --within HNSC --db $W/tcga.sqlite --k 5 --project P-HN-02
t onco cohort run --db $W/tcga.sqlite --project P-HN-02 --tumour-type HNSC --group-by mutation:IDH1 --endpoint study --time-attribute OS_MONTHS --status-attribute OS_STATUS --adjust age --format csv \| grep -E \"^\(flow\|groups\|cox\),\"
t onco cohort run --db $W/tcga.sqlite --project P-HN-02 --tumour-type HNSC --group-by mutation:IDH1 --endpoint study --time-attribute OS_MONTHS --status-attribute OS_STATUS --min-cell 2
t onco project governance off --db $W/tcga.sqlite
t onco audit checkpoint --db $W/tcga.sqlite -o $W/head.json
t onco audit log --db $W/tcga.sqlite \| cut -c1-160
t onco audit verify --db $W/tcga.sqlite --checkpoint $W/head.json
# The audit key is rotated (routinely, or after a leak): the DPO keeps the retired key with its checkpoints.
openssl rand -hex 32 > $W/audit2.key; chmod 600 $W/audit2.key
t $ADMIN ONCO_NEW_AUDIT_KEY_FILE=$W/audit2.key onco project keys rotate --db $W/tcga.sqlite
t onco warehouse stats --db $W/tcga.sqlite --purpose TB-HN
export ONCO_AUDIT_KEY_FILE=$W/audit2.key
t onco audit verify --db $W/tcga.sqlite
t onco audit verify --db $W/tcga.sqlite --checkpoint $W/head.json --retired-audit-key-file $W/audit.key
t sqlite3 $W/tcga.sqlite \"UPDATE onco_warehouse SET value = \'off\' WHERE key = \'governance\'\;\"
t onco audit verify --db $W/tcga.sqlite --checkpoint $W/head.json --retired-audit-key-file $W/audit.key
