#!/usr/bin/env Rscript
# Reference cut-offs for top/bottom X% groups (issue #20, point 4): R's quantile(x, prob, type = t), t = 1..9,
# on a Samstein-like TMB table (synthetic, made here: 1,662 NSCLC, 321 melanoma, 209 bladder patients; TMB =
# nonsynonymous mutations (negative binomial counts) / the panel size, 0.98, 1.06 or 1.22 Mb as the three MSK-IMPACT
# panels, so values tie within a panel as in the real data) and on small vectors with ties and edge cases.
# Membership: top p = x >= quantile(x, 1 - p, type); bottom p = x <= quantile(x, p, type) (ties at the cut-off included).
# Usage (from the repository root): Rscript scripts/reference/quantile_cutoffs_reference.R
#   writes Tests/Fixtures/cohort/quantile/tmb.csv and Tests/Fixtures/cohort/quantile/reference.json
out <- "Tests/Fixtures/cohort/quantile"
num <- function(v) { for (k in 15:17) { s <- sprintf(paste0("%.", k, "g"), v); if (as.numeric(s) == v) return(s) }; sprintf("%.17g", v) }
nums <- function(v) paste0("[", paste(vapply(v, num, ""), collapse = ", "), "]")
set.seed(20261207)
types <- c(NSCLC = 1662, MEL = 321, BLCA = 209)
mu <- c(NSCLC = 9, MEL = 14, BLCA = 11)
d <- do.call(rbind, lapply(names(types), function(t) {
  n <- types[[t]]
  data.frame(cancer_type = t, tmb = rnbinom(n, size = 1.2, mu = mu[[t]]) / sample(c(0.98, 1.06, 1.22), n, replace = TRUE),
             time = round(rexp(n, 1 / 20), 2) + 0.5, event = rbinom(n, 1, 0.6))
}))
d$patient <- sprintf("P%04d", seq_len(nrow(d)))
d <- d[, c("patient", "cancer_type", "tmb", "time", "event")]
write.table(data.frame(patient = d$patient, cancer_type = d$cancer_type, tmb = vapply(d$tmb, num, ""), time = vapply(d$time, num, ""),
                       event = d$event), file.path(out, "tmb.csv"), sep = ",", quote = FALSE, row.names = FALSE)
cases <- character(0)
for (side in c("top", "bottom")) for (pc in c(20, 40)) for (t in 1:9) {
  levels <- character(0)
  for (ct in sort(unique(d$cancer_type))) {
    x <- d$tmb[d$cancer_type == ct]
    p <- pc / 100
    cut <- if (side == "top") quantile(x, 1 - p, type = t, names = FALSE) else quantile(x, p, type = t, names = FALSE)
    k <- if (side == "top") sum(x >= cut) else sum(x <= cut)
    levels <- c(levels, sprintf('{"level": "%s", "n": %d, "cutoff": %s, "n_in_group": %d}', ct, length(x), num(cut), k))
  }
  cases <- c(cases, sprintf('{"side": "%s", "percent": %d, "type": %d, "levels": [%s]}', side, pc, t, paste(levels, collapse = ", ")))
}
vectors <- list(c(8, 0, 10, 3, 8, 1, 9, 2, 8, 5), c(4.2), c(1, 2), c(3, 3, 3, 1), as.numeric(1:100), c(0.1, 0.7, 0.2, 0.2, 5.5, 0.7, 0.7))
probs <- c(0, 0.05, 0.2, 0.25, 1 / 3, 0.5, 0.6, 0.7, 0.8, 0.93, 1)
vq <- character(0)
for (v in vectors) for (t in 1:9) {
  vq <- c(vq, sprintf('{"x": %s, "type": %d, "probs": %s, "q": %s}', nums(v), t, nums(probs), nums(quantile(v, probs, type = t, names = FALSE))))
}
writeLines(c(sprintf('{"r_version": "%s",', R.version.string),
             sprintf(' "cases": [%s],', paste(cases, collapse = ",\n  ")),
             sprintf(' "vectors": [%s]}', paste(vq, collapse = ",\n  "))), file.path(out, "reference.json"))
