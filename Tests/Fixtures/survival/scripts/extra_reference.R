#!/usr/bin/env Rscript
# Extra reference values for the Swift Survival tests, beyond the 93 analysis files:
#   extra/distributions.json  pchisq upper tails, pgamma, qnorm on a grid (R's own algorithms)
#   extra/degenerate.json     coxph on degenerate data: no events, a constant and an aliased column,
#                             a monotone likelihood, and a fit stopped by iter.max
# Run from this folder's parent: Rscript scripts/extra_reference.R   (R 4.2.2, survival 3.5-3)
suppressMessages(library(survival))
# JSON with every double at the shortest of %.15g/%.16g/%.17g that round-trips; NA/NaN/Inf -> null
num <- function(v) { if (is.na(v) || !is.finite(v)) return("null")
  for (k in 15:17) { s <- sprintf(paste0("%.", k, "g"), v); if (as.numeric(s) == v) return(s) }; sprintf("%.17g", v) }
js <- function(x) {
  if (is.null(x)) return("null")
  if (is.data.frame(x)) return(paste0("[", paste(vapply(seq_len(nrow(x)), function(i) js(as.list(x[i, , drop = FALSE])), ""), collapse = ",\n"), "]"))
  if (is.matrix(x)) return(paste0("[", paste(vapply(seq_len(nrow(x)), function(i) js(I(x[i, ])), ""), collapse = ", "), "]"))
  if (is.list(x)) {
    if (!is.null(names(x))) return(paste0("{", paste0("\"", names(x), "\": ", vapply(x, js, ""), collapse = ", "), "}"))
    return(paste0("[", paste(vapply(x, js, ""), collapse = ", "), "]"))
  }
  one <- function(v) if (is.character(v)) paste0("\"", gsub("\"", "\\\\\"", v), "\"") else if (is.logical(v)) (if (is.na(v)) "null" else tolower(v)) else num(v)
  if (inherits(x, "AsIs") || length(x) != 1) return(paste0("[", paste(vapply(seq_along(x), function(i) one(unclass(x)[i]), ""), collapse = ", "), "]"))
  one(x)
}
out <- function(x, file) writeLines(js(x), file)

df <- c(0.5, 1, 2, 3, 4, 5, 7, 10, 15, 20, 30, 50, 100, 250)
x <- c(1e-8, 1e-4, 0.01, 0.1, 0.5, 1, 2, 3.84, 5, 10, 20, 30, 50, 75, 100, 150, 200, 300, 500, 800)
g <- expand.grid(x = x, df = df)
g$p <- pchisq(g$x, g$df, lower.tail = FALSE)
pg <- expand.grid(x = c(0.001, 0.1, 1, 2.5, 10, 40), a = c(0.1, 0.5, 1, 3.3, 12, 60))
pg$lower <- pgamma(pg$x, pg$a)
pg$upper <- pgamma(pg$x, pg$a, lower.tail = FALSE)
pr <- c(1e-300, 1e-100, 1e-20, 1e-10, 1e-5, 0.001, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.4, 0.45, 0.5, 0.55, 0.7, 0.9, 0.95, 0.975, 0.99, 0.999, 1 - 1e-10)
z <- c(-38, -20, -8.5, -5, -3, -1.959963984540054, -1, -0.1, 0, 0.3, 1, 2, 4, 7, 9, 15)
out(list(r = R.version.string, pchisq_upper = g, pgamma = pg,
         qnorm = data.frame(p = pr, q = qnorm(pr)),
         pnorm = data.frame(z = z, lower = pnorm(z), upper = pnorm(z, lower.tail = FALSE))),
    "extra/distributions.json")

cases <- list()
fitcase <- function(name, d, f, ...) {
  w <- character(0)
  fit <- withCallingHandlers(coxph(f, data = d, ...), warning = function(m) { w <<- c(w, conditionMessage(m)); invokeRestart("muffleWarning") })
  cases[[name]] <<- list(call = paste(deparse(f), collapse = ""), args = list(...), data = d,
    coef = I(unname(coef(fit))), var = unname(fit$var), loglik = I(fit$loglik), iter = fit$iter,
    score = unname(fit$score), wald = unname(fit$wald.test), warnings = I(w))
}
set.seed(1)
d <- data.frame(time = c(5, 3, 8, 1, 9, 4, 7, 2, 6, 10), event = 0, x = c(1, 0, 1, 0, 1, 1, 0, 0, 1, 0), z = round(rnorm(10), 4))
fitcase("no_events", d, Surv(time, event) ~ x + z)
d$event <- c(1, 0, 1, 1, 0, 1, 0, 1, 1, 0); d$c <- 3; d$x2 <- 2 * d$x
fitcase("constant_column", d, Surv(time, event) ~ x + c + z)
fitcase("aliased_column", d, Surv(time, event) ~ x + x2 + z)
d2 <- data.frame(time = 1:10, event = 1, x = c(1, 1, 1, 1, 1, 0, 0, 0, 0, 0))
fitcase("monotone", d2, Surv(time, event) ~ x)
l <- na.omit(lung[, c("time", "status", "age", "sex", "ph.ecog")]); l$event <- as.integer(l$status == 2); l$status <- NULL
fitcase("iteration_limit", l, Surv(time, event) ~ age + sex + ph.ecog, control = coxph.control(iter.max = 2))
fitcase("iteration_limit_exact", l, Surv(time, event) ~ age + sex + ph.ecog, ties = "exact", control = coxph.control(iter.max = 2))
out(list(r = R.version.string, survival = as.character(packageVersion("survival")), cases = cases), "extra/degenerate.json")

# case weights (not in the shared fixtures): lung, integer weights 1, 2, 3 by row (R keeps the model-based
# variance for integer weights; non-integer weights make coxph default to robust = TRUE), with and without strata
l$w <- 1 + ((seq_len(nrow(l)) - 1) %% 3)
weighted <- list()
for (ties in c("efron", "breslow")) for (st in c(FALSE, TRUE)) {
  f <- if (st) Surv(time, event) ~ age + ph.ecog + strata(sex) else Surv(time, event) ~ age + sex + ph.ecog
  fit <- coxph(f, data = l, weights = w, ties = ties)
  weighted[[paste0(ties, if (st) "_strata" else "")]] <- list(call = paste(deparse(f), collapse = ""), ties = ties,
    coef = I(unname(coef(fit))), se = I(unname(sqrt(diag(fit$var)))), loglik = I(fit$loglik), iter = fit$iter,
    score = unname(fit$score), wald = unname(fit$wald.test), concordance = unname(fit$concordance["concordance"]),
    concordance_se = unname(fit$concordance["std"]))
}
out(list(r = R.version.string, survival = as.character(packageVersion("survival")), data = l, fits = weighted), "extra/weighted.json")
