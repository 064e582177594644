#!/usr/bin/env Rscript
# Independent reference values for the cohort-study tests (issue 8), computed with R survival straight
# from the cBioPortal source files of tcga_pancan_open (not through onco).
# Usage: Rscript scripts/reference/tcga_cohort_reference.R STUDY_DIR > Tests/Fixtures/cohort/tcga_reference.json
#
# Definitions (the cohort engine must use the same):
#  * cohort = patients with >= 1 sequenced sample (in data_clinical_sample.txt) whose sample ONCOTREE_CODE
#    is the given code (HNSC; GB for glioblastoma), with non-missing OS_MONTHS and OS_STATUS;
#  * gene "mutated" = at least one MAF row of one of the patient's samples for that Hugo_Symbol with a
#    non-synonymous Variant_Classification (Missense_Mutation, Nonsense_Mutation, Frame_Shift_Del,
#    Frame_Shift_Ins, In_Frame_Del, In_Frame_Ins, Splice_Site, Nonstop_Mutation, Translation_Start_Site),
#    any FILTER value; otherwise wild-type;
#  * endpoint = the study's own OS: time OS_MONTHS, event OS_STATUS == "1:DECEASED";
#  * Cox: coxph(Surv(time, event) ~ mutated + age, ties = "efron"), age = AGE (years).
suppressMessages(library(survival))
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]
rd <- function(f) read.delim(file.path(dir, f), comment.char = "#", stringsAsFactors = FALSE, na.strings = c("NA", ""), quote = "")
pat <- rd("data_clinical_patient.txt")
smp <- rd("data_clinical_sample.txt")
maff <- file.path(dir, "data_mutations.txt")
if (!file.exists(maff)) maff <- paste0(maff, ".gz")
maf <- read.delim(if (grepl("gz$", maff)) gzfile(maff) else maff, stringsAsFactors = FALSE, quote = "",
                  colClasses = "character")[, c("Hugo_Symbol", "Variant_Classification", "Tumor_Sample_Barcode")]
nonsyn <- c("Missense_Mutation", "Nonsense_Mutation", "Frame_Shift_Del", "Frame_Shift_Ins", "In_Frame_Del",
            "In_Frame_Ins", "Splice_Site", "Nonstop_Mutation", "Translation_Start_Site")
fmt <- function(x) if (is.null(x) || length(x) == 0 || is.na(x) || !is.finite(x)) "null" else sprintf("%.17g", x)
analysis <- function(code, gene) {
  s <- smp[smp$ONCOTREE_CODE == code, ]
  pts <- unique(s$PATIENT_ID)
  d <- pat[pat$PATIENT_ID %in% pts & !is.na(pat$OS_MONTHS) & !is.na(pat$OS_STATUS), ]
  mutsamples <- unique(maf$Tumor_Sample_Barcode[maf$Hugo_Symbol == gene & maf$Variant_Classification %in% nonsyn])
  mutpts <- unique(smp$PATIENT_ID[smp$SAMPLE_ID %in% mutsamples])
  d$mutated <- as.integer(d$PATIENT_ID %in% mutpts)
  d$time <- d$OS_MONTHS
  d$event <- as.integer(d$OS_STATUS == "1:DECEASED")
  d$age <- d$AGE
  km <- survfit(Surv(time, event) ~ mutated, data = d)
  q <- quantile(km, 0.5)
  lr <- survdiff(Surv(time, event) ~ mutated, data = d)
  dc <- d[!is.na(d$age), ]
  cx <- coxph(Surv(time, event) ~ mutated + age, data = dc, ties = "efron", control = coxph.control(eps = 1e-13, iter.max = 50))
  sc <- summary(cx)
  grp <- function(g) {
    i <- g + 1
    sprintf('{"mutated": %d, "n": %d, "events": %d, "median": %s, "median_lower": %s, "median_upper": %s}',
            g, km$n[i], sum(d$event[d$mutated == g]), fmt(q$quantile[i]), fmt(q$lower[i]), fmt(q$upper[i]))
  }
  sprintf(paste0('{"oncotree_code": "%s", "gene": "%s", "n": %d, "events": %d, "groups": [%s, %s],\n',
                 '  "logrank": {"chisq": %s, "df": 1, "p": %s},\n',
                 '  "cox": {"n": %d, "events": %d, "terms": ["mutated", "age"], "coef": [%s, %s], "se": [%s, %s], "hazard_ratio": [%s, %s], "lower": [%s, %s], "upper": [%s, %s], "p": [%s, %s], "loglik": %s}}'),
          code, gene, nrow(d), sum(d$event), grp(0), grp(1),
          fmt(lr$chisq), fmt(pchisq(lr$chisq, 1, lower.tail = FALSE)),
          cx$n, cx$nevent, fmt(coef(cx)[1]), fmt(coef(cx)[2]), fmt(sqrt(diag(cx$var))[1]), fmt(sqrt(diag(cx$var))[2]),
          fmt(sc$conf.int[1, 1]), fmt(sc$conf.int[2, 1]), fmt(sc$conf.int[1, 3]), fmt(sc$conf.int[2, 3]),
          fmt(sc$conf.int[1, 4]), fmt(sc$conf.int[2, 4]), fmt(sc$coefficients[1, 5]), fmt(sc$coefficients[2, 5]),
          fmt(cx$loglik[2]))
}
cat('{"source": "tcga_pancan_open (cBioPortal study folder)", "r_version": "', R.version.string, '", "survival_version": "',
    as.character(packageVersion("survival")), '",\n "analyses": [\n', analysis("HNSC", "TP53"), ',\n', analysis("GB", "IDH1"), '\n]}\n', sep = "")
