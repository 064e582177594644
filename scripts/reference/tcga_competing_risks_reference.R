#!/usr/bin/env Rscript
# Independent reference for competing risks in a cohort study (issue #20, point 3): death with cancer vs death
# without it in the TCGA HNSC + GBM fixture, by cancer type, computed with R survival and cmprsk straight from the
# cBioPortal files, not through onco (Cohorts/studies/competing-cancer-death-by-type.yaml is the same study).
# Usage: Rscript scripts/reference/tcga_competing_risks_reference.R Tests/Fixtures/tcga_hnsc_gbm > Tests/Fixtures/cohort/tcga_competing_risks_reference.json
#
# Definitions (the cohort engine must use the same):
#  * one row per patient: the patient's first sample in data_clinical_sample.txt (file order); kept when its
#    SAMPLE_TYPE is Primary Solid Tumor or Primary Blood Tumor and the patient has OS_MONTHS and OS_STATUS;
#  * status: 0 = alive (OS_STATUS 0:LIVING); 1 = death with the tumour (OS_STATUS 1:DECEASED and DSS_STATUS
#    1:DEAD WITH TUMOR); 2 = death without it (DSS_STATUS 0:ALIVE OR DEAD TUMOR FREE); a death without DSS_STATUS
#    has an unknown cause and is left out;
#  * groups: CANCER_TYPE_ACRONYM (GBM the reference, first in sorted order);
#  * survfit(Surv(OS_MONTHS, factor(status)) ~ group) at 12, 36 and 60 months; cmprsk::cuminc(...)$Tests;
#  * finegray(Surv(OS_MONTHS, factor(status)) ~ ., etype = "1") and coxph(Surv(fgstart, fgstop, fgstatus) ~ group,
#    weights = fgwt, cluster = id).
suppressMessages({ library(survival); library(cmprsk) })
dir <- commandArgs(trailingOnly = TRUE)[1]
rd <- function(f) read.delim(file.path(dir, f), comment.char = "#", stringsAsFactors = FALSE, na.strings = c("NA", ""), quote = "")
pat <- rd("data_clinical_patient.txt"); smp <- rd("data_clinical_sample.txt")
smp <- smp[!duplicated(smp$PATIENT_ID), ]
smp <- smp[smp$SAMPLE_TYPE %in% c("Primary Solid Tumor", "Primary Blood Tumor"), ]
d <- merge(pat, smp, by = "PATIENT_ID")
d <- d[!is.na(d$OS_MONTHS) & !is.na(d$OS_STATUS), ]
dead <- d$OS_STATUS == "1:DECEASED"
unknown <- sum(dead & is.na(d$DSS_STATUS))
d <- d[!(dead & is.na(d$DSS_STATUS)), ]
d$status <- ifelse(d$OS_STATUS != "1:DECEASED", 0L, ifelse(d$DSS_STATUS == "1:DEAD WITH TUMOR", 1L, 2L))
d$group <- factor(d$CANCER_TYPE_ACRONYM)
d$id <- seq_len(nrow(d))
fmt <- function(x) if (is.na(x)) "null" else sprintf("%.17g", x)
v <- function(x) paste0("[", paste(vapply(x, fmt, ""), collapse = ", "), "]")
times <- c(12, 36, 60)
aj <- survfit(Surv(OS_MONTHS, factor(status)) ~ group, data = d)
s <- summary(aj, times = times)
groups <- character(0)
for (g in levels(d$group)) {
  i <- which(sub("group=", "", s$strata) == g)
  k <- d$group == g
  groups <- c(groups, sprintf('{"label": "%s", "n": %d, "interest": %d, "competing": %d, "times": %s, "interest_cif": %s, "interest_lower": %s, "interest_upper": %s, "competing_cif": %s}',
    g, sum(k), sum(d$status[k] == 1), sum(d$status[k] == 2), v(s$time[i]), v(s$pstate[i, 2]), v(s$lower[i, 2]), v(s$upper[i, 2]), v(s$pstate[i, 3])))
}
ci <- cuminc(d$OS_MONTHS, d$status, d$group, cencode = 0)
fd <- data.frame(tt = d$OS_MONTHS, ee = factor(d$status, 0:2), group = d$group, id = d$id)
fg <- finegray(Surv(tt, ee) ~ ., data = fd, etype = "1")
fit <- coxph(Surv(fgstart, fgstop, fgstatus) ~ group, data = fg, weights = fgwt, cluster = id)
cat(sprintf('{"r_version": "%s", "survival_version": "%s", "cmprsk_version": "%s", "n": %d, "unknown_cause": %d,\n "groups": [%s],\n',
            R.version.string, as.character(packageVersion("survival")), as.character(packageVersion("cmprsk")), nrow(d), unknown,
            paste(groups, collapse = ",\n  ")))
cat(sprintf(' "gray": {"statistic": %s, "p": %s, "df": %s},\n', v(ci$Tests[, "stat"]), v(ci$Tests[, "pv"]), v(ci$Tests[, "df"])))
cat(sprintf(' "finegray": {"n_expanded": %d, "coef": %s, "se": %s, "naive_se": %s}}\n', nrow(fg), v(coef(fit)), v(sqrt(diag(fit$var))),
            v(sqrt(diag(fit$naive.var)))))
