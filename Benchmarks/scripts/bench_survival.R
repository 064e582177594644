#!/usr/bin/env Rscript
# R's side of Benchmarks/scripts/bench_survival.sh: times R survival on the synthetic data made by
# bench_survival_gen.py (adapted from the shared survival fixtures' scripts/bench_r.R).
# Times exclude reading the CSV (reported separately); each is the median of `reps` runs of the whole
# call (elapsed seconds), as the Swift side does.
# Usage: Rscript bench_survival.R WORKDIR [REPS]
suppressMessages({ library(survival); library(jsonlite) })
args <- commandArgs(trailingOnly = TRUE)
b <- args[1]
reps <- if (length(args) > 1) as.integer(args[2]) else 3L
tm <- function(expr) { e <- substitute(expr); ts <- numeric(reps); cs <- numeric(reps)
  for (i in seq_len(reps)) { gc(); st <- system.time(val <- eval(e, parent.frame()))
    ts[i] <- st[["elapsed"]]; cs[i] <- st[["user.self"]] + st[["sys.self"]] }
  list(times = ts, median = median(ts), cpu = cs, cpu_median = median(cs), value = val) }
rec <- function(r) list(times_s = r$times, median_s = r$median, cpu_s = r$cpu, cpu_median_s = r$cpu_median)
res <- list(R = R.version.string, survival = as.character(packageVersion("survival")),
            blas = sessionInfo()$BLAS, cores = parallel::detectCores(), reps = reps)
f <- Surv(time, event) ~ x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10
for (nm in c("100k", "1m")) {
  t0 <- system.time(d <- read.csv(file.path(b, paste0("synth_", nm, ".csv")), colClasses = rep("numeric", 12)))[["elapsed"]]
  for (ties in c("efron", "breslow")) {
    r <- tm(coxph(f, data = d, ties = ties))
    fit <- r$value
    res[[paste0("coxph_", ties, "_", nm)]] <- c(rec(r), list(n = nrow(d), nevent = fit$nevent, read_csv_s = t0, iter = fit$iter, coef = unname(coef(fit)), se = unname(sqrt(diag(fit$var))), loglik = fit$loglik,
      concordance = unname(fit$concordance["concordance"])))
    cat("R coxph", ties, nm, "wall", r$times, "cpu", r$cpu, "\n")
  }
  rm(d); gc()
}
t0 <- system.time(d <- read.csv(file.path(b, "synth_10m_km.csv"), colClasses = rep("numeric", 3)))[["elapsed"]]
r <- tm(survfit(Surv(time, event) ~ 1, data = d))
km <- r$value
res$survfit_km_10m <- c(rec(r), list(n = nrow(d), read_csv_s = t0, n_times = length(km$time),
  surv_at = as.list(setNames(summary(km, times = c(30, 365, 1825))$surv, c("t30", "t365", "t1825"))),
  median = unname(summary(km)$table["median"])))
cat("R survfit 10m wall", r$times, "cpu", r$cpu, "\n")
r <- tm(survfit(Surv(time, event) ~ x2, data = d))
res$survfit_km_by_x2_10m <- c(rec(r), list(
  surv_at = as.list(setNames(summary(r$value, times = c(365, 1825))$surv, c("x2_0_t365", "x2_0_t1825", "x2_1_t365", "x2_1_t1825")))))
cat("R survfit ~ x2 10m wall", r$times, "cpu", r$cpu, "\n")
r <- tm(survdiff(Surv(time, event) ~ x2, data = d))
res$survdiff_x2_10m <- c(rec(r), list(chisq = r$value$chisq))
cat("R survdiff 10m wall", r$times, "cpu", r$cpu, "\n")
writeLines(toJSON(res, auto_unbox = TRUE, digits = NA, pretty = TRUE), file.path(b, "timings_r.json"))
