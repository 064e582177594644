#!/usr/bin/env Rscript
# Reference values for alteration-set groups (issue #20, point 1), computed with R survival straight from the
# cBioPortal source files of the shipped TCGA subset (not through onco).
# Usage: Rscript scripts/reference/tcga_alteration_sets_reference.R Tests/Fixtures/tcga_hnsc_gbm \
#          Sources/Vocabulary/Data/oncogenic_sig_pathways.tsv > Tests/Fixtures/cohort/tcga_alteration_sets_reference.json
#
# Definitions (the same as tcga_cohort_reference.R, with a set of genes in place of one gene):
#  * cohort = patients with >= 1 sample of the OncoTree code, with non-missing OS_MONTHS and OS_STATUS;
#  * a patient is "altered" when at least one MAF row of one of their samples is in ANY gene of the set with a
#    non-synonymous Variant_Classification (as tcga_cohort_reference.R); otherwise wild-type (every patient
#    of the cohort has a sequenced sample in this fixture);
#  * per member: the altered patients carrying a qualifying row in that gene (a patient may carry several);
#  * endpoint OS_MONTHS / OS_STATUS == "1:DECEASED"; log-rank survdiff(~ altered);
#    Cox coxph(Surv(time, event) ~ altered + age, ties = "efron"), age = AGE.
# Sets: GB IDH1|IDH2; HNSC PIK3CA|PTEN; HNSC the PI3K pathway of Sanchez-Vega et al. 2018 (all its genes,
# from the pathway table given as the second argument; only those in the fixture's 30 genes can be altered).
suppressMessages(library(survival))
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]
pathways <- read.delim(args[2], stringsAsFactors = FALSE)
rd <- function(f) read.delim(file.path(dir, f), comment.char = "#", stringsAsFactors = FALSE, na.strings = c("NA", ""), quote = "")
pat <- rd("data_clinical_patient.txt")
smp <- rd("data_clinical_sample.txt")
maf <- read.delim(gzfile(file.path(dir, "data_mutations.txt.gz")), stringsAsFactors = FALSE, quote = "",
                  colClasses = "character")[, c("Hugo_Symbol", "Variant_Classification", "Tumor_Sample_Barcode")]
nonsyn <- c("Missense_Mutation", "Nonsense_Mutation", "Frame_Shift_Del", "Frame_Shift_Ins", "In_Frame_Del",
            "In_Frame_Ins", "Splice_Site", "Nonstop_Mutation", "Translation_Start_Site")
fmt <- function(x) if (is.null(x) || length(x) == 0 || is.na(x) || !is.finite(x)) "null" else sprintf("%.17g", x)
carriers <- function(genes) {
  s <- unique(maf$Tumor_Sample_Barcode[maf$Hugo_Symbol %in% genes & maf$Variant_Classification %in% nonsyn])
  unique(smp$PATIENT_ID[smp$SAMPLE_ID %in% s])
}
analysis <- function(code, label, genes) {
  s <- smp[smp$ONCOTREE_CODE == code, ]
  d <- pat[pat$PATIENT_ID %in% unique(s$PATIENT_ID) & !is.na(pat$OS_MONTHS) & !is.na(pat$OS_STATUS), ]
  d$altered <- as.integer(d$PATIENT_ID %in% carriers(genes))
  d$time <- d$OS_MONTHS
  d$event <- as.integer(d$OS_STATUS == "1:DECEASED")
  d$age <- d$AGE
  lr <- survdiff(Surv(time, event) ~ altered, data = d)
  dc <- d[!is.na(d$age), ]
  cx <- coxph(Surv(time, event) ~ altered + age, data = dc, ties = "efron", control = coxph.control(eps = 1e-13, iter.max = 50))
  sc <- summary(cx)
  members <- sapply(genes, function(g) sprintf('{"member": "%s", "carriers": %d}', g, sum(d$altered == 1 & d$PATIENT_ID %in% carriers(g))))
  sprintf(paste0('{"oncotree_code": "%s", "set": "%s", "genes": [%s], "n": %d, "events": %d,\n',
                 '  "groups": [{"altered": 0, "n": %d, "events": %d}, {"altered": 1, "n": %d, "events": %d}],\n',
                 '  "members": [%s],\n',
                 '  "logrank": {"chisq": %s, "df": 1, "p": %s},\n',
                 '  "cox": {"n": %d, "events": %d, "terms": ["altered", "age"], "coef": [%s, %s], "se": [%s, %s], "hazard_ratio": [%s, %s], "lower": [%s, %s], "upper": [%s, %s], "p": [%s, %s], "loglik": %s}}'),
          code, label, paste0('"', genes, '"', collapse = ", "), nrow(d), sum(d$event),
          sum(d$altered == 0), sum(d$event[d$altered == 0]), sum(d$altered == 1), sum(d$event[d$altered == 1]),
          paste(members, collapse = ", "),
          fmt(lr$chisq), fmt(pchisq(lr$chisq, 1, lower.tail = FALSE)),
          cx$n, cx$nevent, fmt(coef(cx)[1]), fmt(coef(cx)[2]), fmt(sqrt(diag(cx$var))[1]), fmt(sqrt(diag(cx$var))[2]),
          fmt(sc$conf.int[1, 1]), fmt(sc$conf.int[2, 1]), fmt(sc$conf.int[1, 3]), fmt(sc$conf.int[2, 3]),
          fmt(sc$conf.int[1, 4]), fmt(sc$conf.int[2, 4]), fmt(sc$coefficients[1, 5]), fmt(sc$coefficients[2, 5]),
          fmt(cx$loglik[2]))
}
pi3k <- sort(unique(pathways$Gene[pathways$Pathway == "PI3K"]))
cat('{"source": "Tests/Fixtures/tcga_hnsc_gbm (tcga_pancan_open subset)", "r_version": "', R.version.string, '", "survival_version": "',
    as.character(packageVersion("survival")), '",\n "analyses": [\n',
    analysis("GB", "IDH1|IDH2", c("IDH1", "IDH2")), ',\n',
    analysis("HNSC", "PIK3CA|PTEN", c("PIK3CA", "PTEN")), ',\n',
    analysis("HNSC", "PI3K", pi3k), '\n]}\n', sep = "")
