# The marginal hazard ratio of a synthetic cohort (SyntheticCohortGenerator.MarginalTruth), refitted by
# R's survival package from the counterfactual rows the test writes: one row per patient and strategy,
# columns time (days from the start of line 1, uncensored) and strategy (1 = matched regimen,
# 0 = chemotherapy). Prints exp(coef) and the model-based se(coef), %.12g.
#
#   Rscript scripts/reference/synth_marginal_hr.R rows.csv
suppressPackageStartupMessages(library(survival))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
f <- coxph(Surv(time, rep(1, nrow(d))) ~ strategy, data = d, ties = "efron")
cat(sprintf("%.12g", c(exp(coef(f))[["strategy"]], sqrt(vcov(f)[1, 1]))), "\n")
