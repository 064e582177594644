#!/usr/bin/env Rscript
# Reference for the TargetTrial module (issue #22 point 2): the estimation part of the emulated target
# trial, written independently in R on a CSV of trial entries, for the Swift tests to match (1e-6).
#
# Data: synthetic, generated here (set.seed(2026)); no real patients. 360 patients, each with one to
# three trial entries (sequential trials: some patients in both arms, some with repeated entries in one),
# confounded assignment (performance status, age, stage), delayed entry for some entries, missing
# values (stage, performance status; log-tmb mostly missing so dropped; tumour-type constant so dropped).
# Columns: id, treated, entry_days, stop_days, event, then the propensity covariates as
# `num:<name>` (numeric) or `cat:<name>` (categorical), NA = not recorded.
#
# Steps (as TargetTrial documents them):
#  covariates: dropped when known for < half of the entries or constant; missing-indicator rule
#    (numeric: mean of the known values + a 0/1 column; categorical: level "(missing)") or complete cases;
#    categorical levels in code-point order (sort(method = "radix")), first level the reference
#  glm(treated ~ ..., binomial) -> e; weights (stabilised IPTW or overlap); truncation at quantile type 7
#  SMD = (m_T - m_C) / sqrt((var_T + var_C)/2), means weighted after, variances unweighted (n - 1)
#  positivity: common support [max(min), min(max)], shares outside, ESS (sum w)^2 / sum w^2
#  survfit(Surv(entry, stop, event) ~ 1, weights = w, id = id, influence = TRUE, robust = TRUE) per arm
#  coxph(Surv(entry, stop, event) ~ treated, weights = w, cluster = id); naive coxph without weights;
#    cox.zph(weighted fit, transform = "km"): the PH test on the weighted counting-process fit
#  RMST to tau per arm (survmean rectangles), se from the clustered influence; difference's se from
#    the per-patient difference of the two arms' influences
#  E-value (VanderWeele & Ding 2017) with the common-outcome HR -> RR conversion when > 15% have the event
# Run from the repository root: Rscript Tests/Fixtures/targettrial/reference.R  (R 4.2, survival 3.5)
suppressMessages({ library(survival); library(jsonlite) })
dir <- "Tests/Fixtures/targettrial"
dpm <- 30.4375

set.seed(2026)
np <- 360
rows <- list()
for (p in 1:np) {
  k <- sample(1:3, 1, prob = c(.55, .3, .15))
  age <- round(rnorm(1, 64, 9)); sex <- sample(c("F", "M"), 1); stage <- sample(1:4, 1)
  if (runif(1) < .12) stage <- NA
  for (j in 1:k) {
    ps <- sample(0:3, 1, prob = c(.35, .35, .2, .1)); if (runif(1) < .2) ps <- NA
    psv <- ifelse(is.na(ps), 1, ps); stv <- ifelse(is.na(stage), 2.5, stage)
    lp <- -0.2 - 0.6 * (psv - 1) + 0.03 * (age - 64) - 0.2 * (stv - 2.5) + 0.3 * (j == 2)
    tr <- rbinom(1, 1, plogis(lp))
    haz <- 0.04 * exp(0.45 * psv + 0.15 * (stv - 2.5) + 0.02 * (age - 64) - 0.35 * tr)
    t <- max(1, round(rexp(1, haz) * dpm)); cens <- round(runif(1, 200, 1500))
    stop <- min(t, cens); ev <- as.integer(t <= cens)
    entry <- if (runif(1) < .15) min(stop - 1, round(runif(1, 5, 80))) else 0
    rows[[length(rows) + 1]] <- data.frame(id = p, treated = tr, entry_days = entry, stop_days = stop, event = ev,
      `num:age` = age, `cat:sex` = sex, `num:stage` = stage,
      `cat:setting` = c("1", "2", "3+")[j], `num:prior: platinum` = as.integer(j > 1 && runif(1) < .7),
      `num:log-tmb` = if (runif(1) < .3) log1p(rexp(1, .1)) else NA, `cat:tumour-type` = "LUAD",
      `num:start-year` = 2012 + sample(0:8, 1), `num:performance-status` = ps, check.names = FALSE)
  }
}
d <- do.call(rbind, rows)
write.csv(d, file.path(dir, "entries.csv"), row.names = FALSE, na = "NA", quote = FALSE)

run <- function(d, weighting, truncation, missing, tau) {
  out <- list()
  covs <- names(d)[grepl("^(num|cat):", names(d))]
  n0 <- nrow(d)
  kept <- c(); uses <- list()
  for (c in covs) {
    v <- d[[c]]; known <- sum(!is.na(v)); name <- sub("^(num|cat):", "", c)
    why <- NA
    if (length(unique(v[!is.na(v)])) < 2) why <- "constant"
    if (2 * known < n0) why <- "fewer than half"
    uses[[length(uses) + 1]] <- list(name = name, kept = is.na(why), known = known, missing = n0 - known)
    if (is.na(why)) kept <- c(kept, c)
  }
  out$covariates <- uses
  if (missing == "complete-cases") {
    cc <- complete.cases(d[, kept])
    out$dropped <- sum(!cc)
    d <- d[cc, ]
  }
  n <- nrow(d)
  X <- data.frame(row.names = seq_len(n)); bal <- list()
  for (c in kept) {
    v <- d[[c]]; name <- sub("^(num|cat):", "", c)
    if (startsWith(c, "num:")) {
      filled <- ifelse(is.na(v), mean(v, na.rm = TRUE), v)
      X[[name]] <- filled; bal[[length(bal) + 1]] <- list(covariate = name, level = NA, x = filled)
      if (any(is.na(v))) {
        ind <- as.numeric(is.na(v)); X[[paste0(name, " (missing)")]] <- ind
        bal[[length(bal) + 1]] <- list(covariate = name, level = "(missing)", x = ind)
      }
    } else {
      filled <- ifelse(is.na(v), "(missing)", v)
      lv <- sort(unique(filled), method = "radix")
      X[[name]] <- factor(filled, levels = lv)
      for (l in lv) bal[[length(bal) + 1]] <- list(covariate = name, level = l, x = as.numeric(filled == l))
    }
  }
  tr <- d$treated
  fit <- glm(tr ~ ., data = X, family = binomial)
  e <- unname(fitted(fit))
  out$ps_coef <- unname(coef(fit)); out$ps_se <- unname(sqrt(diag(vcov(fit)))); out$ps_iter <- fit$iter
  share <- mean(tr)
  w <- if (weighting == "stabilised-iptw") ifelse(tr == 1, share / e, (1 - share) / (1 - e)) else ifelse(tr == 1, 1 - e, e)
  if (!is.null(truncation)) {
    q <- unname(quantile(w, truncation, type = 7))
    out$trunc_lower <- q[1]; out$trunc_upper <- q[2]
    out$trunc_low <- sum(w < q[1]); out$trunc_high <- sum(w > q[2])
    w <- pmin(pmax(w, q[1]), q[2])
  }
  out$w_min <- min(w); out$w_max <- max(w); out$w_mean_t <- mean(w[tr == 1]); out$w_mean_c <- mean(w[tr == 0])
  smd <- function(x, ww) {
    sd <- sqrt((var(x[tr == 1]) + var(x[tr == 0])) / 2)
    (sum(ww[tr == 1] * x[tr == 1]) / sum(ww[tr == 1]) - sum(ww[tr == 0] * x[tr == 0]) / sum(ww[tr == 0])) / sd
  }
  out$balance <- lapply(bal, function(b) list(covariate = b$covariate, level = b$level,
                                              before = smd(b$x, rep(1, n)), after = smd(b$x, w)))
  lo <- max(min(e[tr == 1]), min(e[tr == 0])); hi <- min(max(e[tr == 1]), max(e[tr == 0]))
  ess <- function(v) sum(v)^2 / sum(v^2)
  out$positivity <- list(t_min = min(e[tr == 1]), t_max = max(e[tr == 1]), c_min = min(e[tr == 0]), c_max = max(e[tr == 0]),
                         lower = lo, upper = hi, t_out = mean(e[tr == 1] < lo | e[tr == 1] > hi),
                         c_out = mean(e[tr == 0] < lo | e[tr == 0] > hi), t_ess = ess(w[tr == 1]), c_ess = ess(w[tr == 0]))
  d$entry <- d$entry_days / dpm; d$stop <- d$stop_days / dpm; d$w <- w
  ids <- sort(unique(d$id))
  arm <- function(a) {
    s <- d[d$treated == a, ]
    f <- survfit(Surv(entry, stop, event) ~ 1, data = s, weights = w, id = id, influence = TRUE, robust = TRUE,
                 timefix = FALSE, conf.type = "log")
    q <- quantile(f, 0.5)
    # RMST: survmean rectangles from 0 to tau, influence per patient
    keep <- f$time <= tau; tk <- f$time[keep]
    widths <- diff(c(tk, tau)); rmst <- tk[1] + sum(widths * f$surv[keep])
    infl <- f$influence.surv[, keep, drop = FALSE] %*% widths
    full <- setNames(rep(0, length(ids)), ids); full[rownames(f$influence.surv)] <- infl[, 1]
    list(fit = list(time = f$time, surv = f$surv, se = f$std.err, lower = f$lower, upper = f$upper, n_risk = f$n.risk,
                    median = unname(q$quantile), median_lower = unname(q$lower), median_upper = unname(q$upper),
                    rmst = rmst, rmst_se = sqrt(sum(infl^2))),
         infl = full)
  }
  a1 <- arm(1); a0 <- arm(0)
  out$treated <- a1$fit; out$comparator <- a0$fit
  diff_se <- sqrt(sum((a1$infl - a0$infl)^2))
  out$rmst_diff <- a1$fit$rmst - a0$fit$rmst; out$rmst_diff_se <- diff_se
  cw <- coxph(Surv(entry, stop, event) ~ treated, data = d, weights = w, cluster = id, ties = "efron",
              control = coxph.control(timefix = FALSE))
  cn <- coxph(Surv(entry, stop, event) ~ treated, data = d, ties = "efron", control = coxph.control(timefix = FALSE))
  ci <- function(fit) { b <- unname(coef(fit)); s <- unname(sqrt(diag(vcov(fit))))
    list(coef = b, se = s, hr = exp(b), lower = exp(b - qnorm(.975) * s), upper = exp(b + qnorm(.975) * s)) }
  out$cox <- ci(cw); out$cox$naive_se <- unname(sqrt(diag(cw$naive.var)))
  # PH test of the weighted fit: cox.zph uses the case weights and the model-based information (the
  # cluster plays no part); counting-process rows (zph2.c), KM time scale from the unweighted curve
  zph <- cox.zph(cw, transform = "km")
  out$cox$ph_chisq <- unname(zph$table["treated", "chisq"]); out$cox$ph_p <- unname(zph$table["treated", "p"])
  out$naive <- ci(cn)
  share_ev <- mean(d$event)
  rr <- function(h) if (share_ev > 0.15) (1 - 0.5^sqrt(h)) / (1 - 0.5^sqrt(1 / h)) else h
  ev <- function(r) { q <- if (r < 1) 1 / r else r; q + sqrt(q * (q - 1)) }
  hr <- out$cox$hr; l <- out$cox$lower; u <- out$cox$upper
  out$evalue <- list(estimate = ev(rr(hr)), bound = if (l <= 1 && u >= 1) 1 else ev(rr(if (hr < 1) u else l)), share = share_ev)
  out
}
ref <- list(
  R = R.version.string, survival = as.character(packageVersion("survival")),
  iptw = run(d, "stabilised-iptw", c(0.01, 0.99), "missing-indicator", 24),
  overlap = run(d, "overlap", NULL, "missing-indicator", 18),
  complete = run(d, "stabilised-iptw", c(0.05, 0.95), "complete-cases", 24))
writeLines(toJSON(ref, auto_unbox = TRUE, digits = NA, na = "null", pretty = TRUE), file.path(dir, "reference.json"))
cat("HR iptw", ref$iptw$cox$hr, "naive", ref$iptw$naive$hr, "\n")
