#!/usr/bin/env Rscript
# Independent reference for the "top 20% TMB within each cancer type" study (issue 8, README worked
# example; Cohorts/studies/tmb-top20-by-cancer-type.yaml), computed with R survival straight from the
# cBioPortal files, not through onco.
# Usage: Rscript scripts/reference/tcga_top20_tmb_reference.R STUDY_DIR > Tests/Fixtures/cohort/tcga_top20_tmb_reference.json
#
# Definitions (the cohort engine must use the same):
#  * one row per patient: the patient's first sample in data_clinical_sample.txt (file order); kept when
#    its SAMPLE_TYPE is Primary Solid Tumor or Primary Blood Tumor, TMB_NONSYNONYMOUS is recorded, and
#    the patient has OS_MONTHS and OS_STATUS (event: "1:DECEASED");
#  * within each CANCER_TYPE_ACRONYM: cut-off = quantile(TMB, 1 - 0.2, type = 7) (R's default, onco's default
#    quantile type); top group = TMB >= cut-off (ties at the cut-off included); the rest is the reference;
#  * survdiff(Surv(OS_MONTHS, event) ~ top + strata(CANCER_TYPE_ACRONYM));
#  * coxph(Surv(OS_MONTHS, event) ~ top + AGE + strata(CANCER_TYPE_ACRONYM), ties = "efron").
suppressMessages(library(survival))
dir <- commandArgs(trailingOnly = TRUE)[1]
rd <- function(f) read.delim(file.path(dir, f), comment.char = "#", stringsAsFactors = FALSE, na.strings = c("NA", ""), quote = "")
pat <- rd("data_clinical_patient.txt"); smp <- rd("data_clinical_sample.txt")
smp <- smp[!duplicated(smp$PATIENT_ID), ]
smp <- smp[smp$SAMPLE_TYPE %in% c("Primary Solid Tumor", "Primary Blood Tumor") & !is.na(smp$TMB_NONSYNONYMOUS), ]
d <- merge(pat, smp, by = "PATIENT_ID")
d <- d[!is.na(d$OS_MONTHS) & !is.na(d$OS_STATUS), ]
d$event <- as.integer(d$OS_STATUS == "1:DECEASED")
d$top <- 0L
fmt <- function(x) sprintf("%.17g", x)
levels <- sort(unique(d$CANCER_TYPE_ACRONYM))
cuts <- character(0)
for (ct in levels) {
  i <- d$CANCER_TYPE_ACRONYM == ct
  cut <- quantile(d$TMB_NONSYNONYMOUS[i], 1 - 0.2, type = 7, names = FALSE)
  d$top[i] <- as.integer(d$TMB_NONSYNONYMOUS[i] >= cut)
  cuts <- c(cuts, sprintf('{"level": "%s", "n": %d, "cutoff": %s, "n_top": %d}', ct, sum(i), fmt(cut), sum(d$top[i])))
}
lr <- survdiff(Surv(OS_MONTHS, event) ~ top + strata(CANCER_TYPE_ACRONYM), data = d)
dc <- d[!is.na(d$AGE), ]
cx <- coxph(Surv(OS_MONTHS, event) ~ top + AGE + strata(CANCER_TYPE_ACRONYM), data = dc, ties = "efron",
            control = coxph.control(eps = 1e-13, iter.max = 50))
sc <- summary(cx)
cat(sprintf('{"r_version": "%s", "survival_version": "%s", "n": %d, "events": %d, "n_top": %d, "events_top": %d,\n "cutoffs": [%s],\n',
            R.version.string, as.character(packageVersion("survival")), nrow(d), sum(d$event), sum(d$top), sum(d$event[d$top == 1]),
            paste(cuts, collapse = ", ")))
cat(sprintf(' "logrank": {"chisq": %s, "p": %s},\n', fmt(lr$chisq), fmt(pchisq(lr$chisq, 1, lower.tail = FALSE))))
cat(sprintf(' "cox": {"n": %d, "events": %d, "terms": ["top", "age"], "coef": [%s, %s], "se": [%s, %s], "hazard_ratio": [%s, %s], "lower": [%s, %s], "upper": [%s, %s], "p": [%s, %s]}}\n',
            cx$n, cx$nevent, fmt(coef(cx)[1]), fmt(coef(cx)[2]), fmt(sqrt(diag(cx$var))[1]), fmt(sqrt(diag(cx$var))[2]),
            fmt(sc$conf.int[1, 1]), fmt(sc$conf.int[2, 1]), fmt(sc$conf.int[1, 3]), fmt(sc$conf.int[2, 3]),
            fmt(sc$conf.int[1, 4]), fmt(sc$conf.int[2, 4]), fmt(sc$coefficients[1, 5]), fmt(sc$coefficients[2, 5])))
