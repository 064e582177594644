#!/usr/bin/env Rscript
# Reference values for populations selected by an alteration set (issue #20, point 1: "group or select"),
# computed with R survival straight from the cBioPortal source files of the shipped TCGA subset (not through onco).
# Usage: Rscript scripts/reference/tcga_population_sets_reference.R Tests/Fixtures/tcga_hnsc_gbm \
#          Sources/Vocabulary/Data/oncogenic_sig_pathways.tsv > Tests/Fixtures/cohort/tcga_population_sets_reference.json
#
# Definitions (as tcga_alteration_sets_reference.R):
#  * a patient is a carrier of a set when at least one MAF row of one of their samples is in ANY gene of the set with a
#    non-synonymous Variant_Classification; "altered" populations keep the carriers, "wildtype" populations the
#    genotyped patients who carry none (genotyped: a sample in data_clinical_sample.txt, whose samples are all
#    sequenced in this fixture, as onco counts a patient with a specimen; the fixture's MAF holds 30 genes only, so
#    a sequenced sample without a mutation in them has no MAF row);
#  * cohort = patients with >= 1 sample of the OncoTree code, with non-missing OS_MONTHS and OS_STATUS, in the population;
#  * endpoint OS_MONTHS / OS_STATUS == "1:DECEASED"; KM survfit (log CI), median and its CI, survival at 6, 12, 24
#    and 36 months (summary(survfit, times), only times within follow-up); log-rank survdiff(~ group); Cox coxph(~ group + age, ties = "efron"),
#    age = AGE.
# Analyses: GB altered in IDH1|IDH2 grouped by sex (female the reference); GB wild-type for IDH1|IDH2 grouped by TP53
# (wild-type the reference); HNSC altered in the PI3K pathway of Sanchez-Vega et al. 2018 (all its genes, from the
# pathway table given as the second argument) grouped by TP53.
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
vec <- function(x) paste(sapply(x, fmt), collapse = ", ")
carriers <- function(genes) {
  s <- unique(maf$Tumor_Sample_Barcode[maf$Hugo_Symbol %in% genes & maf$Variant_Classification %in% nonsyn])
  unique(smp$PATIENT_ID[smp$SAMPLE_ID %in% s])
}
genotyped <- unique(smp$PATIENT_ID)
times <- c(6, 12, 24, 36)
analysis <- function(code, label, genes, status, by) {
  s <- smp[smp$ONCOTREE_CODE == code, ]
  d <- pat[pat$PATIENT_ID %in% unique(s$PATIENT_ID) & !is.na(pat$OS_MONTHS) & !is.na(pat$OS_STATUS), ]
  inset <- d$PATIENT_ID %in% carriers(genes)
  d <- if (status == "altered") d[inset, ] else d[!inset & d$PATIENT_ID %in% genotyped, ]
  d$time <- d$OS_MONTHS
  d$event <- as.integer(d$OS_STATUS == "1:DECEASED")
  d$age <- d$AGE
  if (by == "sex") {
    d$group <- factor(tolower(d$SEX), levels = c("female", "male"))
  } else {
    d$group <- factor(ifelse(d$PATIENT_ID %in% carriers(by), "mutated", "wild-type"), levels = c("wild-type", "mutated"))
  }
  km <- survfit(Surv(time, event) ~ group, data = d)
  q <- quantile(km, 0.5)
  sm <- summary(km, times = times)
  lr <- survdiff(Surv(time, event) ~ group, data = d)
  dc <- d[!is.na(d$age), ]
  cx <- coxph(Surv(time, event) ~ group + age, data = dc, ties = "efron", control = coxph.control(eps = 1e-13, iter.max = 50))
  sc <- summary(cx)
  grp <- function(i) {
    k <- as.integer(sm$strata) == i
    sprintf(paste0('{"level": "%s", "n": %d, "events": %d, "median": %s, "median_lower": %s, "median_upper": %s,\n',
                   '     "times": [%s], "survival": [%s], "std_err": [%s], "lower": [%s], "upper": [%s]}'),
            levels(d$group)[i], km$n[i], sum(d$event[as.integer(d$group) == i]), fmt(q$quantile[i]), fmt(q$lower[i]), fmt(q$upper[i]),
            vec(sm$time[k]), vec(sm$surv[k]), vec(sm$std.err[k]), vec(sm$lower[k]), vec(sm$upper[k]))
  }
  sprintf(paste0('{"oncotree_code": "%s", "set": "%s", "genes": [%s], "status": "%s", "by": "%s", "n": %d, "events": %d,\n',
                 '  "groups": [%s,\n    %s],\n',
                 '  "logrank": {"chisq": %s, "df": 1, "p": %s},\n',
                 '  "cox": {"n": %d, "events": %d, "terms": ["group", "age"], "coef": [%s], "se": [%s], "hazard_ratio": [%s], "lower": [%s], "upper": [%s], "p": [%s], "loglik": %s}}'),
          code, label, paste0('"', genes, '"', collapse = ", "), status, by, nrow(d), sum(d$event),
          grp(1), grp(2),
          fmt(lr$chisq), fmt(pchisq(lr$chisq, 1, lower.tail = FALSE)),
          cx$n, cx$nevent, vec(coef(cx)), vec(sqrt(diag(cx$var))), vec(sc$conf.int[, 1]), vec(sc$conf.int[, 3]),
          vec(sc$conf.int[, 4]), vec(sc$coefficients[, 5]), fmt(cx$loglik[2]))
}
pi3k <- sort(unique(pathways$Gene[pathways$Pathway == "PI3K"]))
cat('{"source": "Tests/Fixtures/tcga_hnsc_gbm (tcga_pancan_open subset)", "r_version": "', R.version.string, '", "survival_version": "',
    as.character(packageVersion("survival")), '",\n "analyses": [\n',
    analysis("GB", "IDH1|IDH2", c("IDH1", "IDH2"), "altered", "sex"), ',\n',
    analysis("GB", "IDH1|IDH2", c("IDH1", "IDH2"), "wildtype", "TP53"), ',\n',
    analysis("HNSC", "PI3K", pi3k, "altered", "TP53"), '\n]}\n', sep = "")
