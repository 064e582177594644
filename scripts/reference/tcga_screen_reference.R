#!/usr/bin/env Rscript
# Reference values for the gene screen (issue #20, point 2: `onco cohort screen`), computed with R survival straight
# from the cBioPortal source files of the shipped TCGA subset (not through onco).
# Usage: Rscript scripts/reference/tcga_screen_reference.R Tests/Fixtures/tcga_hnsc_gbm > Tests/Fixtures/cohort/tcga_screen_reference.json
#
# Definitions (as tcga_cohort_reference.R): cohort = patients with >= 1 sample of the OncoTree code (HNSC; GB), with
# non-missing OS_MONTHS and OS_STATUS; a gene is "altered" in a patient with a non-synonymous MAF row in it;
# endpoint OS_MONTHS / OS_STATUS == "1:DECEASED". Every gene of the MAF altered in >= 10 patients of the cohort
# (and not in all of them) is tested: coxph(Surv(time, event) ~ altered, ties = "efron") (HR, 95% CI, Wald p) and
# survdiff(Surv(time, event) ~ altered) (log-rank chi-square and p); q = p.adjust(log-rank p, method = "BH") over
# the genes tested in that cohort.
suppressMessages(library(survival))
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]
min_carriers <- 10
rd <- function(f) read.delim(file.path(dir, f), comment.char = "#", stringsAsFactors = FALSE, na.strings = c("NA", ""), quote = "")
pat <- rd("data_clinical_patient.txt")
smp <- rd("data_clinical_sample.txt")
maf <- read.delim(gzfile(file.path(dir, "data_mutations.txt.gz")), stringsAsFactors = FALSE, quote = "",
                  colClasses = "character")[, c("Hugo_Symbol", "Variant_Classification", "Tumor_Sample_Barcode")]
nonsyn <- c("Missense_Mutation", "Nonsense_Mutation", "Frame_Shift_Del", "Frame_Shift_Ins", "In_Frame_Del",
            "In_Frame_Ins", "Splice_Site", "Nonstop_Mutation", "Translation_Start_Site")
maf <- maf[maf$Variant_Classification %in% nonsyn, ]
fmt <- function(x) if (is.null(x) || length(x) == 0 || is.na(x) || !is.finite(x)) "null" else sprintf("%.17g", x)
screen <- function(code) {
  s <- smp[smp$ONCOTREE_CODE == code, ]
  d <- pat[pat$PATIENT_ID %in% unique(s$PATIENT_ID) & !is.na(pat$OS_MONTHS) & !is.na(pat$OS_STATUS), ]
  d$time <- d$OS_MONTHS
  d$event <- as.integer(d$OS_STATUS == "1:DECEASED")
  rows <- list()
  for (g in sort(unique(maf$Hugo_Symbol))) {
    pts <- unique(smp$PATIENT_ID[smp$SAMPLE_ID %in% maf$Tumor_Sample_Barcode[maf$Hugo_Symbol == g]])
    d$altered <- as.integer(d$PATIENT_ID %in% pts)
    n1 <- sum(d$altered)
    if (n1 < min_carriers || n1 == nrow(d)) next
    lr <- survdiff(Surv(time, event) ~ altered, data = d)
    cx <- coxph(Surv(time, event) ~ altered, data = d, ties = "efron", control = coxph.control(eps = 1e-13, iter.max = 50))
    sc <- summary(cx)
    rows[[length(rows) + 1]] <- list(gene = g, n = n1, events = sum(d$event[d$altered == 1]), n_wt = sum(d$altered == 0),
      events_wt = sum(d$event[d$altered == 0]), coef = unname(coef(cx)[1]), se = sqrt(cx$var[1, 1]), hr = sc$conf.int[1, 1],
      lower = sc$conf.int[1, 3], upper = sc$conf.int[1, 4], wald_p = sc$coefficients[1, 5], chisq = lr$chisq,
      p = pchisq(lr$chisq, 1, lower.tail = FALSE))
  }
  q <- p.adjust(sapply(rows, function(r) r$p), method = "BH")
  genes <- sapply(seq_along(rows), function(i) {
    r <- rows[[i]]
    sprintf('    {"gene": "%s", "n": %d, "events": %d, "n_wt": %d, "events_wt": %d, "coef": %s, "se": %s, "hr": %s, "lower": %s, "upper": %s, "wald_p": %s, "chisq": %s, "p": %s, "q": %s}',
            r$gene, r$n, r$events, r$n_wt, r$events_wt, fmt(r$coef), fmt(r$se), fmt(r$hr), fmt(r$lower), fmt(r$upper),
            fmt(r$wald_p), fmt(r$chisq), fmt(r$p), fmt(q[i]))
  })
  sprintf('  {"oncotree_code": "%s", "min_carriers": %d, "n": %d, "events": %d, "genes": [\n%s\n  ]}', code, min_carriers,
          nrow(d), sum(d$event), paste(genes, collapse = ",\n"))
}
cat('{"source": "Tests/Fixtures/tcga_hnsc_gbm (tcga_pancan_open subset)", "r_version": "', R.version.string, '", "survival_version": "',
    as.character(packageVersion("survival")), '",\n "screens": [\n', screen("HNSC"), ',\n', screen("GB"), '\n]}\n', sep = "")
